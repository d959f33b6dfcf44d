"""The official working-day calendar of Kazakhstan, which every case deadline is counted in.

The calendar is python-holidays' Kazakhstan: the Law on Holidays as amended (e.g. Constitution
Day on 30 August up to 2025, none in 2026, 15 March from 2027), Kurban Ait (confirmed dates, then
estimated ones), the Labour Code's move of a holiday falling on a weekend, and each yearly
government decree that moves a day off (a bridge Friday or Monday off, a Saturday or Sunday worked
instead), all cited in the package's source. A decree newer than the installed release goes into
the override file (seeds/calendar_overrides.csv): one line per date, working or not, and the
decree that says so.

Plain Python, no Django: the application sets the override file once (`configure`), from the
CLINIC_CALENDAR_OVERRIDES setting. Each year is computed once and kept, so a deadline costs a
binary search.
"""

import csv
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import holidays

DEFAULT_OVERRIDES = Path(__file__).resolve().parent.parent / "seeds" / "calendar_overrides.csv"
OVERRIDE_COLUMNS = ("date", "working", "decree")
_WORKING_VALUES = {"yes": True, "no": False}

# The years python-holidays computes for Kazakhstan (1991-2100); outside them it would silently answer
# "no holidays at all", so such a year is refused instead.
FIRST_YEAR = holidays.KZ.start_year
LAST_YEAR = holidays.KZ.end_year

_overrides_path: Path = DEFAULT_OVERRIDES


class UnknownYearError(ValueError):
    """The calendar has no data for this year."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"No working-day calendar for {year}: python-holidays {holidays.__version__} covers "
            f"Kazakhstan in {FIRST_YEAR}-{LAST_YEAR}."
        )


@dataclass(frozen=True)
class Override:
    """One line of the override file: a decree makes `day` working or a day off."""

    day: date
    working: bool
    decree: str


def load_overrides(path: Path) -> dict[date, Override]:
    """Read and check an override file (CSV with the header date,working,decree); a bad line raises."""
    overrides: dict[date, Override] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or tuple(column.strip() for column in header) != OVERRIDE_COLUMNS:
            raise ValueError(f"{path}: the first line must be {','.join(OVERRIDE_COLUMNS)}, got {header}")
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = f"{path}, line {reader.line_num}"
            if len(row) != len(OVERRIDE_COLUMNS):
                raise ValueError(f"{where}: expected {len(OVERRIDE_COLUMNS)} columns, got {len(row)}")
            raw_day, raw_working, decree = (cell.strip() for cell in row)
            try:
                day = date.fromisoformat(raw_day)
            except ValueError as error:
                raise ValueError(f"{where}: {raw_day!r} is not a date YYYY-MM-DD") from error
            if raw_working.lower() not in _WORKING_VALUES:
                raise ValueError(f"{where}: working must be yes or no, got {raw_working!r}")
            if not decree:
                raise ValueError(f"{where}: name the decree that says so")
            if day in overrides:
                raise ValueError(f"{where}: {day.isoformat()} is listed twice")
            overrides[day] = Override(day, _WORKING_VALUES[raw_working.lower()], decree)
    return overrides


def configure(*, overrides: Path | str | None = None) -> None:
    """Use this override file (None: seeds/calendar_overrides.csv) and forget every computed year.

    The file is read at once, so a malformed file stops the caller at start-up, not mid-request."""
    global _overrides_path
    _overrides_path = Path(overrides) if overrides else DEFAULT_OVERRIDES
    _overrides.cache_clear()
    _year.cache_clear()  # python-holidays' own years (_released) do not depend on the file
    _overrides()


@cache
def _overrides() -> dict[date, Override]:
    return load_overrides(_overrides_path)


def overrides() -> list[Override]:
    """The override lines in force, by date."""
    return sorted(_overrides().values(), key=lambda override: override.day)


def source() -> str:
    """What the calendar is made of, for messages and logs."""
    return (
        f"python-holidays {holidays.__version__} (KZ) with {len(_overrides())} override line(s) "
        f"from {_overrides_path}"
    )


@cache
def _released(year: int) -> holidays.HolidayBase:
    """python-holidays' Kazakhstan for `year`, as released (no overrides)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UnknownYearError(year)
    # A decree may make a Saturday of this year working in exchange for a day off next year (the
    # 2014 decree did so with 28 December 2013), so the neighbouring years are computed as well.
    kz = holidays.country_holidays("KZ", years=(year - 1, year, year + 1), expand=False)
    if not any(day.year == year for day in kz):
        raise UnknownYearError(year)
    return kz


def redundant_overrides() -> list[Override]:
    """Override lines python-holidays already agrees with (after an upgrade): they may be removed."""
    return [
        line
        for line in overrides()
        if FIRST_YEAR <= line.day.year <= LAST_YEAR
        and _released(line.day.year).is_working_day(line.day) == line.working
    ]


@dataclass(frozen=True)
class _Year:
    working: tuple[int, ...]  # ordinals of the working days, in order
    working_set: frozenset[int]


@cache
def _year(year: int) -> _Year:
    kz = _released(year)
    decreed = _overrides()

    def working(day: date) -> bool:
        return decreed[day].working if day in decreed else kz.is_working_day(day)

    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    ordinals = tuple(ordinal for ordinal in range(first, last + 1) if working(date.fromordinal(ordinal)))
    return _Year(ordinals, frozenset(ordinals))


def _check(day: date) -> None:
    _year(day.year)


def is_working_day(day: date) -> bool:
    """True for Monday-Friday that is no holiday or transferred day off, and for a Saturday or Sunday a
    decree made working."""
    return day.toordinal() in _year(day.year).working_set


def add_working_days(start: date, days: int) -> date:
    """Return the date that is `days` working days after `start` (`start` itself is not counted)."""
    if days < 0:
        raise ValueError(f"days must be non-negative, got {days}")
    year = _year(start.year)
    if days == 0:
        return start
    index = bisect_right(year.working, start.toordinal()) + days - 1
    current = start.year
    while index >= len(year.working):
        index -= len(year.working)
        current += 1
        year = _year(current)
    return date.fromordinal(year.working[index])


def working_days_between(start: date, end: date) -> int:
    """Return the number of working days `d` with `start < d <= end` (0 if `end <= start`)."""
    _check(start)
    _check(end)
    if end <= start:
        return 0
    count = 0
    for current in range(start.year, end.year + 1):
        working = _year(current).working
        count += bisect_right(working, end.toordinal()) - bisect_right(working, start.toordinal())
    return count
