"""Forms for the clinic's actions. Each form's `perform` calls the one service for that action and
turns the service's ValidationError into errors on the form's fields, so the admin and the web
pages show the rule next to the field it concerns."""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.forms import ActionForm, DateField, VersionedActionForm, add_refusal
from core.inputs import parse_id
from organizations.identifiers import normalize_identifier
from organizations.models import Employer, PrimaryOrganization, Role, TerritorialCenter, User

from . import services, workdays
from .models import (
    APPLICANT_LANGUAGES,
    TRANSITIONS,
    Application,
    ApplicationKind,
    Channel,
    Event,
    LaborDispute,
    LetterTemplate,
    Outcome,
    Person,
    Service,
    Status,
    Topic,
    Visit,
)
from .personal_data import searches_by_personal_data
from .validators import normalize_phone


def add_consent_errors(form: forms.Form, data: dict[str, Any]) -> None:
    """A channel the applicant consented to needs its address: no e-mail address, no e-mail."""
    if data.get("notify_by_email") and not data.get("email"):
        form.add_error("email", _("Give the e-mail address to inform by e-mail."))
    if data.get("notify_by_sms") and not (data.get("phone") or "").strip():
        form.add_error("phone", _("Give the phone number to inform by SMS."))


def _center_lawyers(center_id: int | None):
    """Who may take a case of the center: its active lawyers and managers."""
    return User.objects.filter(
        center_id=center_id, role__in=(Role.LAWYER, Role.MANAGER), is_active=True
    ).order_by("last_name", "first_name", "username")


class LawyerChoiceField(forms.ModelChoiceField):
    """Lawyers by name (the username only for an account without one)."""

    def label_from_instance(self, user: User) -> str:
        return user.get_full_name() or user.username


class StatusChangeForm(VersionedActionForm):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[self.target.status] - {Status.DECIDED}
        self.fields["to_status"].choices = [(s.value, s.label) for s in Status if s in allowed]

    def apply(self, *, target, by, to_status, reason, expected_version):
        return services.application_change_status(
            application=target, by=by, to_status=to_status, reason=reason, expected_version=expected_version
        )


