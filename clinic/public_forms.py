"""The forms of the public online reception (no account): sending a question, and following it."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import add_refusal
from core.inputs import parse_id
from organizations.models import RepresentativeOffice, TerritorialCenter

from . import online, services
from .forms import add_consent_errors
from .models import OnlineSubmission, Topic


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); none is fine."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class NeverFilledInput(forms.TextInput):
    """Rendered empty even after a refused post: a person sends the form again as it is."""

    def format_value(self, value):
        return None


CENTER, OFFICE = "center", "office"


def _place_choices() -> list:
    """The regions (each has its center) and the towns with an office, grouped: the sender picks where
    they live or work, and the system knows which center answers."""
    centers = list(TerritorialCenter.objects.order_by("iso_code"))
    cities = [(f"{CENTER}-{c.pk}", c.name) for c in centers if c.kind == TerritorialCenter.Kind.CITY]
    regions = [(f"{CENTER}-{c.pk}", c.name) for c in centers if c.kind != TerritorialCenter.Kind.CITY]
    offices = [
        (f"{OFFICE}-{office.pk}", f"{office.name} — {office.center.name}")
        for office in RepresentativeOffice.objects.select_related("center").order_by("name_en")
    ]
    choices = [("", _("Choose your region or city")), (_("Cities"), cities), (_("Regions"), regions)]
    if offices:
        choices.append((_("Towns with an office of the center"), offices))
    return choices


class OnlineQuestionForm(forms.Form):
    """The public page: where, who, what about, documents, consent. `perform` calls the one service."""

    place = forms.ChoiceField(
        label=_("Where do you live or work?"),
        error_messages={"invalid_choice": _("Choose your region or city from the list.")},
        help_text=_("Your question goes to the territorial center of this region, city or town."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=255)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        help_text=_("+7 and 10 digits. You will need it, with the tracking code, to follow your question."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    iin = forms.CharField(label=_("IIN"), max_length=20, required=False, help_text=_("Optional: 12 digits."))
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    employer_name = forms.CharField(
        label=_("Employer"), max_length=255, required=False, help_text=_("Optional: name or BIN.")
    )
    is_union_member = forms.TypedChoiceField(
        label=_("Are you a member of a trade union?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    primary_organization_name = forms.CharField(
        label=_("Your primary trade union organization"),
        max_length=255,
        required=False,
        help_text=_("If you are a member: the union organization at your workplace."),
    )
    topic = forms.ModelChoiceField(
        Topic.objects.filter(is_active=True),
        label=_("Topic"),
        empty_label=_("Choose what your question is about"),
    )
    question = forms.CharField(
        label=_("Your question or application"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    # A field named like BaseForm.files (the uploads): the form's metaclass moves it to base_fields.
    files = MultipleFileField(label=_("Documents"), required=False)  # type: ignore[assignment]
    consent = forms.BooleanField(label=_("I consent to the processing of my personal data"), required=True)
    notify_by_sms = forms.BooleanField(label=_("Inform me by SMS about my question"), required=False)
    notify_by_email = forms.BooleanField(label=_("Inform me by e-mail about my question"), required=False)
    # A trap for robots: hidden from people (CSS and aria-hidden), left empty by them.
    website = forms.CharField(label=_("Leave this field empty"), required=False, widget=NeverFilledInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = _place_choices()
        self.fields["files"].help_text = _("Up to %(count)d files of up to %(size)s each: %(types)s.") % {
            "count": online.max_files(),
            "size": filesizeformat(online.max_file_bytes()),
            "types": "PDF, JPG, PNG, DOC, DOCX, ODT, TXT",
        }
        self.fields["files"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.doc,.docx,.odt,.xls,.xlsx,.txt"
        self.fields["consent"].error_messages["required"] = _(
            "Your consent is needed to consider your question."
        )
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_place(self) -> tuple[TerritorialCenter, RepresentativeOffice | None]:
        kind, _sep, pk = self.cleaned_data["place"].partition("-")
        pk = parse_id(pk)
        if pk is not None and kind == OFFICE:
            office = RepresentativeOffice.objects.select_related("center").filter(pk=pk).first()
            if office is not None:
                return office.center, office
        if pk is not None and kind == CENTER:
            center = TerritorialCenter.objects.filter(pk=pk).first()
            if center is not None:
                return center, None
        raise ValidationError(_("Choose your region or city from the list."))

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise ValidationError(
                _("The form was filled in automatically and was not sent. Please send it again."),
                code="honeypot",
            )
        return ""

    def clean(self):
        data = super().clean()
        add_consent_errors(self, data)
        return data

    def perform(self) -> tuple[OnlineSubmission, str] | None:
        """Send the question; None with the errors next to their fields if anything was refused."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        center, office = data["place"]
        try:
            with transaction.atomic():
                return services.online_submission_create(
                    center=center,
                    office=office,
                    full_name=data["full_name"],
                    phone=data["phone"],
                    iin=data["iin"],
                    email=data["email"],
                    employer_name=data["employer_name"],
                    is_union_member=data["is_union_member"],
                    primary_organization_name=data["primary_organization_name"],
                    topic=data["topic"],
                    question=data["question"],
                    uploads=data["files"],
                    consent=data["consent"],
                    notify_by_email=data["notify_by_email"],
                    notify_by_sms=data["notify_by_sms"],
                    language=(translation.get_language() or "ru")[:2],  # the page's language
                )
        except ValidationError as error:
            errors = error.update_error_dict({}) if hasattr(error, "error_dict") else None
            if errors and "office" in errors:
                errors.setdefault("place", []).extend(errors.pop("office"))
                error = ValidationError(errors)
            add_refusal(self, error)
        return None


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        help_text=_("As you received it, e.g. ABCDE-FGHJK."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        help_text=_("The number you gave when sending the question."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_code(self) -> str:
        code = online.tracking_code_normalize(self.cleaned_data["code"])
        if len(code) != online.CODE_LENGTH:
            raise ValidationError(_("A tracking code has %d letters and digits.") % online.CODE_LENGTH)
        return code
