"""Input rules for the clinic's records."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# [0-9], not \d: \d also matches Arabic-Indic or fullwidth digits, which no search would find.
_PHONE = re.compile(r"\+7[0-9]{10}")


def normalize_phone(value: str) -> str:
    """Bring a Kazakhstan phone number to +7XXXXXXXXXX; return the input unchanged if it is not one."""
    digits = re.sub(r"[^0-9]", "", value or "")
    if len(digits) == 10:
        digits = "7" + digits
    elif len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    if len(digits) == 11 and digits[0] == "7":
        return "+" + digits
    return (value or "").strip()


def validate_phone(value: str) -> None:
    if not _PHONE.fullmatch(value):
        raise ValidationError(
            _("Enter a Kazakhstan phone number: +7 and 10 digits, e.g. +7 701 234 5678."), code="phone"
        )
