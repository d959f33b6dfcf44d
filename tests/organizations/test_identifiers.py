"""Tests for the IIN/BIN validators and generators; no database and no settings needed.

Messages are gettext_lazy proxies, so the tests compare ``ValidationError.code`` (and message
identity), never rendered text.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from organizations.identifiers import (
    BIN_ENTITY_TYPES,
    BIN_MESSAGES,
    BIN_OFFICE_TYPES,
    IIN_MESSAGES,
    check_digit,
    iin_birth_date,
    iin_sex,
    make_bin,
    make_iin,
    normalize_identifier,
    validate_bin,
    validate_iin,
)

# 11-digit prefix where both weightings give 10 (see the hand computation in test_check_digit_ten_twice).
TEN_TWICE_IIN_PREFIX = "90010130080"
TEN_TWICE_BIN_PREFIX = "15034000009"


def _error_code(validator, value: str) -> str:
    """Return the code of the ValidationError the validator raises for value."""
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value.code


# --- check_digit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        # 9 0 0 1 0 1 3 0 1 2 3 x weights 1..11:
        # 9*1 + 0*2 + 0*3 + 1*4 + 0*5 + 1*6 + 3*7 + 0*8 + 1*9 + 2*10 + 3*11
        # = 9 + 4 + 6 + 21 + 9 + 20 + 33 = 102; 102 = 9*11 + 3 -> check digit 3.
        ("90010130123", 3),
        # 8 5 0 7 1 5 4 0 0 0 0 x weights 1..11:
        # 8*1 + 5*2 + 0*3 + 7*4 + 1*5 + 5*6 + 4*7 = 8 + 10 + 28 + 5 + 30 + 28 = 109; 109 = 9*11 + 10 -> 10,
        # so again with weights 3,4,5,6,7,8,9,10,11,1,2:
        # 8*3 + 5*4 + 0*5 + 7*6 + 1*7 + 5*8 + 4*9 = 24 + 20 + 42 + 7 + 40 + 36 = 169; 169 = 15*11 + 4 -> 4.
        ("85071540000", 4),
        # BIN 1 5 0 3 4 0 0 4 3 2 1 x weights 1..11:
        # 1*1 + 5*2 + 0*3 + 3*4 + 4*5 + 0*6 + 0*7 + 4*8 + 3*9 + 2*10 + 1*11
        # = 1 + 10 + 12 + 20 + 32 + 27 + 20 + 11 = 133; 133 = 12*11 + 1 -> check digit 1.
        ("15034004321", 1),
        # 9*1 + 9*2 + 1*3 + 2*4 + 3*5 + 1*6 + 4*7 + 5*8 + 5*9 + 5*10 + 5*11 = 277; 277 = 25*11 + 2 -> 2.
        ("99123145555", 2),
        ("00000000000", 0),
    ],
)
def test_check_digit_hand_computed(prefix, expected):
    assert check_digit(prefix) == expected


def test_check_digit_ten_twice():
    # 9 0 0 1 0 1 3 0 0 8 0 x weights 1..11:
    # 9*1 + 1*4 + 1*6 + 3*7 + 8*10 = 9 + 4 + 6 + 21 + 80 = 120; 120 = 10*11 + 10 -> 10.
    # Weights 3,4,5,6,7,8,9,10,11,1,2: 9*3 + 1*6 + 1*8 + 3*9 + 8*1 = 27 + 6 + 8 + 27 + 8 = 76;
    # 76 = 6*11 + 10 -> 10 again: no check digit exists.
    assert check_digit(TEN_TWICE_IIN_PREFIX) is None
    assert check_digit(TEN_TWICE_BIN_PREFIX) is None


@pytest.mark.parametrize("prefix", ["", "9001013012", "900101301233", "9001013012a", "٩٠٠١٠١٣٠١٢٣"])
def test_check_digit_requires_eleven_ascii_digits(prefix):
    with pytest.raises(ValueError, match="expected 11 digits"):
        check_digit(prefix)


# --- IIN ---------------------------------------------------------------------------------------------

VALID_IINS = [
    # (iin, birth date, sex); the first two are the hand-computed prefixes above.
    ("900101301233", date(1990, 1, 1), "male"),
    ("850715400004", date(1985, 7, 15), "female"),
    ("500304112345", date(1850, 3, 4), "male"),  # century digit 1
    ("991231212348", date(1899, 12, 31), "female"),  # century digit 2
    ("370715312343", date(1937, 7, 15), "male"),  # century digit 3
    ("680229412342", date(1968, 2, 29), "female"),  # century digit 4, leap day
    ("000229501234", date(2000, 2, 29), "male"),  # century digit 5, leap day of 2000
    ("231101612349", date(2023, 11, 1), "female"),  # century digit 6
]


@pytest.mark.parametrize(("iin", "birth_date", "sex"), VALID_IINS)
def test_validate_iin_accepts_valid(iin, birth_date, sex):
    validate_iin(iin)
    assert iin_birth_date(iin) == birth_date
    assert iin_sex(iin) == sex


def test_valid_iins_cover_every_century_digit():
    assert {iin[6] for iin, _, _ in VALID_IINS} == set("123456")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "length"),
        ("90010130123", "length"),  # 11 digits
        ("9001013012330", "length"),  # 13 digits
        (" 900101301233", "length"),  # not stripped by the validator
        ("900101301233\n", "length"),
        ("90010130123A", "digits"),
        ("9001O1301233", "digits"),  # letter O
        ("9001-0130123", "digits"),  # dash not removed by the validator
        ("+90010130123", "digits"),
        ("٩٠٠١٠١٣٠١٢٣٣", "digits"),  # Arabic-Indic digits are not 0-9
        ("９００１０１３０１２３３", "digits"),  # full-width digits
        ("900101001234", "century"),  # digit 7 = 0
        ("900101701239", "century"),  # digit 7 = 7
        ("900101801235", "century"),  # digit 7 = 8
        ("900101901231", "century"),  # digit 7 = 9
        ("900230301235", "birth_date"),  # 30 February 1990
        ("000229301231", "birth_date"),  # 29 February 1900: not a leap year
        ("901331301237", "birth_date"),  # month 13
        ("900431301238", "birth_date"),  # 31 April
        ("900100301238", "birth_date"),  # day 00
        ("900000301234", "birth_date"),  # month 00
        ("900101301234", "check_digit"),  # correct digit is 3
        ("850715400008", "check_digit"),  # correct digit is 4 (8 is the first-pass 10 mod 10 mistake)
    ],
)
def test_validate_iin_rejects(value, code):
    if code in {"century", "birth_date"}:
        # The check digit is right, so only the named part is wrong.
        assert check_digit(value[:11]) == int(value[11])
    assert _error_code(validate_iin, value) == code


@pytest.mark.parametrize("last_digit", "0123456789")
def test_validate_iin_rejects_prefix_with_no_check_digit(last_digit):
    with pytest.raises(ValidationError) as excinfo:
        validate_iin(TEN_TWICE_IIN_PREFIX + last_digit)
    assert excinfo.value.code == "check_digit"
    assert excinfo.value.message is IIN_MESSAGES["no_check_digit"]


def test_iin_messages_are_distinct_per_code():
    with pytest.raises(ValidationError) as excinfo:
        validate_iin("900101301234")
    assert excinfo.value.message is IIN_MESSAGES["check_digit"]
    assert excinfo.value.params == {"value": "900101301234"}


@pytest.mark.parametrize("helper", [iin_birth_date, iin_sex])
def test_iin_helpers_reject_invalid_iin(helper):
    with pytest.raises(ValidationError):
        helper("900230301235")


# --- BIN ---------------------------------------------------------------------------------------------

VALID_BINS = [
    "150340043211",  # hand-computed above: March 2015, resident legal entity, head office
    "081141043217",  # November 2008, resident legal entity, branch
    "200952043210",  # September 2020, non-resident, representative office
    "120660043216",  # June 2012, sole proprietor, head office
    "190143043218",  # January 2019, resident legal entity, farm
    "241263043215",  # December 2024, sole proprietor, farm
]


@pytest.mark.parametrize("value", VALID_BINS)
def test_validate_bin_accepts_valid(value):
    validate_bin(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "length"),
        ("15034004321", "length"),
        ("1503400432111", "length"),
        ("150340043211 ", "length"),
        ("15034004321X", "digits"),
        ("1503-4004321", "digits"),
        ("151340043214", "registration_date"),  # month 13
        ("150040043210", "registration_date"),  # month 00
        ("150370043215", "entity_type"),  # type digit 7
        ("150330043217", "entity_type"),  # type digit 3
        ("150345043219", "office_type"),  # office digit 5
        ("150344043213", "office_type"),  # office digit 4
        ("150340043212", "check_digit"),  # correct digit is 1
    ],
)
def test_validate_bin_rejects(value, code):
    if code in {"registration_date", "entity_type", "office_type"}:
        assert check_digit(value[:11]) == int(value[11])
    assert _error_code(validate_bin, value) == code


@pytest.mark.parametrize("last_digit", "0123456789")
def test_validate_bin_rejects_prefix_with_no_check_digit(last_digit):
    with pytest.raises(ValidationError) as excinfo:
        validate_bin(TEN_TWICE_BIN_PREFIX + last_digit)
    assert excinfo.value.code == "check_digit"
    assert excinfo.value.message is BIN_MESSAGES["no_check_digit"]


def test_iin_is_not_a_bin_and_vice_versa():
    assert _error_code(validate_bin, "900101301233") == "entity_type"  # digit 5 of an IIN is a day digit
    assert _error_code(validate_iin, "150340043211") == "century"


# --- generators --------------------------------------------------------------------------------------


@pytest.mark.slow  # an exhaustive walk: 100,000 IINs built and checked, seconds of pure arithmetic
@pytest.mark.parametrize(
    "birth_date",
    [date(1800, 1, 1), date(1899, 12, 31), date(1900, 2, 28), date(1990, 1, 1), date(2000, 2, 29)],
)
@pytest.mark.parametrize("female", [False, True])
def test_make_iin_is_valid_for_every_serial(birth_date, female):
    first = make_iin(birth_date, female=female, serial=0)
    assert iin_birth_date(first) == birth_date
    assert iin_sex(first) == ("female" if female else "male")
    for serial in range(10_000):
        iin = make_iin(birth_date, female=female, serial=serial)
        validate_iin(iin)
        assert iin[:7] == first[:7]
        if check_digit(iin[:7] + f"{serial:04d}") is not None:
            assert int(iin[7:11]) == serial


@pytest.mark.parametrize("entity_type", BIN_ENTITY_TYPES)
@pytest.mark.parametrize("office_type", BIN_OFFICE_TYPES)
def test_make_bin_is_valid_over_serials(entity_type, office_type):
    for serial in [*range(0, 100_000, 37), 99_999]:
        value = make_bin(date(2015, 3, 20), entity_type=entity_type, office_type=office_type, serial=serial)
        validate_bin(value)
        assert value[:6] == f"1503{entity_type}{office_type}"
        if check_digit(value[:6] + f"{serial:05d}") is not None:
            assert int(value[6:11]) == serial


def test_make_iin_known_value():
    assert make_iin(date(1990, 1, 1), female=False, serial=123) == "900101301233"
    assert make_iin(date(1985, 7, 15), female=True, serial=0) == "850715400004"


def test_make_bin_defaults():
    assert make_bin(date(2015, 3, 1), serial=4321) == "150340043211"


def test_make_iin_skips_serial_without_check_digit():
    # 90010130080 has no check digit (see test_check_digit_ten_twice), so serial 80 moves to 81.
    iin = make_iin(date(1990, 1, 1), female=False, serial=80)
    assert iin[:11] == "90010130081"
    validate_iin(iin)
    assert make_iin(date(1990, 1, 1), female=False, serial=80) == iin  # deterministic


def test_make_iin_wraps_after_last_serial():
    assert check_digit("90032239999") is None
    iin = make_iin(date(1990, 3, 22), female=False, serial=9999)
    assert iin[:11] == "90032230000"
    validate_iin(iin)


def test_make_bin_skips_serial_without_check_digit():
    value = make_bin(date(2015, 3, 1), serial=9)
    assert value[:11] == "15034000010"
    validate_bin(value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"birth_date": date(1799, 12, 31), "female": False, "serial": 0},
        {"birth_date": date(2100, 1, 1), "female": False, "serial": 0},
        {"birth_date": date(1990, 1, 1), "female": False, "serial": -1},
        {"birth_date": date(1990, 1, 1), "female": False, "serial": 10_000},
    ],
)
def test_make_iin_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="IIN"):
        make_iin(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"entity_type": 7, "serial": 0},
        {"office_type": 4, "serial": 0},
        {"serial": -1},
        {"serial": 100_000},
    ],
)
def test_make_bin_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="BIN"):
        make_bin(date(2015, 3, 1), **kwargs)


# --- normalize_identifier ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("900101301233", "900101301233"),
        (" 900101 301233 ", "900101301233"),
        ("900101-30123-3", "900101301233"),
        ("9001 01-3012 33\n", "900101301233"),
        ("900101\u00a0301233", "900101301233"),  # non-breaking space
        ("900101\u2013301233", "900101301233"),  # en dash
        ("", ""),
        ("12A-34", "12A34"),  # only strips; validation is the validator's job
    ],
)
def test_normalize_identifier(raw, expected):
    assert normalize_identifier(raw) == expected


def test_normalized_input_then_validates():
    validate_iin(normalize_identifier("900101 3012-33"))
    validate_bin(normalize_identifier("1503 4004 3211"))


# --- a birth date after today ------------------------------------------------------------------------


def test_an_iin_born_after_today_is_refused_and_today_is_accepted(monkeypatch):
    # given: an IIN of someone born on 1 November 2023 (century digit 6)
    born_1_november = "231101612349"

    # when today is the day before, then on the day itself (today is the local date: timezone.localdate)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2023, 10, 31))
    refused = _error_code(validate_iin, born_1_november)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2023, 11, 1))

    # then
    assert refused == "birth_date_future"
    validate_iin(born_1_november)