class DecideForm(VersionedActionForm):
    outcome = forms.ModelChoiceField(Outcome.objects.filter(is_active=True), label=_("Outcome"))
    decision = forms.CharField(
        label=_("Answer to the applicant"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    recovered_kzt = forms.DecimalField(
        label=_("Money recovered, KZT"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    decided_on = DateField(label=_("Decided on"), required=False)

    def apply(self, *, target, by, **data):
        return services.application_decide(application=target, by=by, **data)


class ReopenForm(VersionedActionForm):
    reason = forms.CharField(label=_("Why is the case reopened?"), widget=forms.Textarea(attrs={"rows": 3}))

    def apply(self, *, target, by, reason, expected_version):
        return services.application_reopen(
            application=target, by=by, reason=reason, expected_version=expected_version
        )


class AssignForm(VersionedActionForm):
    lawyer = LawyerChoiceField(User.objects.none(), label=_("Lawyer"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = _center_lawyers(self.target.center_id)

    def apply(self, *, target, by, lawyer, expected_version):
        return services.application_assign(
            application=target, by=by, lawyer=lawyer, expected_version=expected_version
        )


class ExtendDeadlineForm(VersionedActionForm):
    new_due_on = DateField(label=_("New due date"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    applicant_notified_on = DateField(
        label=_("Applicant told on"),
        required=False,
        help_text=_("Empty: the date the message to the applicant is sent, if they agreed to messages."),
    )

    def apply(self, *, target, by, **data):
        return services.application_extend_deadline(application=target, by=by, **data)


class AnswerOnSpotForm(VersionedActionForm):
    action_taken = forms.CharField(
        label=_("What was the visitor told?"), widget=forms.Textarea(attrs={"rows": 3})
    )

    # The service's own arguments by name, where ActionForm.apply takes them as **data.
    def apply(self, *, target: Visit, by, action_taken, expected_version):  # type: ignore[override]
        return services.visit_answer_on_spot(
            visit=target, by=by, action_taken=action_taken, expected_version=expected_version
        )


class OnlineAnswerForm(AnswerOnSpotForm):
    """The reception answers a question sent online: the applicant reads this on the tracking page."""

    action_taken = forms.CharField(
        label=_("Answer to the applicant"),
        help_text=_("The applicant reads this answer on the online tracking page."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class PublicAnswerForm(VersionedActionForm):
    public_answer = forms.CharField(
        label=_("Answer to the applicant online"),
        help_text=_("Shown on the online tracking page once the case is decided."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def apply(self, *, target, by, public_answer, expected_version):
        return services.application_publish_answer(
            application=target, by=by, text=public_answer, expected_version=expected_version
        )


class OpenCaseForm(VersionedActionForm):
    service = forms.ModelChoiceField(Service.objects.filter(is_active=True), label=_("Service"))
    kind = forms.ModelChoiceField(ApplicationKind.objects.filter(is_active=True), label=_("Kind"))
    topic = forms.ModelChoiceField(Topic.objects.filter(is_active=True), label=_("Topic"), required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lawyer = LawyerChoiceField(User.objects.none(), label=_("Lawyer"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = _center_lawyers(self.target.center_id)

    def apply(self, *, target: Visit, by, **data):
        return services.visit_open_case(visit=target, by=by, **data)


class NoteForm(ActionForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))

    def apply(self, *, target, by, text):
        return services.note_add(application=target, by=by, text=text)


class DocumentForm(ActionForm):
    file = forms.FileField(label=_("Document"))

    def apply(self, *, target, by, file):
        return services.document_attach(application=target, by=by, upload=file)


class LetterForm(ActionForm):
    """A letter filled from a template: the active templates offered to the case's center (the
    federation's and its own), grouped by language, the page's first."""

    template = forms.TypedChoiceField(label=_("Template"), coerce=int)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offered = LetterTemplate.objects.for_center(self.target.center_id).offered()
        self.templates = {template.pk: template for template in offered}
        groups: dict[str, list[tuple[int, str]]] = {}
        for template in self.templates.values():
            groups.setdefault(template.language, []).append((template.pk, template.name))
        language = (get_language() or "")[:2]
        order = sorted(groups, key=lambda code: code != language)
        cast(forms.ChoiceField, self.fields["template"]).choices = [
            (LetterTemplate.Language(code).label, groups[code]) for code in order
        ]
        if order:
            self.fields["template"].initial = groups[order[0]][0][0]

    def apply(self, *, target, by, template):
        return services.letter_write(application=target, by=by, template=self.templates[template])


class DisputeStageForm(VersionedActionForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=LaborDispute.Stage.choices)

    def apply(self, *, target, by, stage, expected_version):
        return services.dispute_move_stage(
            dispute=target, by=by, stage=stage, expected_version=expected_version
        )


class DisputeClaimForm(VersionedActionForm):
    registered_on = DateField(
        label=_("Claim registered by the conciliation commission on"),
        help_text=_("The commission decides within 15 working days of registering the claim."),
    )

    def apply(self, *, target, by, registered_on, expected_version):
        return services.dispute_register_claim(
            dispute=target, by=by, registered_on=registered_on, expected_version=expected_version
        )


class DisputeResolveForm(VersionedActionForm):
    result = forms.ChoiceField(label=_("Result"), choices=LaborDispute.Result.choices)
    resolved_on = DateField(label=_("Resolved on"), required=False)
    recovered_kzt = forms.DecimalField(
        label=_("Money recovered, KZT"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )

    def apply(self, *, target, by, **data):
        return services.dispute_resolve(dispute=target, by=by, **data)


class MergePersonForm(VersionedActionForm):
    """A manager merges a duplicate record into this one (the survivor): clinic.services.persons_merge."""

    duplicate = forms.IntegerField(
        label=_("Record number of the duplicate"),
        min_value=1,
        help_text=_(
            "Its visits and cases move to this record, which takes the details it lacks; the duplicate "
            "is kept, marked as merged."
        ),
    )

    # The service's own arguments by name, where ActionForm.apply takes them as **data.
    def apply(self, *, target: Person, by, duplicate, expected_version):  # type: ignore[override]
        found = Person.objects.visible_to(by).filter(pk=duplicate).first()
        if found is None or found.center_id != target.center_id:
            raise ValidationError({"duplicate": _("No such person in this center.")})
        return services.persons_merge(
            survivor=target, duplicate=found, by=by, expected_version=expected_version
        )


class CorrectPersonForm(VersionedActionForm):
    """The person's details corrected (at their request, or a typing error): persons.person_update,
    audited with the old and new values like any change."""

    full_name = forms.CharField(label=_("Full name"), max_length=255)
    iin = forms.CharField(label=_("IIN"), max_length=12, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def apply(self, *, target: Person, by, expected_version, **changes):  # type: ignore[override]
        return services.person_update(person=target, by=by, expected_version=expected_version, **changes)


class AnonymisePersonForm(VersionedActionForm):
    """The person asked that their data be destroyed: services.person_anonymise_on_request."""

    reason = forms.CharField(
        label=_("The person's request"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text=_("How and when they asked, e.g. their written request of 12.03.2026."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the name, IIN, contacts, texts and documents are destroyed for good"),
    )

    def apply(self, *, target: Person, by, expected_version, reason, confirm):  # type: ignore[override]
        return services.person_anonymise_on_request(
            person=target, by=by, reason=reason, expected_version=expected_version
        )


# The web pages' own forms


@dataclass(frozen=True)
class WalkIn:
    """What the reception desk recorded: the person, the visit, and the case if one was opened."""

    person: Person
    visit: Visit
    application: Application | None = None


class WalkInForm(forms.Form):
    """The reception desk in one form: the person (found, or new), the visit, and what was done
    (answered on the spot, or a case opened). `perform` saves all of it or nothing."""

    NEW_PERSON = "new"
    ANSWERED = Visit.Result.CONSULTATION
    CASE = Visit.Result.CASE_OPENED

    person = forms.CharField(label=_("Person"), required=False)  # a found person's id, or NEW_PERSON
    full_name = forms.CharField(label=_("Full name"), max_length=255, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    iin = forms.CharField(label=_("IIN"), max_length=20, required=False, help_text=_("Optional: 12 digits."))
    employer = forms.CharField(
        label=_("Employer"),
        max_length=255,
        required=False,
        help_text=_("Optional: name or BIN."),
        widget=forms.TextInput(attrs={"list": "employers", "autocomplete": "off"}),  # the desk's <datalist>
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    notify_by_sms = forms.BooleanField(label=_("Inform by SMS about the case"), required=False)
    notify_by_email = forms.BooleanField(label=_("Inform by e-mail about the case"), required=False)
    language = forms.TypedChoiceField(
        label=_("Language of the messages"),
        choices=APPLICANT_LANGUAGES,
        initial="ru",
        required=False,
        empty_value="ru",
    )
    is_union_member = forms.TypedChoiceField(
        label=_("Union member?"),
        choices=[("yes", _("Member of a trade union")), ("no", _("Not a member"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    primary_organization = forms.ModelChoiceField(
        PrimaryOrganization.objects.none(),
        label=_("Primary organization"),
        required=False,
        empty_label=_("Not known"),
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("None of them: register a new person anyway"), required=False
    )
    channel = forms.ModelChoiceField(
        Channel.objects.filter(is_active=True),
        label=_("Channel"),
        empty_label=None,
        initial=Channel.IN_PERSON,
    )
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.filter(is_active=True),
        label=_("Topics"),
        help_text=_("At least one; a case opened takes the first as its topic."),
        required=False,  # visit_register says "choose at least one topic"
        widget=forms.CheckboxSelectMultiple,
    )
    question = forms.CharField(label=_("Question"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.ChoiceField(
        label=_("What was done"),
        choices=[(ANSWERED, _("Answered on the spot")), (CASE, _("Open a case"))],
        initial=ANSWERED,
        widget=forms.RadioSelect,
    )
    action_taken = forms.CharField(
        label=_("What was the visitor told?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    service = forms.ModelChoiceField(
        Service.objects.filter(is_active=True),
        label=_("Service"),
        required=False,
        initial=Service.LEGAL_CLINIC,
    )
    kind = forms.ModelChoiceField(
        ApplicationKind.objects.filter(is_active=True),
        label=_("Kind"),
        required=False,
        initial=ApplicationKind.WRITTEN_APPLICATION,
    )
    lawyer = LawyerChoiceField(
        User.objects.none(), label=_("Lawyer"), required=False, empty_label=_("Not yet assigned")
    )
    confirm_second_case = forms.BooleanField(label=_("Open a second case anyway"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        cast(LawyerChoiceField, self.fields["lawyer"]).queryset = _center_lawyers(user.center_id)
        # Needed, but checked in clean() or by the services (each where its choice applies): marked
        # with the asterisk of a required field all the same.
        for name in ("full_name", "topics", "action_taken", "service", "kind"):
            self.fields[name].marked_required = True  # type: ignore[attr-defined]
        cast(
            forms.ModelChoiceField, self.fields["primary_organization"]
        ).queryset = PrimaryOrganization.objects.visible_to(user).order_by("name")

    def clean_person(self) -> Person | None:
        """None for a new person; otherwise a person this user may see."""
        value = self.cleaned_data["person"].strip()
        if value == self.NEW_PERSON:
            return None
        pk = parse_id(value)
        persons = Person.objects.visible_to(self.user).active()
        person = persons.filter(pk=pk).first() if pk is not None else None
        if person is None:
            raise ValidationError(_("Choose the person from the search results, or “New person”."))
        return person

    def clean_employer(self) -> Employer | None:
        """The employer typed as its BIN or its name (a part of it, if only one employer matches)."""
        text = " ".join(self.cleaned_data["employer"].split())
        if not text:
            return None
        employers = Employer.objects.visible_to(self.user)
        if bin_match := re.search(r"\b\d{12}\b", text):
            found = list(employers.filter(bin=bin_match.group())[:1])
        else:
            found = list(employers.filter(name__iexact=text)[:2]) or list(
                employers.filter(name__icontains=text)[:2]
            )
        if len(found) == 1:
            return found[0]
        if found:
            raise ValidationError(_("Several employers match “%s”: type the BIN.") % text)
        raise ValidationError(_("No employer “%s” is registered: check the name or the BIN.") % text)

    def clean(self) -> dict[str, Any]:
        """Every mistake at once: the checks the services would make one after another (the new person,
        the topics, what was said) are made here first, with the services' own words."""
        data = cast(dict[str, Any], super().clean())  # forms.Form.clean returns cleaned_data
        if "person" in data and data["person"] is None:
            if not data.get("full_name", "").strip():
                self.add_error("full_name", _("Enter the visitor's full name."))
            self._check_new_person(data)
        if "person" in data and data["person"] is None:
            add_consent_errors(self, data)
        if "topics" in data and not data["topics"]:
            self.add_error("topics", _("Choose at least one topic."))
        if data.get("result") == self.ANSWERED and not data.get("action_taken", "").strip():
            self.add_error("action_taken", _("Say what the visitor was told."))
        if data.get("result") == self.CASE:
            for field in ("service", "kind"):
                if field in data and data[field] is None:
                    self.add_error(field, _("Needed to open a case."))
        return data

    def _check_new_person(self, data: dict[str, Any]) -> None:
        """The phone and the IIN of a new person, checked as the person's record checks them."""
        checked = {
            "phone": normalize_phone(data.get("phone", "")),
            "iin": normalize_identifier(data.get("iin", "")),
        }
        person = Person(**{name: value for name, value in checked.items() if value})
        others = [f.name for f in Person._meta.fields if f.name not in checked]
        try:
            person.clean_fields(exclude=others)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name in checked and name in data:
                    for message in messages:
                        self.add_error(name, message)

    def perform(self, *, by: User) -> WalkIn | None:
        """Register the person (if new), the visit and what was done, in one transaction: a refusal
        by any of the services leaves nothing saved and lands next to its field."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        try:
            with transaction.atomic():
                person = data["person"]
                if person is None:
                    person = services.person_create(
                        by=by,
                        full_name=data["full_name"],
                        phone=data["phone"],
                        iin=data["iin"],
                        employer=data["employer"],
                        is_union_member=bool(data["is_union_member"]),
                        primary_organization=data["primary_organization"],
                        confirm_not_duplicate=data["confirm_not_duplicate"],
                        email=data["email"],
                        notify_by_email=data["notify_by_email"],
                        notify_by_sms=data["notify_by_sms"],
                        language=data["language"],
                    )
                visit = services.visit_register(
                    by=by,
                    person=person,
                    channel=data["channel"],
                    topics=data["topics"],
                    question=data["question"],
                    employer=data["employer"],
                )
                if data["result"] == self.ANSWERED:
                    visit = services.visit_answer_on_spot(
                        visit=visit, by=by, action_taken=data["action_taken"]
                    )
                    return WalkIn(person=person, visit=visit)
                application = services.visit_open_case(
                    visit=visit,
                    by=by,
                    service=data["service"],
                    kind=data["kind"],
                    lawyer=data["lawyer"],
                    confirm_second_case=data["confirm_second_case"],
                )
                return WalkIn(person=person, visit=visit, application=application)
        except (ValidationError, PermissionDenied) as error:
            add_refusal(self, error)
        return None


class CaseFilterForm(forms.Form):
    """The filters of the case list, read from the query string."""

    MINE, CENTER = "mine", "center"
    OPEN = "open"
    OVERDUE, DUE_SOON = "overdue", "due_soon"
    RECEIVED, DUE = "received", "due"

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Number, applicant's name, IIN, phone or employer")}
        ),
    )
    scope = forms.ChoiceField(
        label=_("Cases"),
        required=False,
        choices=[(MINE, _("Assigned to me")), (CENTER, _("All of the center"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), (OPEN, _("Open (not decided)")), *Status.choices],
    )
    service = forms.ModelChoiceField(
        Service.objects.all(), label=_("Service"), required=False, empty_label=_("Any")
    )
    topic = forms.ModelChoiceField(
        Topic.objects.all(), label=_("Topic"), required=False, empty_label=_("Any")
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), (OVERDUE, _("Overdue")), (DUE_SOON, _("Due soon"))],
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[(RECEIVED, _("Newest first")), (DUE, _("Due date first"))],
    )
    # Shown to federation staff only; for a center's staff visible_to already keeps their center, and
    # `filter` ignores the value, so it can never widen what they see.
    center = forms.ModelChoiceField(
        TerritorialCenter.objects.all(), label=_("Center"), required=False, empty_label=_("All centers")
    )

    # What a lawyer sees when the query string names no filter: their own open cases, nearest deadline first.
    LAWYER_DEFAULTS = {"scope": MINE, "status": OPEN, "order": DUE}

    @classmethod
    def for_user(cls, query, *, user: User) -> "CaseFilterForm":
        """The filters of the query string; when it names none (a page number aside), the role's defaults."""
        if user.role == Role.LAWYER and not any(name in query for name in cls.base_fields):
            return cls(cls.LAWYER_DEFAULTS)
        return cls(query)

    def filter(self, cases, *, user: User, today, soon_until):
        """Narrow `cases` (already visible_to the user) by the valid filters; invalid ones are ignored."""
        self.is_valid()
        data = self.cleaned_data
        if user.role == Role.LAWYER and data.get("scope") != self.CENTER:
            cases = cases.assigned_to(user)
        if user.sees_all_centers and data.get("center"):
            cases = cases.filter(center=data["center"])
        # By the applicant's IIN or phone too, for those who would see them (clinic.personal_data).
        cases = cases.search(data.get("q", ""), personal_data=searches_by_personal_data(user), user=user)
        if data.get("status") == self.OPEN:
            cases = cases.open()
        elif data.get("status"):
            cases = cases.filter(status=data["status"])
        if data.get("service"):
            cases = cases.filter(service=data["service"])
        if data.get("topic"):
            cases = cases.filter(topic=data["topic"])
        if data.get("deadline") == self.OVERDUE:
            cases = cases.overdue(today)
        elif data.get("deadline") == self.DUE_SOON:
            cases = cases.due_between(today, soon_until)
        if data.get("order") == self.DUE:
            return cases.order_by("due_on", "registration_number", "pk")
        return cases.order_by("-received_on", "-sequence", "-pk")


# Hearings and meetings


class DateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker; its value is ISO, read in the site's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class EventForm(ActionForm):
    """Schedule a hearing or a meeting of a case (or a dispute: `target`)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput)
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"), min_value=1, max_value=24 * 60, initial=60
    )
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    lawyer = LawyerChoiceField(
        User.objects.none(),
        label=_("Responsible lawyer"),
        required=False,
        help_text=_("The case's lawyer if left empty."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = _center_lawyers(self.target.center_id)

    def apply(self, *, target, by, **data):
        return services.event_create(record=target, by=by, **data)


class EventOutcomeForm(ActionForm):
    """What came of a past hearing or meeting of the case."""

    event = forms.ModelChoiceField(Event.objects.none(), label=_("Event"))
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = awaiting_outcome(self.target).select_related("application", "dispute")

    def apply(self, *, target, by, event, outcome):
        return services.event_record_outcome(event=event, by=by, outcome=outcome)


def awaiting_outcome(record: Application | LaborDispute):
    """The record's events that have begun and have no outcome yet."""
    return record.events.filter(outcome="", starts_at__lte=timezone.now())


class CalendarForm(forms.Form):
    """The calendar page's query: week or month, a day in it, and whose events."""

    view = forms.ChoiceField(choices=[("week", _("Week")), ("month", _("Month"))], required=False)
    date = DateField(label=_("Date"), required=False)
    lawyer = forms.CharField(label=_("Lawyer"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.lawyers = list(_center_lawyers(user.center_id))

    def clean_lawyer(self) -> str:
        value = self.cleaned_data["lawyer"]
        if value in ("", "all") or value in {str(lawyer.pk) for lawyer in self.lawyers}:
            return value
        raise ValidationError(_("Choose a lawyer of your center."))

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day is not None and not 1900 < day.year < 2100:
            raise ValidationError(_("Choose a date between 1901 and 2099."))
        return day

    def chosen_lawyer(self) -> User | None:
        value = self.cleaned_data.get("lawyer")
        return next((lawyer for lawyer in self.lawyers if str(lawyer.pk) == value), None)


class DisputeFilterForm(forms.Form):
    """The filters of the dispute list, read from the query string."""

    MINE, CENTER = "mine", "center"
    DUE_SOON, PASSED = "due_soon", "passed"

    scope = forms.ChoiceField(
        label=_("Disputes"),
        required=False,
        choices=[(MINE, _("Assigned to me")), (CENTER, _("All of the center"))],
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), (DUE_SOON, _("Due within the days ahead")), (PASSED, _("Passed"))],
    )

    @classmethod
    def for_user(cls, query, *, user: User) -> "DisputeFilterForm":
        """A lawyer's list opens on their own disputes; a filter in the address wins."""
        if user.role == Role.LAWYER and "scope" not in query:
            query = query.copy()
            query["scope"] = cls.MINE
        return cls(query)

    def filter(self, disputes, *, user: User, today, soon_until):
        """Narrow `disputes` (already visible_to the user) by the valid filters; invalid ones are ignored."""
        self.is_valid()
        data = self.cleaned_data
        if user.role == Role.LAWYER and data.get("scope") != self.CENTER:
            disputes = disputes.assigned_to(user)
        if data.get("deadline") == self.DUE_SOON:
            disputes = disputes.deadline_between(today, soon_until)
        elif data.get("deadline") == self.PASSED:
            disputes = disputes.deadline_passed(today)
        return disputes.nearest_deadline_first()


# The lists of the pages, as the page, its export and its background export (clinic.exports) read them.


def filtered_cases(query, *, user: User) -> tuple[CaseFilterForm, Any]:
    """The case list's filter form for `query` and its cases as `user` sees them."""
    today = timezone.localdate()
    soon_until = workdays.add_working_days(today, settings.CLINIC_REMINDER_DAYS_AHEAD)
    filters = CaseFilterForm.for_user(query, user=user)
    cases = filters.filter(
        Application.objects.visible_to(user).with_list_relations().with_deadline_state(today, soon_until),
        user=user,
        today=today,
        soon_until=soon_until,
    )
    return filters, cases


def filtered_disputes(query, *, user: User) -> tuple[DisputeFilterForm, Any]:
    """The dispute list's filter form for `query` and its disputes as `user` sees them."""
    today = timezone.localdate()
    filters = DisputeFilterForm.for_user(query, user=user)
    disputes = filters.filter(
        LaborDispute.objects.visible_to(user).select_related("employer", "lawyer", "center"),
        user=user,
        today=today,
        soon_until=today + timedelta(days=settings.CLINIC_DISPUTE_DAYS_AHEAD),
    )
    return filters, disputes


PAGE_LISTS = {"cases": filtered_cases, "disputes": filtered_disputes}
