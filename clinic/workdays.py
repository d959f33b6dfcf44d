"""Kazakhstan working-day calendar used to compute case deadlines."""

import json
from datetime import date, timedelta
from functools import cache
from pathlib import Path

HOLIDAYS_FILE = Path(__file__).resolve().parent.parent / "seeds" / "holidays.json"

_ONE_DAY = timedelta(days=1)


@cache
def holidays() -> frozenset[date]:
    """Return every non-working public holiday (including transferred days off) from the seed file."""
    with HOLIDAYS_FILE.open(encoding="utf-8") as fh:
        data = json.load(fh)
    return frozenset(date.fromisoformat(entry["date"]) for entry in data["holidays"])


@cache
def covered_years() -> frozenset[int]:
    """Return the years for which the seed file lists holidays."""
    return frozenset(day.year for day in holidays())


def _check_covered(day: date) -> None:
    # A year missing from the file would otherwise look like a year with no holidays at all.
    if day.year not in covered_years():
        years = sorted(covered_years())
        raise ValueError(
            f"No holiday data for {day.year} (date {day.isoformat()}); {HOLIDAYS_FILE.name} covers "
            f"{years[0]}-{years[-1]}."
        )


def is_working_day(day: date) -> bool:
    """Return True if ``day`` is Monday-Friday and not a public holiday or transferred day off."""
    _check_covered(day)
    return day.weekday() < 5 and day not in holidays()


def add_working_days(start: date, days: int) -> date:
    """Return the date that is ``days`` working days after ``start`` (``start`` itself is not counted)."""
    if days < 0:
        raise ValueError(f"days must be non-negative, got {days}")
    _check_covered(start)
    current = start
    remaining = days
    while remaining:
        current += _ONE_DAY
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Return the number of working days ``d`` with ``start < d <= end`` (0 if ``end <= start``)."""
    _check_covered(start)
    _check_covered(end)
    count = 0
    current = start + _ONE_DAY
    while current <= end:
        if is_working_day(current):
            count += 1
        current += _ONE_DAY
    return count
