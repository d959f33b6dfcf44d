"""The limitation clock's date arithmetic (clinic.limitation), plain Python: a period of months or years
ends on the corresponding day or the month's last day, a last day off moves to the next working day of
the official calendar, working days skip holidays; cross-checked against python-holidays itself."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays
import pytest

from clinic import limitation
from clinic.limitation import (
    CALENDAR_DAYS,
    CLAIM_REGISTERED,
    COLLECTIVE,
    DISPUTED_ACT,
    INDIVIDUAL,
    MONTHS,
    OTHER_INDIVIDUAL,
    REINSTATEMENT,
    WORKING_DAYS,
    YEARS,
    DisputeFacts,
    deadline_state,
    deadlines,
    period_end,
    watched,
)


@pytest.fixture(autouse=True)
def released_calendar(calendar_overrides):
    """python-holidays as released, with no override lines: the outside reference these tests compare to."""
    calendar_overrides()


@pytest.mark.parametrize(
    ("start", "amount", "unit", "end"),
    [
        # A month end without the corresponding day: the last day of the month (Civil Code art. 180).
        (date(2025, 1, 31), 1, MONTHS, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, MONTHS, date(2024, 2, 29)),  # a leap year
        (date(2023, 1, 30), 1, MONTHS, date(2023, 2, 28)),
        (date(2025, 3, 31), 1, MONTHS, date(2025, 4, 30)),
        # 29 February + 1 year: 28 February of a common year.
        (date(2024, 2, 29), 1, YEARS, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, YEARS, date(2028, 2, 29)),
        # The corresponding day, a working day: no move.
        (date(2025, 4, 10), 1, MONTHS, date(2025, 5, 12)),  # 10 May 2025 is a Saturday: Monday the 12th
        (date(2025, 6, 3), 1, MONTHS, date(2025, 7, 3)),
        # Independence Day, 16 December (a Tuesday in 2025): the 17th.
        (date(2025, 11, 16), 1, MONTHS, date(2025, 12, 17)),
        (date(2024, 12, 16), 1, YEARS, date(2025, 12, 17)),
        # Nauryz 2025: Friday 21 March, then the weekend and the two days moved from it (24-25 March).
        (date(2025, 2, 21), 1, MONTHS, date(2025, 3, 26)),
        # Nauryz 2026: Saturday 21 to Monday 23 March, 24-25 March off in their place.
        (date(2026, 2, 21), 1, MONTHS, date(2026, 3, 26)),
        # A weekend: Saturday 15 March 2025 -> Monday 17 March.
        (date(2025, 2, 15), 1, MONTHS, date(2025, 3, 17)),
        # Calendar days ending on a holiday: 16 December 2026 (a Wednesday) -> the 17th.
        (date(2026, 12, 6), 10, CALENDAR_DAYS, date(2026, 12, 17)),
        # 15 working days from Monday 16 March 2026 skip Nauryz (21-25 March) and the weekends: 9 April.
        (date(2026, 3, 16), 15, WORKING_DAYS, date(2026, 4, 9)),
        # ... and from Friday 12 December 2025 skip Independence Day and the New Year (1-2 January).
        (date(2025, 12, 12), 15, WORKING_DAYS, date(2026, 1, 8)),
    ],
)
def test_the_last_day_of_a_period(start, amount, unit, end):
    assert period_end(start, amount, unit) == end


def test_a_last_day_off_moves_to_the_next_working_day():
    # Nauryz 2025 and the days moved from its weekend are days off; the 26th is the first working day
    kz = holidays.country_holidays("KZ", years=2025)
    assert [day for day in (date(2025, 3, d) for d in range(21, 27)) if kz.is_working_day(day)] == [
        date(2025, 3, 26)
    ]
    assert limitation.next_working_day_from(date(2025, 3, 21)) == date(2025, 3, 26)
    assert limitation.next_working_day_from(date(2025, 3, 26)) == date(2025, 3, 26)


def test_unknown_unit_and_negative_period_are_refused():
    with pytest.raises(ValueError, match="unknown unit"):
        period_end(date(2025, 1, 1), 1, "fortnights")
    with pytest.raises(ValueError, match="negative"):
        period_end(date(2025, 1, 1), -1, MONTHS)


@cache
def _kz(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KZ", years=range(year, year + 2))


def _outside_reference(start: date, months: int) -> date:
    """The same rule written from scratch on python-holidays alone: the corresponding day (or the
    month's last), then on to the first working day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    end = date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    kz = _kz(end.year)
    while not kz.is_working_day(end):
        end += timedelta(days=1)
    return end


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_day_of_a_year_agrees_with_python_holidays(year):
    day = date(year, 1, 1)
    while day.year == year:
        assert period_end(day, 1, MONTHS) == _outside_reference(day, 1), day
        assert period_end(day, 1, YEARS) == _outside_reference(day, 12), day
        day += timedelta(days=1)


def test_working_days_agree_with_python_holidays():
    kz = holidays.country_holidays("KZ", years=range(2024, 2028))
    start = date(2024, 1, 1)
    while start.year < 2027:
        end, counted = start, 0
        while counted < 15:
            end += timedelta(days=1)
            counted += kz.is_working_day(end)
        assert period_end(start, 15, WORKING_DAYS) == end, start
        start += timedelta(days=5)


@dataclass(frozen=True)
class Rule:
    period_amount: int
    period_unit: str
    counted_from: str
    applies_to: str


REINSTATEMENT_MONTH = Rule(1, MONTHS, DISPUTED_ACT, REINSTATEMENT)
OTHER_YEAR = Rule(1, YEARS, DISPUTED_ACT, OTHER_INDIVIDUAL)
COMMISSION_15 = Rule(15, WORKING_DAYS, CLAIM_REGISTERED, INDIVIDUAL)
SEEDED = [REINSTATEMENT_MONTH, OTHER_YEAR, COMMISSION_15]


def _facts(*, individual=True, reinstatement=False, act=None, claim=None) -> DisputeFacts:
    return DisputeFacts(individual, reinstatement, act, claim)


def test_a_reinstatement_claim_has_one_month_other_disputes_one_year():
    dismissed = date(2025, 2, 21)  # the copy of the order received
    assert deadlines(SEEDED, _facts(reinstatement=True, act=dismissed)).filing_due_on == date(2025, 3, 26)
    assert deadlines(SEEDED, _facts(act=dismissed)).filing_due_on == date(2026, 2, 23)  # 21 Feb 2026: Sat


def test_the_commission_decides_within_15_working_days_of_registering_the_claim():
    dates = deadlines(SEEDED, _facts(reinstatement=True, act=date(2026, 3, 2), claim=date(2026, 3, 16)))
    assert (dates.filing_due_on, dates.decision_due_on) == (date(2026, 4, 2), date(2026, 4, 9))


def test_a_date_whose_event_is_not_recorded_stays_empty():
    assert deadlines(SEEDED, _facts(reinstatement=True)) == limitation.Deadlines(None, None)


def test_a_collective_dispute_takes_only_the_rules_for_collective_disputes():
    assert deadlines(SEEDED, _facts(individual=False, act=date(2025, 5, 5))) == limitation.Deadlines(
        None, None
    )
    collective = Rule(3, MONTHS, DISPUTED_ACT, COLLECTIVE)
    dates = deadlines([*SEEDED, collective], _facts(individual=False, act=date(2025, 5, 5)))
    assert dates.filing_due_on == date(2025, 8, 5)


def test_the_rule_is_data_the_first_applying_rule_wins():
    two_months = Rule(2, MONTHS, DISPUTED_ACT, REINSTATEMENT)
    facts = _facts(reinstatement=True, act=date(2025, 1, 31))
    assert deadlines([two_months, *SEEDED], facts).filing_due_on == date(2025, 3, 31)
    assert deadlines([*SEEDED, two_months], facts).filing_due_on == date(2025, 2, 28)
    calendar_days = Rule(30, CALENDAR_DAYS, DISPUTED_ACT, INDIVIDUAL)
    assert deadlines([calendar_days], facts).filing_due_on == date(2025, 3, 3)  # 2 March: a Sunday


def test_the_date_waited_on_moves_from_filing_to_the_decision_and_ends():
    dates = limitation.Deadlines(date(2025, 3, 26), date(2025, 4, 9))
    assert watched(dates, resolved=False, claim_registered=False, in_court=False) == (
        "filing",
        dates.filing_due_on,
    )
    assert watched(dates, resolved=False, claim_registered=True, in_court=False) == (
        "decision",
        dates.decision_due_on,
    )
    assert watched(dates, resolved=False, claim_registered=True, in_court=True) == ("", None)
    assert watched(dates, resolved=True, claim_registered=False, in_court=False) == ("", None)
    assert watched(limitation.Deadlines(), resolved=False, claim_registered=False, in_court=False) == (
        "",
        None,
    )


@pytest.mark.parametrize(
    ("day", "state", "days"),
    [
        (date(2025, 3, 9), "passed", -1),
        (date(2025, 3, 10), "due_soon", 0),
        (date(2025, 3, 17), "due_soon", 7),
        (date(2025, 3, 18), "", 8),
    ],
)
def test_a_date_is_flagged_passed_or_due_within_the_days_ahead(day, state, days):
    flagged = deadline_state(day, today=date(2025, 3, 10), days_ahead=7)
    assert (flagged.state, flagged.days) == (state, days)
    assert flagged.passed == (state == "passed")
