"""Forms that run a service: a refusal becomes errors on the form's fields, so every page shows the
rule next to the field it concerns; the date field every web form uses."""

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

from .versioning import VersionConflict

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO (2026-11-30), the only form an
    <input type="date"> accepts: a localized value (30.11.2026) would leave it empty, and the form would
    then call the untouched field required. The browser shows the date in its user's own format."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs, format=ISO_DATE)


class DateField(forms.DateField):
    """A date typed in a web form, through the browser's date picker (DateInput). It accepts the ISO
    form the browser sends in every language, and the language's own (30.11.2026) as well."""

    widget = DateInput


class ActionForm(forms.Form):
    """A form about one record (`target`) whose `perform` runs a service; refusals become form errors."""

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target

    def perform(self, *, by: "AbstractBaseUser"):
        """Run the action if the form is valid; return its result, or None with errors on the form."""
        if not self.is_valid():
            return None
        try:
            return self.apply(target=self.target, by=by, **self.service_arguments())
        except (ValidationError, PermissionDenied) as error:
            add_refusal(self, error)
        except VersionConflict:
            self.add_error(
                None,
                _("Someone else changed this record while you were editing it: open it again to see how."),
            )
        return None

    def service_arguments(self) -> dict:
        return self.cleaned_data

    def apply(self, *, target, by: "AbstractBaseUser", **data):
        raise NotImplementedError


class VersionedActionForm(ActionForm):
    """An ActionForm about a versioned record: the page carries the version it showed, so a change made
    by someone else since is refused (an error at the top) instead of silently built upon."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, target=target, **kwargs)
        self.fields["version"].initial = target.version

    def service_arguments(self) -> dict:
        arguments = dict(self.cleaned_data)
        arguments["expected_version"] = arguments.pop("version")
        return arguments


def add_refusal(form: forms.Form, error: ValidationError | PermissionDenied) -> None:
    """A service's refusal as the form's errors: each next to its field, the rest at the top."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
        return
    for field, messages in errors_by_field(error, set(form.fields)).items():
        for message in messages:
            form.add_error(field, message)


def errors_by_field(error: ValidationError, fields: set[str]) -> dict[str | None, list[str]]:
    """Service errors keyed by field; a field the form does not show goes to the form's top."""
    if not hasattr(error, "error_dict"):
        return {None: error.messages}
    result: dict[str | None, list[str]] = {}
    for field, errors in error.message_dict.items():
        result.setdefault(field if field in fields else None, []).extend(errors)
    return result
