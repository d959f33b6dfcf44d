"""Forms that run a service: a refusal becomes errors on the form's fields, so every page shows the
rule next to the field it concerns."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from .models import User


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
            for field, messages in errors_by_field(error, set(self.fields)).items():
                for message in messages:
                    self.add_error(field, message)
        except PermissionDenied as error:
            self.add_error(None, str(error))
        return None

    def apply(self, *, target, by: User, **data):
        raise NotImplementedError


def errors_by_field(error: ValidationError, fields: set[str]) -> dict[str | None, list[str]]:
    """Service errors keyed by field; a field the form does not show goes to the form's top."""
    if not hasattr(error, "error_dict"):
        return {None: error.messages}
    result: dict[str | None, list[str]] = {}
    for field, errors in error.message_dict.items():
        result.setdefault(field if field in fields else None, []).extend(errors)
    return result
