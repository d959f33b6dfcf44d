"""Report periods: a calendar month, quarter or year, named by its kind and first day."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Self

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}
# The years a report may cover: the clinic has no cases before 2000, and a period of year 1 or 9999
# only comes from a typing slip or a crafted request (its neighbours would not even be dates).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def years_message() -> str:
    return _("Choose a day in the years %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}


@dataclass(frozen=True)
class Period:
    """A closed range of days [start, end] of one kind."""

    kind: str
    start: date

    def __post_init__(self) -> None:
        if self.kind not in MONTHS_IN:
            raise ValidationError({"period_kind": _("Unknown period kind: %s.") % self.kind})
        if self.start != self.first_day_of(self.kind, self.start):
            raise ValidationError(
                {"period_start": _("A period starts on the first day of its month, quarter or year.")}
            )

    @staticmethod
    def first_day_of(kind: str, day: date) -> date:
        """The first day of the period of this kind that contains the day."""
        months = MONTHS_IN[PeriodKind(kind)]
        return date(day.year, (day.month - 1) // months * months + 1, 1)

    @classmethod
    def containing(cls, kind: str, day: date) -> Self:
        return cls(kind, cls.first_day_of(kind, day))

    def ensure_reportable(self) -> None:
        """Refuse a period outside the years a report may cover (a request's, not the arithmetic's:
        the period before January 2000 still exists for a comparison)."""
        if not FIRST_YEAR <= self.start.year <= LAST_YEAR:
            raise ValidationError({"period_start": years_message()})

    @classmethod
    def last_completed(cls, kind: str, today: date) -> Self:
        """The latest period of this kind that ended before today."""
        return cls.containing(kind, today).previous()

    @property
    def months(self) -> int:
        return MONTHS_IN[PeriodKind(self.kind)]

    @property
    def end(self) -> date:
        return self.start + relativedelta(months=self.months) - timedelta(days=1)

    def previous(self) -> Self:
        return type(self)(self.kind, self.start - relativedelta(months=self.months))

    def year_before(self) -> Self:
        return type(self)(self.kind, self.start - relativedelta(years=1))

    def trend_months(self) -> list[date]:
        """First days of the 12 months ending with this period's last month."""
        last = date(self.end.year, self.end.month, 1)
        return [last - relativedelta(months=back) for back in range(11, -1, -1)]

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat()}

    def __str__(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.start:%Y}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start:%Y}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"
