"""Validators and generators for Kazakhstan's IIN (individuals) and BIN (legal entities) numbers.

Both are 12 digits and end in the same check digit: the sum of the first 11 digits times the
weights 1..11, modulo 11; if that is 10, the sum again with the weights 3..11, 1, 2, modulo 11;
if that is 10 too, no check digit exists and the 11-digit prefix is never issued.

IIN: YYMMDD birth date, a century/sex digit (1/2: 1800s, 3/4: 1900s, 5/6: 2000s; odd male,
even female), a 4-digit serial and the check digit.

BIN: YYMM of registration, an entity type digit (4 resident legal entity, 5 non-resident,
6 sole proprietor), an office type digit (0 head office, 1 branch, 2 representative office,
3 farm), a 5-digit serial and the check digit.

The validators take the value as it is: call ``normalize_identifier`` first to accept input
typed with spaces or dashes.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

IDENTIFIER_LENGTH = 12

_FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# ASCII digits only: str.isdigit() would also accept "²" or Arabic-Indic digits.
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")

# Century digit -> (first year of the century, female).
_IIN_CENTURIES: dict[str, tuple[int, bool]] = {
    "1": (1800, False),
    "2": (1800, True),
    "3": (1900, False),
    "4": (1900, True),
    "5": (2000, False),
    "6": (2000, True),
}

BIN_ENTITY_TYPES = (4, 5, 6)
BIN_OFFICE_TYPES = (0, 1, 2, 3)

_IIN_SERIALS = 10_000
_BIN_SERIALS = 100_000

# Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign.
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")

IIN_MESSAGES = {
    "length": _("IIN must be 12 digits."),
    "digits": _("IIN must contain only the digits 0-9."),
    "century": _("IIN digit 7 (century and sex) must be 1, 2, 3, 4, 5 or 6."),
    "birth_date": _("IIN digits 1-6 (YYMMDD) are not a real birth date."),
    "birth_date_future": _("IIN digits 1-6 (YYMMDD) give a birth date after today: check the number."),
    "check_digit": _("IIN check digit does not match: the number has a typo."),
    "no_check_digit": _("IIN is not valid: no check digit exists for its first 11 digits."),
}

BIN_MESSAGES = {
    "length": _("BIN must be 12 digits."),
    "digits": _("BIN must contain only the digits 0-9."),
    "registration_date": _("BIN digits 3-4 (month of registration) must be 01-12."),
    "entity_type": _("BIN digit 5 (entity type) must be 4, 5 or 6."),
    "office_type": _("BIN digit 6 (office type) must be 0, 1, 2 or 3."),
    "check_digit": _("BIN check digit does not match: the number has a typo."),
    "no_check_digit": _("BIN is not valid: no check digit exists for its first 11 digits."),
}


def check_digit(first_eleven: str) -> int | None:
    """Return the check digit for 11 ASCII digits, or None when both weightings give 10."""
    if not _ELEVEN_DIGITS.fullmatch(first_eleven):
        raise ValueError(f"expected 11 digits, got {first_eleven!r}")
    digits = [int(char) for char in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        remainder = sum(digit * weight for digit, weight in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def normalize_identifier(value: str) -> str:
    """Return the value without whitespace (including non-breaking spaces) and dashes."""
    return "".join(char for char in value if not char.isspace() and char not in _DASHES)


def _fail(messages: dict, code: str, value: str) -> ValidationError:
    """Build the ValidationError for one failure kind."""
    message_key = code
    if code == "check_digit" and check_digit(value[:11]) is None:
        message_key = "no_check_digit"
    return ValidationError(messages[message_key], code=code, params={"value": value})


def _check_shape(messages: dict, value: str) -> None:
    """Raise unless the value is exactly 12 ASCII digits."""
    if len(value) != IDENTIFIER_LENGTH:
        raise _fail(messages, "length", value)
    if not _TWELVE_DIGITS.fullmatch(value):
        raise _fail(messages, "digits", value)


def _iin_date(value: str) -> date | None:
    """Return the birth date encoded in a 12-digit string with a valid century digit, or None."""
    century, _female = _IIN_CENTURIES[value[6]]
    try:
        return date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return None


def validate_iin(value: str) -> None:
    """Raise ValidationError (length, digits, century, birth_date, birth_date_future, check_digit) unless
    a valid IIN. Nobody is born after today (the local date in settings.TIME_ZONE)."""
    _check_shape(IIN_MESSAGES, value)
    if value[6] not in _IIN_CENTURIES:
        raise _fail(IIN_MESSAGES, "century", value)
    born = _iin_date(value)
    if born is None:
        raise _fail(IIN_MESSAGES, "birth_date", value)
    if born > timezone.localdate():
        raise _fail(IIN_MESSAGES, "birth_date_future", value)
    if check_digit(value[:11]) != int(value[11]):
        raise _fail(IIN_MESSAGES, "check_digit", value)


def validate_bin(value: str) -> None:
    """Raise ValidationError (length, digits, registration_date, entity_type, office_type, check_digit)."""
    _check_shape(BIN_MESSAGES, value)
    if not 1 <= int(value[2:4]) <= 12:
        raise _fail(BIN_MESSAGES, "registration_date", value)
    if int(value[4]) not in BIN_ENTITY_TYPES:
        raise _fail(BIN_MESSAGES, "entity_type", value)
    if int(value[5]) not in BIN_OFFICE_TYPES:
        raise _fail(BIN_MESSAGES, "office_type", value)
    if check_digit(value[:11]) != int(value[11]):
        raise _fail(BIN_MESSAGES, "check_digit", value)


def iin_birth_date(iin: str) -> date:
    """Return the birth date of a valid IIN; raises ValidationError if the IIN is invalid."""
    validate_iin(iin)
    century, _female = _IIN_CENTURIES[iin[6]]
    return date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))


def iin_sex(iin: str) -> str:
    """Return "male" or "female" for a valid IIN; raises ValidationError if the IIN is invalid."""
    validate_iin(iin)
    _century, female = _IIN_CENTURIES[iin[6]]
    return "female" if female else "male"


def _complete(prefix: str, serial: int, serial_count: int) -> str:
    """Append the first serial from `serial` on (wrapping to 0) that has a check digit, and that digit."""
    width = len(str(serial_count - 1))
    for step in range(serial_count):
        candidate = f"{prefix}{(serial + step) % serial_count:0{width}d}"
        digit = check_digit(candidate)
        if digit is not None:
            return f"{candidate}{digit}"
    raise AssertionError(f"no serial gives a check digit for prefix {prefix!r}")  # unreachable in practice


def make_iin(birth_date: date, *, female: bool, serial: int) -> str:
    """Return a valid IIN; a serial (0-9999) with no check digit moves to serial + 1, 9999 wrapping to 0."""
    if not 1800 <= birth_date.year <= 2099:
        raise ValueError(f"IIN birth year must be 1800-2099, got {birth_date.year}")
    if not 0 <= serial < _IIN_SERIALS:
        raise ValueError(f"IIN serial must be 0-9999, got {serial}")
    century_digit = 1 + 2 * ((birth_date.year - 1800) // 100) + int(female)
    prefix = f"{birth_date.year % 100:02d}{birth_date.month:02d}{birth_date.day:02d}{century_digit}"
    return _complete(prefix, serial, _IIN_SERIALS)


def make_bin(registered: date, *, entity_type: int = 4, office_type: int = 0, serial: int) -> str:
    """Return a valid BIN; a serial (0-99999) with no check digit moves to serial + 1, 99999 wrapping to 0."""
    if entity_type not in BIN_ENTITY_TYPES:
        raise ValueError(f"BIN entity type must be 4, 5 or 6, got {entity_type}")
    if office_type not in BIN_OFFICE_TYPES:
        raise ValueError(f"BIN office type must be 0-3, got {office_type}")
    if not 0 <= serial < _BIN_SERIALS:
        raise ValueError(f"BIN serial must be 0-99999, got {serial}")
    prefix = f"{registered.year % 100:02d}{registered.month:02d}{entity_type}{office_type}"
    return _complete(prefix, serial, _BIN_SERIALS)
