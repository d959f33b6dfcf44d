"""The figures of a report, computed by the database: a fixed number of aggregate queries whatever the
number of rows. The totals and every breakdown come from one query grouped by all the breakdown
columns at once (the cells), added up here: a few thousand groups at most, one scan of the period's
applications instead of one per breakdown. application_totals and application_breakdown remain, one
query each, for pages that show a single block.

Access is not checked here: a report is computed for its whole scope, and who may request or read it
is decided by reports.rules and Report.objects.visible_to.
"""

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.db import connection, connections
from django.db.models import CharField, Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast
from django.utils import timezone

from clinic.models import (
    Application,
    ApplicationKind,
    Channel,
    LaborDispute,
    Outcome,
    PreventedDispute,
    Service,
    Topic,
    Visit,
)
from organizations.models import TerritorialCenter
from organizations.querysets import CenterScopedQuerySet

from .periods import Period

# Figure name -> outcome code, counted among the applications decided in the period.
OUTCOME_FIGURES = {
    "satisfied": Outcome.SATISFIED,
    "partially_satisfied": Outcome.PARTIALLY_SATISFIED,
    "rejected": Outcome.REJECTED,
    "explained": Outcome.EXPLAINED,
    "withdrawn": Outcome.WITHDRAWN,
    "referred": Outcome.REFERRED,
}
# DOMAIN.md: "Positive result" in reports = satisfied + partially satisfied.
POSITIVE_OUTCOMES = (Outcome.SATISFIED, Outcome.PARTIALLY_SATISFIED)
SERVICES = (Service.PUBLIC_RECEPTION, Service.LEGAL_CLINIC, Service.PREVENTION_CENTER)
COUNTERS = ("received", "decided", *OUTCOME_FIGURES, "positive", "positive_rate", "pending", "overdue")
COMPARED = ("received", "decided", "positive", "positive_rate")
BREAKDOWNS = {
    "by_service": "service_id",
    "by_topic": "topic_id",
    "by_kind": "kind_id",
    "by_channel": "channel_id",
}
DISPUTE_RESULTS = tuple(LaborDispute.Result.values)
ZERO = Decimal(0)
TENTH = Decimal("0.1")
CENT = Decimal("0.01")


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole in percent, rounded to 0.1; None when there is no whole to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _json_decimal(value: Decimal | None) -> str | None:
    # Decimals are stored as strings: JSON numbers are floats to most readers.
    return None if value is None else str(value)


def _money(value: Decimal | None) -> str:
    return str((value or ZERO).quantize(CENT))


def _day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """The aware datetimes [start 00:00, end + 1 day 00:00) in the local zone, for timestamp columns."""
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), zone),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone),
    )


CenterScopedQuerySetT = TypeVar("CenterScopedQuerySetT", bound=CenterScopedQuerySet)


def _scoped(queryset: CenterScopedQuerySetT, center_id: int | None) -> CenterScopedQuerySetT:
    """Rows of one center (its offices included: they carry the center), or of every center."""
    return queryset if center_id is None else queryset.of_center(center_id)


def _application_counters(period: Period, open_on: date) -> dict[str, Any]:
    """Conditional aggregates of the application counters for one period."""
    received = Q(received_on__gte=period.start, received_on__lte=period.end)
    decided = Q(decided_on__gte=period.start, decided_on__lte=period.end)
    # Open at the cut-off: received by then and not decided by then (a later decision does not count).
    pending = Q(received_on__lte=open_on) & (Q(decided_on__isnull=True) | Q(decided_on__gt=open_on))
    # COUNT(received_on) (never null), not COUNT(id): the index of the open cases holds no id.
    return {
        "received": Count("received_on", filter=received),
        "decided": Count("received_on", filter=decided),
        **{
            name: Count("received_on", filter=decided & Q(outcome_id=code))
            for name, code in OUTCOME_FIGURES.items()
        },
        "pending": Count("received_on", filter=pending),
        "overdue": Count("received_on", filter=pending & Q(due_on__lt=open_on)),
        "recovered_kzt": Sum("recovered_kzt", filter=decided, default=ZERO),
    }


def _counted(center_id: int | None, period: Period, open_on: date, fields: list[str]) -> list[dict[str, Any]]:
    """The counters of the period grouped by `fields`, from the only rows that can count: received by the
    end and not decided before the start. Received or decided in the period, or open at the cut-off
    (never after the end), all satisfy this. One statement of two parts, each a range of an index, so
    that the cost follows the period's rows and the open cases, not the table's: the cases open today
    (a partial index holding every column counted, read without the table) and the cases decided since
    the start (the index on decided_on). A group may come from both parts: the callers add them up."""
    counters = _application_counters(period, open_on)
    applications = (
        _scoped(Application.objects.all(), center_id).filter(received_on__lte=period.end).order_by()
    )
    open_now = applications.filter(decided_on__isnull=True).values(*fields).annotate(**counters)
    decided_since = applications.filter(decided_on__gte=period.start).values(*fields).annotate(**counters)
    return _rows(open_now.union(decided_since, all=True))


