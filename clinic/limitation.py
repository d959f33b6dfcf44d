"""The limitation clock of labor disputes: the last day to file a claim and the day the conciliation
commission's decision is expected, from the periods of the limitation rules (clinic.models.LimitationRule,
data edited in the admin) and the working-day calendar (clinic.workdays).

The law (DOMAIN.md, "Labor disputes"): Labour Code of the Republic of Kazakhstan, art. 159 (the
enterprise's conciliation commission registers the claim on the day it is filed and decides within 15
working days of the registration) and art. 160 (a claim for reinstatement within one month of the day
the worker received a copy of the act ending the employment contract; other individual labor disputes
within one year).

How a period ends: Civil Code of the Republic of Kazakhstan (General Part), art. 179-181. A period
begins on the day after the event it is counted from; a period of months or years ends on the
corresponding day of its last month (31 January + 1 month: the last day of February, since February has
no 31st), and a period of years likewise (29 February 2024 + 1 year: 28 February 2025); a last day that is
not a working day moves to the next working day (art. 181). Working days are those of the official
calendar (clinic.workdays), so a last day on a holiday (16 December, Nauryz) or a transferred day off
moves past it as well.

Plain Python, no Django: the services and the pages call it with the rules' values.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from dateutil.relativedelta import relativedelta

from . import workdays

# Units of a period (LimitationRule.period_unit).
MONTHS, YEARS, WORKING_DAYS, CALENDAR_DAYS = "months", "years", "working_days", "calendar_days"
UNITS = (MONTHS, YEARS, WORKING_DAYS, CALENDAR_DAYS)

# What a period is counted from (LimitationRule.counted_from): the disputed act gives the last day to
# file the claim; the claim's registration with the conciliation commission, the day its decision is due.
DISPUTED_ACT, CLAIM_REGISTERED = "disputed_act", "claim_registered"

# Which disputes a rule applies to (LimitationRule.applies_to).
REINSTATEMENT, OTHER_INDIVIDUAL, INDIVIDUAL, COLLECTIVE = (
    "reinstatement",
    "other_individual",
    "individual",
    "collective",
)

# Which of its dates a dispute waits on now (LaborDispute.next_deadline_on).
FILING, DECISION = "filing", "decision"

PASSED, DUE_SOON = "passed", "due_soon"


def next_working_day_from(day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it (Civil Code art. 181)."""
    while not workdays.is_working_day(day):
        day += timedelta(days=1)
    return day


def period_end(start: date, amount: int, unit: str) -> date:
    """The last day of a period of `amount` `unit`s counted from the event of `start` (Civil Code art.
    179-181): the day itself is not counted; months and years end on the corresponding day, or on the
    month's last day where the month has no such day (relativedelta clips the day the same way); a last
    day that is a day off moves to the next working day. Working days count only working days, so
    their last day is a working day already."""
    if amount < 0:
        raise ValueError(f"a period cannot be negative, got {amount}")
    if unit == WORKING_DAYS:
        return workdays.add_working_days(start, amount)
    if unit == MONTHS:
        end = start + relativedelta(months=amount)
    elif unit == YEARS:
        end = start + relativedelta(years=amount)
    elif unit == CALENDAR_DAYS:
        end = start + timedelta(days=amount)
    else:
        raise ValueError(f"unknown unit of a period: {unit!r}")
    return next_working_day_from(end)


class Rule(Protocol):
    """What the clock reads of a limitation rule (clinic.models.LimitationRule has these fields)."""

    @property
    def period_amount(self) -> int: ...
    @property
    def period_unit(self) -> str: ...
    @property
    def counted_from(self) -> str: ...
    @property
    def applies_to(self) -> str: ...


@dataclass(frozen=True)
class DisputeFacts:
    """What of a dispute the clock depends on."""

    individual: bool
    reinstatement: bool
    disputed_act_on: date | None
    claim_registered_on: date | None


def applies(rule: Rule, facts: DisputeFacts) -> bool:
    """Whether the rule is about disputes like this one."""
    if rule.applies_to == COLLECTIVE:
        return not facts.individual
    if rule.applies_to == INDIVIDUAL:
        return facts.individual
    if rule.applies_to == REINSTATEMENT:
        return facts.individual and facts.reinstatement
    if rule.applies_to == OTHER_INDIVIDUAL:
        return facts.individual and not facts.reinstatement
    return False


@dataclass(frozen=True)
class Deadlines:
    filing_due_on: date | None = None  # the last day to file the claim
    decision_due_on: date | None = None  # the day the conciliation commission's decision is expected


class UncountableDateError(ValueError):
    """A period that runs into a year the calendar does not cover: its start (`counted_from`) is wrong."""

    def __init__(self, counted_from: str, year: int):
        self.counted_from, self.year = counted_from, year
        super().__init__(f"the period counted from the {counted_from} runs into {year}, outside the calendar")


def deadlines(rules: Iterable[Rule], facts: DisputeFacts) -> Deadlines:
    """The dispute's dates under the rules; of several rules for the same date, the first (the caller
    gives them in their sort order). A date whose starting event is not recorded yet stays empty."""
    starts = {DISPUTED_ACT: facts.disputed_act_on, CLAIM_REGISTERED: facts.claim_registered_on}
    found: dict[str, date | None] = {}
    for rule in rules:
        if rule.counted_from in found or rule.counted_from not in starts or not applies(rule, facts):
            continue
        start = starts[rule.counted_from]
        try:
            found[rule.counted_from] = (
                period_end(start, rule.period_amount, rule.period_unit) if start is not None else None
            )
        except workdays.UnknownYearError as error:
            raise UncountableDateError(rule.counted_from, error.year) from error
    return Deadlines(found.get(DISPUTED_ACT), found.get(CLAIM_REGISTERED))


def watched(
    dates: Deadlines, *, resolved: bool, claim_registered: bool, in_court: bool
) -> tuple[str, date | None]:
    """The date the dispute waits on now, and which one it is: none once resolved; the last day to file
    until the claim is registered with the conciliation commission (or the dispute is in court, where
    the claim was filed); then the commission's decision, until the dispute moves on to court."""
    if resolved or in_court:
        return "", None
    if claim_registered:
        return (DECISION, dates.decision_due_on) if dates.decision_due_on else ("", None)
    return (FILING, dates.filing_due_on) if dates.filing_due_on else ("", None)


@dataclass(frozen=True)
class DeadlineState:
    """A date as the lists flag it: passed, due within the days ahead, or neither; `days` is the number
    of days left (0: today is the last day), negative once passed."""

    state: str
    days: int

    @property
    def passed(self) -> bool:
        return self.state == PASSED

    @property
    def due_soon(self) -> bool:
        return self.state == DUE_SOON

    @property
    def days_ago(self) -> int:
        return -self.days


def deadline_state(day: date, today: date, days_ahead: int) -> DeadlineState:
    """Passed once `today` is after the last day; due soon from `days_ahead` days before it."""
    days = (day - today).days
    if days < 0:
        return DeadlineState(PASSED, days)
    return DeadlineState(DUE_SOON if days <= days_ahead else "", days)
