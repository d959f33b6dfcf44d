"""The code fields of the second factor."""

from django import forms
from django.utils.translation import gettext_lazy as _

CODE_ATTRS = {"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}


class AuthenticatorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        help_text=_("6 digits; a new one every 30 seconds."),
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )


class SecondFactorForm(forms.Form):
    """The code of the app, or one of the recovery codes (each works once)."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )
    recovery_code = forms.CharField(
        label=_("Or a recovery code"),
        max_length=16,
        required=False,
        help_text=_("If you have no phone with you. Each recovery code works once."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("code") or "").strip() and not (data.get("recovery_code") or "").strip():
            raise forms.ValidationError(_("Enter the code from your authenticator app or a recovery code."))
        return data

    @property
    def given(self) -> str:
        return (self.cleaned_data.get("code") or "").strip() or (
            self.cleaned_data.get("recovery_code") or ""
        ).strip()