def _rows(queryset: QuerySet) -> list[dict[str, Any]]:
    """The rows of a `.values()` query as dictionaries. On PostgreSQL straight from the cursor: psycopg
    gives the counts as int and the sums as Decimal already, and Django's converters of a few thousand
    cells of a dozen counters cost more than reading them (SQLite needs them, for the decimals)."""
    if connection.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:  # where the router reads (core.db: a replica)
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _finish_counters(row: dict[str, Any]) -> dict[str, Any]:
    """Add the derived figures (positive, positive rate) and make the row JSON-safe."""
    positive = row["satisfied"] + row["partially_satisfied"]
    counters = {name: row[name] for name in COUNTERS if name not in ("positive", "positive_rate")}
    counters["positive"] = positive
    counters["positive_rate"] = _json_decimal(percent(positive, row["decided"]))
    counters["recovered_kzt"] = _money(row["recovered_kzt"])
    return counters


def cut_off(period: Period, as_of: datetime) -> date:
    """The day at whose end open cases are counted: the period's end, or today for a running period."""
    return min(period.end, timezone.localdate(as_of))


def application_totals(*, center_id: int | None, period: Period, as_of: datetime) -> dict[str, Any]:
    """Received, decided, outcomes, positive, pending and overdue applications: one query."""
    rows = _counted(center_id, period, cut_off(period, as_of), ["center_id"])
    return _finish_counters(_roll_up(rows, [])[None].get(None) or _zero_row())


def application_breakdown(
    *, center_id: int | None, period: Period, as_of: datetime, field: str
) -> dict[str, dict[str, Any]]:
    """The same counters grouped by one column (service, topic, kind, channel, center): one query."""
    rows = _counted(center_id, period, cut_off(period, as_of), [field])
    return {str(key): _finish_counters(row) for key, row in _roll_up(rows, [field])[field].items()}


