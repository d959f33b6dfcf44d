"""Forms for the clinic's actions. Each form's `perform` calls the one service for that action and
turns the service's ValidationError into errors on the form's fields, so the admin and the web
pages show the rule next to the field it concerns."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from organizations.models import Role, User

from . import services
from .models import TRANSITIONS, ApplicationKind, LaborDispute, Outcome, Service, Status, Topic, Visit


class ActionForm(forms.Form):
    """A form about one record (`target`) whose `perform` runs a service; refusals become form errors."""

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target

    def perform(self, *, by: User):
        """Run the action if the form is valid; return its result, or None with errors on the form."""
        if not self.is_valid():
            return None
        try:
            return self.apply(target=self.target, by=by, **self.cleaned_data)
        except ValidationError as error:
            for field, messages in _errors_by_field(error, set(self.fields)).items():
                for message in messages:
                    self.add_error(field, message)
        except PermissionDenied as error:
            self.add_error(None, str(error))
        return None

    def apply(self, *, target, by: User, **data):
        raise NotImplementedError


def _errors_by_field(error: ValidationError, fields: set[str]) -> dict[str | None, list[str]]:
    """Service errors keyed by field; a field the form does not show goes to the form's top."""
    if not hasattr(error, "error_dict"):
        return {None: error.messages}
    result: dict[str | None, list[str]] = {}
    for field, errors in error.message_dict.items():
        result.setdefault(field if field in fields else None, []).extend(errors)
    return result


class StatusChangeForm(ActionForm):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[self.target.status] - {Status.DECIDED}
        self.fields["to_status"].choices = [(s.value, s.label) for s in Status if s in allowed]

    def apply(self, *, target, by, to_status, reason):
        return services.application_change_status(
            application=target, by=by, to_status=to_status, reason=reason
        )


class DecideForm(ActionForm):
    outcome = forms.ModelChoiceField(Outcome.objects.filter(is_active=True), label=_("Outcome"))
    decision = forms.CharField(
        label=_("Answer to the applicant"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    recovered_kzt = forms.DecimalField(
        label=_("Money recovered, KZT"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    decided_on = forms.DateField(
        label=_("Decided on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def apply(self, *, target, by, **data):
        return services.application_decide(application=target, by=by, **data)


class ReopenForm(ActionForm):
    reason = forms.CharField(label=_("Why is the case reopened?"), widget=forms.Textarea(attrs={"rows": 3}))

    def apply(self, *, target, by, reason):
        return services.application_reopen(application=target, by=by, reason=reason)


class AssignForm(ActionForm):
    lawyer = forms.ModelChoiceField(User.objects.none(), label=_("Lawyer"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = User.objects.filter(
            center_id=self.target.center_id, role__in=(Role.LAWYER, Role.MANAGER), is_active=True
        ).order_by("last_name", "first_name")

    def apply(self, *, target, by, lawyer):
        return services.application_assign(application=target, by=by, lawyer=lawyer)


class ExtendDeadlineForm(ActionForm):
    new_due_on = forms.DateField(label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    applicant_notified_on = forms.DateField(
        label=_("Applicant told on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def apply(self, *, target, by, **data):
        return services.application_extend_deadline(application=target, by=by, **data)


class AnswerOnSpotForm(ActionForm):
    action_taken = forms.CharField(
        label=_("What was the visitor told?"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def apply(self, *, target: Visit, by, action_taken):
        return services.visit_answer_on_spot(visit=target, by=by, action_taken=action_taken)


class OpenCaseForm(ActionForm):
    service = forms.ModelChoiceField(Service.objects.filter(is_active=True), label=_("Service"))
    kind = forms.ModelChoiceField(ApplicationKind.objects.filter(is_active=True), label=_("Kind"))
    topic = forms.ModelChoiceField(Topic.objects.filter(is_active=True), label=_("Topic"), required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lawyer = forms.ModelChoiceField(User.objects.none(), label=_("Lawyer"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = User.objects.filter(
            center_id=self.target.center_id, role__in=(Role.LAWYER, Role.MANAGER), is_active=True
        )

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


class DisputeStageForm(ActionForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=LaborDispute.Stage.choices)

    def apply(self, *, target, by, stage):
        return services.dispute_move_stage(dispute=target, by=by, stage=stage)


class DisputeResolveForm(ActionForm):
    result = forms.ChoiceField(label=_("Result"), choices=LaborDispute.Result.choices)
    resolved_on = forms.DateField(
        label=_("Resolved on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    recovered_kzt = forms.DecimalField(
        label=_("Money recovered, KZT"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )

    def apply(self, *, target, by, **data):
        return services.dispute_resolve(dispute=target, by=by, **data)
