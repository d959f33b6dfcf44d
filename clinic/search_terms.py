"""What a typed search text can mean: a part of a registration number, the start of an IIN or of a
phone number (typed any way: "8 701 234", "+7 (701) 234-56-78", "7012345678"), a BIN, a name in any
spelling (its clinic.names key) or words of a note. Each meaning is compared through its own index
(clinic.querysets); this module only reads the text.

Plain Python, no Django.
"""

import re
from dataclasses import dataclass

from .names import name_key

# Digits with the separators people type in a phone number or an IIN.
_NUMBER_LIKE = re.compile(r"\+?[\d\s()\-.]+")
_NOT_DIGITS = re.compile(r"\D")
_DIGIT = re.compile(r"\d")

# The fewest digits that start an IIN or a phone number worth looking up: fewer match too many people.
MIN_NUMBER_DIGITS = 4
IIN_LENGTH = 12
PHONE_DIGITS = 11  # 7 and 10 digits: +7XXXXXXXXXX


@dataclass(frozen=True)
class SearchTerms:
    """One search text read every way it can be meant; empty parts mean "not this kind of key"."""

    text: str  # as typed, spaces collapsed
    number: str  # upper-cased, for registration numbers (KZ-19-2024-00012)
    name_key: str  # clinic.names key of the text ("" when it has no letters)
    iin_prefix: str  # 4-12 digits
    phone_prefixes: tuple[str, ...]  # starts of a stored +7XXXXXXXXXX
    bin: str  # 12 digits

    def __bool__(self) -> bool:
        return bool(self.text)


def _phone_prefixes(text: str, digits: str) -> tuple[str, ...]:
    """The starts of a stored phone (+7 and 10 digits) the typed number can be: with the country code
    (+7, 7 or the trunk 8) or without it (a mobile 70X... typed alone)."""
    if len(digits) < MIN_NUMBER_DIGITS or len(digits) > PHONE_DIGITS:
        return ()
    if text.startswith("+"):
        return ("+" + digits,) if digits.startswith("7") else ()
    if digits.startswith("8") and len(digits) > 1:
        return ("+7" + digits[1:],)
    if len(digits) == PHONE_DIGITS:
        return ("+" + digits,) if digits.startswith("7") else ()
    if len(digits) == PHONE_DIGITS - 1:
        return ("+7" + digits,)
    if digits.startswith("7"):
        return ("+" + digits, "+7" + digits)
    return ("+7" + digits,)


def search_terms(text: str) -> SearchTerms:
    """Read `text` every way it can be meant."""
    text = " ".join((text or "").split())[:100]
    iin_prefix, bin_ = "", ""
    phones: tuple[str, ...] = ()
    if _NUMBER_LIKE.fullmatch(text):
        digits = _NOT_DIGITS.sub("", text)
        if digits.isascii() and MIN_NUMBER_DIGITS <= len(digits) <= IIN_LENGTH and not text.startswith("+"):
            iin_prefix = digits
            bin_ = digits if len(digits) == IIN_LENGTH else ""
        phones = _phone_prefixes(text, digits) if digits.isascii() else ()
    return SearchTerms(
        text=text,
        number=text.upper(),
        # A name has no digits: "KZ-19-2024-00012" is a number, not the name "kz".
        name_key="" if _DIGIT.search(text) else name_key(text),
        iin_prefix=iin_prefix,
        phone_prefixes=phones,
        bin=bin_,
    )