def application_rollup(
    *, center_id: int | None, period: Period, as_of: datetime, fields: list[str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """The totals (key "totals") and the counters by each of `fields`: one query for all of them."""
    sums = _roll_up(_counted(center_id, period, cut_off(period, as_of), fields), fields)
    result = {"totals": _finish_counters(sums[None].get(None) or _zero_row())}
    for field in fields:
        result[field] = {str(key): _finish_counters(row) for key, row in sums[field].items()}
    return result


def visit_figures(*, center_id: int | None, period: Period) -> dict[str, int]:
    """Visits at the reception and distinct persons who came: one query."""
    since, until = _day_range(period.start, period.end)
    # The range in WHERE, not only in the aggregates' FILTER: an index finds the period's visits.
    return (
        _scoped(Visit.objects.all(), center_id)
        .filter(visited_at__gte=since, visited_at__lt=until)
        .aggregate(visits=Count("pk"), visitors=Count("person_id", distinct=True))
    )


def dispute_figures(*, center_id: int | None, period: Period) -> dict[str, Any]:
    """Labor disputes opened and resolved in the period, by result, and the money recovered: one query."""
    opened = Q(opened_on__gte=period.start, opened_on__lte=period.end)
    resolved = Q(resolved_on__gte=period.start, resolved_on__lte=period.end)
    row = (
        _scoped(LaborDispute.objects.all(), center_id)
        .filter(opened | resolved)
        .aggregate(
            opened=Count("pk", filter=opened),
            opened_collective=Count("pk", filter=opened & Q(kind=LaborDispute.Kind.COLLECTIVE)),
            resolved=Count("pk", filter=resolved),
            **{result: Count("pk", filter=resolved & Q(result=result)) for result in DISPUTE_RESULTS},
            workers_affected=Sum("workers_affected", filter=opened, default=0),
            recovered_kzt=Sum("recovered_kzt", filter=resolved, default=ZERO),
        )
    )
    return {
        "opened": row["opened"],
        "opened_collective": row["opened_collective"],
        "workers_affected": row["workers_affected"],
        "resolved": row["resolved"],
        "by_result": {result: row[result] for result in DISPUTE_RESULTS},
        "recovered_kzt": _money(row["recovered_kzt"]),
    }


def prevented_figures(*, center_id: int | None, period: Period) -> dict[str, int]:
    """Disputes prevented by monitoring and the number of organizations concerned: one query."""
    return (
        _scoped(PreventedDispute.objects.all(), center_id)
        .filter(prevented_on__gte=period.start, prevented_on__lte=period.end)
        .aggregate(
            disputes=Count("pk"),
            organizations=Count("employer_id", distinct=True),
            workers_affected=Sum("workers_affected", default=0),
        )
    )


def monthly_trend(*, center_id: int | None, period: Period) -> list[dict[str, Any]]:
    """Received and positive applications per month for the 12 months ending with the period: one query."""
    # Received counts by day of receipt and positive by day of decision, as in the report itself: two
    # groupings, joined with UNION ALL into one statement. Grouped by the date column itself (at most
    # 366 rows each) and added up into months here: truncating every row's date to its month in SQL
    # costs more than reading the rows. COUNT(*), not COUNT(id): an index on the date covers it.
    months = period.trend_months()
    first, last = months[0], period.end
    applications = _scoped(Application.objects.all(), center_id).order_by()
    received = (
        applications.filter(received_on__gte=first, received_on__lte=last)
        .values(day=F("received_on"))
        .annotate(received=Count("*"), positive=Value(0, output_field=IntegerField()))
    )
    positive = (
        applications.filter(decided_on__gte=first, decided_on__lte=last, outcome_id__in=POSITIVE_OUTCOMES)
        .values(day=F("decided_on"))
        .annotate(received=Value(0, output_field=IntegerField()), positive=Count("*"))
    )
    by_month = {month: {"received": 0, "positive": 0} for month in months}
    for day, received_count, positive_count in received.union(positive, all=True).values_list(
        "day", "received", "positive"
    ):
        counts = by_month[day.replace(day=1)]
        counts["received"] += received_count
        counts["positive"] += positive_count
    return [{"month": month.strftime("%Y-%m"), **counts} for month, counts in by_month.items()]


def labels(*, center_id: int | None) -> dict[str, dict[str, dict[str, str]]]:
    """Names (en, ru, kk) of the reference codes and centers a report shows: one UNION query."""
    # Stored with the figures, so that an old snapshot still reads as it did when it was built.
    columns = ("group", "key", "name_en", "name_ru", "name_kk")
    references = {"service": Service, "topic": Topic, "kind": ApplicationKind, "channel": Channel}
    queries: list[QuerySet[Any, Any]] = [  # rows of `columns`, of models of their own
        model._default_manager.order_by()
        .annotate(group=Value(group, output_field=CharField()), key=Cast("code", CharField()))
        .values_list(*columns)
        for group, model in references.items()
    ]
    centers = TerritorialCenter.objects.order_by()
    if center_id is not None:
        centers = centers.filter(pk=center_id)
    queries.append(
        centers.annotate(
            group=Value("center", output_field=CharField()), key=Cast("pk", CharField())
        ).values_list(*columns)
    )
    result: dict[str, dict[str, dict[str, str]]] = {group: {} for group in (*references, "center")}
    for group, key, name_en, name_ru, name_kk in queries[0].union(*queries[1:], all=True):
        result[group][key] = {"en": name_en, "ru": name_ru, "kk": name_kk}
    return result


def _compare(current: dict[str, Any], earlier: dict[str, Any]) -> dict[str, dict[str, str | int | None]]:
    """Absolute and percent change of the compared figures (the rate's absolute change is in points)."""
    changes = {}
    for name in COMPARED:
        now, then = current[name], earlier[name]
        if name == "positive_rate":
            now, then = (None if now is None else Decimal(now)), (None if then is None else Decimal(then))
        if now is None or then is None:
            changes[name] = {"earlier": _json_value(then), "absolute": None, "percent": None}
            continue
        changes[name] = {
            "earlier": _json_value(then),
            "absolute": _json_value(now - then),
            "percent": _json_decimal(percent(now - then, then)),
        }
    return changes


def _json_value(value: int | Decimal | None) -> int | str | None:
    return _json_decimal(value) if isinstance(value, Decimal) else value


SUMMED = ("received", "decided", *OUTCOME_FIGURES, "pending", "overdue", "recovered_kzt")


def application_cells(*, center_id: int | None, period: Period, as_of: datetime) -> list[dict[str, Any]]:
    """The counters per combination of service, topic, kind and channel (and center, for the federation):
    one query. Every counter is a sum, so the totals and each breakdown add up from these cells."""
    fields = [*BREAKDOWNS.values(), *(["center_id"] if center_id is None else [])]
    return _counted(center_id, period, cut_off(period, as_of), fields)


def _roll_up(cells: list[dict[str, Any]], fields: list[str]) -> dict[str | None, dict[Any, dict[str, Any]]]:
    """The cells' counters summed by each of the columns, and by None: all cells together."""
    # Column sums of each group's rows (sum over zip): a few thousand cells in milliseconds.
    counters = [tuple(cell[name] for name in SUMMED) for cell in cells]
    result: dict[str | None, dict[Any, dict[str, Any]]] = {}
    for field in (None, *fields):
        groups: dict[Any, list[tuple]] = {}
        for cell, values in zip(cells, counters, strict=True):
            groups.setdefault(cell[field] if field else None, []).append(values)
        result[field] = {
            key: dict(zip(SUMMED, map(sum, zip(*rows, strict=True)), strict=True))
            for key, rows in sorted(groups.items())
        }
    return result


def _compared_counters(prefix: str, period: Period) -> dict[str, Count]:
    decided = Q(decided_on__gte=period.start, decided_on__lte=period.end)
    return {
        f"{prefix}received": Count(
            "pk", filter=Q(received_on__gte=period.start, received_on__lte=period.end)
        ),
        f"{prefix}decided": Count("pk", filter=decided),
        f"{prefix}positive": Count("pk", filter=decided & Q(outcome_id__in=POSITIVE_OUTCOMES)),
    }


def compared_totals(*, center_id: int | None, periods: list[Period]) -> list[dict[str, Any]]:
    """Received, decided, positive and the positive rate of earlier periods, all in one query."""
    counters: dict[str, Count] = {}
    for index, period in enumerate(periods):
        counters |= _compared_counters(f"p{index}_", period)
    # Only rows received or decided in one of the periods count: ranges the indexes on received_on and
    # decided_on find without reading the months in between.
    rows = Q()
    for period in periods:
        rows |= Q(received_on__gte=period.start, received_on__lte=period.end)
        rows |= Q(decided_on__gte=period.start, decided_on__lte=period.end)
    row = _scoped(Application.objects.all(), center_id).filter(rows).aggregate(**counters)
    return [
        {
            "received": row[f"p{index}_received"],
            "decided": row[f"p{index}_decided"],
            "positive": row[f"p{index}_positive"],
            "positive_rate": _json_decimal(percent(row[f"p{index}_positive"], row[f"p{index}_decided"])),
        }
        for index in range(len(periods))
    ]


def report_figures(*, center_id: int | None, period: Period, as_of: datetime) -> dict[str, Any]:
    """Every figure of a report for a scope and period, ready to store as JSON."""
    # A fixed number of queries, one scan of the applications each: the cells (totals and every
    # breakdown), the earlier periods of the comparison, the trend; then visits, disputes, prevented
    # disputes and the labels.
    columns = [*BREAKDOWNS.values(), *(["center_id"] if center_id is None else [])]
    sums = _roll_up(application_cells(center_id=center_id, period=period, as_of=as_of), columns)
    totals = _finish_counters(sums[None].get(None) or _zero_row())
    previous, year_before = period.previous(), period.year_before()
    figures: dict[str, Any] = {
        "scope": {"center_id": center_id},
        "period": period.as_dict(),
        "open_on": cut_off(period, as_of).isoformat(),
        "totals": totals,
    }
    for name, field in BREAKDOWNS.items():
        figures[name] = {str(key): _finish_counters(row) for key, row in sums[field].items()}
    for code in SERVICES:  # the three services always appear, if only with zeros
        figures["by_service"].setdefault(code, _finish_counters(_zero_row()))
    if center_id is None:
        figures["by_center"] = {str(key): _finish_counters(row) for key, row in sums["center_id"].items()}
    figures |= visit_figures(center_id=center_id, period=period)
    figures["disputes"] = dispute_figures(center_id=center_id, period=period)
    figures["prevented"] = prevented_figures(center_id=center_id, period=period)
    figures["money"] = {
        "applications_kzt": totals["recovered_kzt"],
        "disputes_kzt": figures["disputes"]["recovered_kzt"],
        "total_kzt": _money(Decimal(totals["recovered_kzt"]) + Decimal(figures["disputes"]["recovered_kzt"])),
    }
    earlier = compared_totals(center_id=center_id, periods=[previous, year_before])
    figures["comparison"] = {
        key: {"period": each.as_dict(), "changes": _compare(totals, counters)}
        for (key, each), counters in zip(
            (("previous", previous), ("year_before", year_before)), earlier, strict=True
        )
    }
    figures["trend"] = monthly_trend(center_id=center_id, period=period)
    figures["labels"] = labels(center_id=center_id)
    return figures


def _zero_row() -> dict[str, Any]:
    return {name: 0 for name in ("received", "decided", *OUTCOME_FIGURES, "pending", "overdue")} | {
        "recovered_kzt": ZERO
    }
