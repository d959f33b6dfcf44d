"""The bare SQL floor of a report: hand-written SQL (cursor.execute) computing the counts a report shows,
with as few scans as PostgreSQL needs, and a check that they equal the report's figures.

One scan of the applications gives the totals and every breakdown (GROUPING SETS); one more the
earlier periods of the comparison; one the 12-month trend (per day, added up into months); one each
the visits, the disputes, the prevented disputes and the labels. No ORM, no JSON, no transaction
bookkeeping: what is left is what the database has to do.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from reports.periods import Period
from reports.queries import OUTCOME_FIGURES, cut_off

CENT = Decimal("0.01")
COUNTERS = ("received", "decided", *OUTCOME_FIGURES, "pending", "overdue")
BREAKDOWN_COLUMNS = {
    "by_service": "service_id",
    "by_topic": "topic_id",
    "by_kind": "kind_id",
    "by_channel": "channel_id",
    "by_center": "center_id",
}


def _counters(prefix: str = "", *, full: bool = True) -> str:
    """FILTERed counts of the period %(<prefix>start)s..%(<prefix>end)s, open ones at %(<prefix>open_on)s."""
    start, end, open_on = f"%({prefix}start)s", f"%({prefix}end)s", f"%({prefix}open_on)s"
    decided = f"a.decided_on BETWEEN {start} AND {end}"
    pending = f"a.received_on <= {open_on} AND (a.decided_on IS NULL OR a.decided_on > {open_on})"
    columns = [
        f"count(*) FILTER (WHERE a.received_on BETWEEN {start} AND {end}) AS {prefix}received",
        f"count(*) FILTER (WHERE {decided}) AS {prefix}decided",
    ]
    outcomes = (
        OUTCOME_FIGURES if full else {"satisfied": "satisfied", "partially_satisfied": "partially_satisfied"}
    )
    columns += [
        f"count(*) FILTER (WHERE {decided} AND a.outcome_id = '{code}') AS {prefix}{name}"
        for name, code in outcomes.items()
    ]
    if full:
        columns += [
            f"count(*) FILTER (WHERE {pending}) AS {prefix}pending",
            f"count(*) FILTER (WHERE {pending} AND a.due_on < {open_on}) AS {prefix}overdue",
            f"COALESCE(sum(a.recovered_kzt) FILTER (WHERE {decided}), 0) AS {prefix}recovered_kzt",
        ]
    return ",\n  ".join(columns)


# The columns the counts read. The rows that can count (received by the end, not decided before the
# start) in two disjoint parts, each a range of an index: the cases open today (a partial index holding
# these columns) and the cases decided since the start.
COUNTED = (
    "service_id, topic_id, kind_id, channel_id, center_id, received_on, decided_on, due_on, outcome_id, "
    "recovered_kzt"
)


def _center(center_id: int | None, alias: str = "") -> str:
    column = f"{alias}.center_id" if alias else "center_id"
    return "" if center_id is None else f" AND {column} = %(center_id)s"


def _fetch(sql: str, params: dict) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def floor_figures(*, center_id: int | None, period: Period, as_of: datetime) -> dict[str, Any]:
    """The report's counts by hand-written SQL (7 statements), in the report's shape where they overlap."""
    open_on = cut_off(period, as_of)
    params: dict[str, Any] = {
        "center_id": center_id,
        "start": period.start,
        "end": period.end,
        "open_on": open_on,
    }
    dimensions = ["service_id", "topic_id", "kind_id", "channel_id"] + (
        ["center_id"] if center_id is None else []
    )
    block = "CASE " + " ".join(
        f"WHEN GROUPING(a.{column}) = 0 THEN '{name}'"
        for name, column in BREAKDOWN_COLUMNS.items()
        if column in dimensions
    )
    rows = _fetch(
        f"""SELECT {block} ELSE 'totals' END AS block,
  COALESCE({", ".join(f"a.{column}::text" for column in dimensions)}) AS key,
  {_counters()}
FROM (
  SELECT {COUNTED} FROM clinic_application
  WHERE decided_on IS NULL AND received_on <= %(end)s{_center(center_id)}
  UNION ALL
  SELECT {COUNTED} FROM clinic_application
  WHERE decided_on >= %(start)s AND received_on <= %(end)s{_center(center_id)}
) a
GROUP BY GROUPING SETS ((), {", ".join(f"(a.{column})" for column in dimensions)})""",
        params,
    )
    figures: dict[str, Any] = {
        "totals": {},
        **{name: {} for name, column in BREAKDOWN_COLUMNS.items() if column in dimensions},
    }
    for row in rows:
        counters = {name: row[name] for name in COUNTERS} | {
            "recovered_kzt": str(row["recovered_kzt"].quantize(CENT))
        }
        if row["block"] == "totals":
            figures["totals"] = counters
        else:
            figures[row["block"]][row["key"]] = counters

    # The comparison: received, decided and positive of the period before and of a year before, one
    # statement over the rows received or decided in either (index ranges, not the months between).
    previous, year_before = period.previous(), period.year_before()
    for prefix, earlier in (("p_", previous), ("y_", year_before)):
        params |= {f"{prefix}start": earlier.start, f"{prefix}end": earlier.end}
    (row,) = _fetch(
        f"""SELECT {_counters("p_", full=False)},
  {_counters("y_", full=False)}
FROM clinic_application a
WHERE (a.received_on BETWEEN %(p_start)s AND %(p_end)s OR a.decided_on BETWEEN %(p_start)s AND %(p_end)s
    OR a.received_on BETWEEN %(y_start)s AND %(y_end)s OR a.decided_on BETWEEN %(y_start)s AND %(y_end)s)
  {_center(center_id, "a")}""",
        params,
    )
    figures["comparison"] = {
        key: {
            "received": row[f"{prefix}received"],
            "decided": row[f"{prefix}decided"],
            "positive": row[f"{prefix}satisfied"] + row[f"{prefix}partially_satisfied"],
        }
        for key, prefix in (("previous", "p_"), ("year_before", "y_"))
    }

    # The trend: counted per day (a date column groups without a function call per row), months here.
    months = period.trend_months()
    params["first"] = months[0]
    days = _fetch(
        f"""SELECT received_on AS day, count(*) AS received, 0 AS positive FROM clinic_application
  WHERE received_on BETWEEN %(first)s AND %(end)s{_center(center_id)} GROUP BY 1
UNION ALL
SELECT decided_on, 0, count(*) FROM clinic_application
  WHERE decided_on BETWEEN %(first)s AND %(end)s
    AND outcome_id IN ('satisfied', 'partially_satisfied'){_center(center_id)}
  GROUP BY 1""",
        params,
    )
    by_month = {month: {"received": 0, "positive": 0} for month in months}
    for row in days:
        counts = by_month[row["day"].replace(day=1)]
        counts["received"] += row["received"]
        counts["positive"] += row["positive"]
    figures["trend"] = [{"month": month.strftime("%Y-%m"), **counts} for month, counts in by_month.items()]

    zone = timezone.get_current_timezone()
    params["since"] = timezone.make_aware(datetime.combine(period.start, time.min), zone)
    params["until"] = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min), zone)
    (visits,) = _fetch(
        f"""SELECT count(*) AS visits, count(DISTINCT person_id) AS visitors FROM clinic_visit
WHERE visited_at >= %(since)s AND visited_at < %(until)s{_center(center_id)}""",
        params,
    )
    figures |= visits

    (disputes,) = _fetch(
        f"""SELECT
  count(*) FILTER (WHERE opened_on BETWEEN %(start)s AND %(end)s) AS opened,
  count(*) FILTER (WHERE opened_on BETWEEN %(start)s AND %(end)s AND kind = 'collective')
    AS opened_collective,
  count(*) FILTER (WHERE resolved_on BETWEEN %(start)s AND %(end)s) AS resolved,
  count(*) FILTER (WHERE resolved_on BETWEEN %(start)s AND %(end)s AND result = 'in_favor') AS in_favor,
  count(*) FILTER (WHERE resolved_on BETWEEN %(start)s AND %(end)s AND result = 'partly') AS partly,
  count(*) FILTER (WHERE resolved_on BETWEEN %(start)s AND %(end)s AND result = 'not_in_favor')
    AS not_in_favor,
  COALESCE(sum(workers_affected) FILTER (WHERE opened_on BETWEEN %(start)s AND %(end)s), 0)
    AS workers_affected,
  COALESCE(sum(recovered_kzt) FILTER (WHERE resolved_on BETWEEN %(start)s AND %(end)s), 0) AS recovered_kzt
FROM clinic_labordispute
WHERE (opened_on BETWEEN %(start)s AND %(end)s OR resolved_on BETWEEN %(start)s AND %(end)s)
  {_center(center_id)}""",
        params,
    )
    figures["disputes"] = {
        "opened": disputes["opened"],
        "opened_collective": disputes["opened_collective"],
        "workers_affected": disputes["workers_affected"],
        "resolved": disputes["resolved"],
        "by_result": {name: disputes[name] for name in ("in_favor", "partly", "not_in_favor")},
        "recovered_kzt": str(disputes["recovered_kzt"].quantize(CENT)),
    }

    (prevented,) = _fetch(
        f"""SELECT count(*) AS disputes, count(DISTINCT employer_id) AS organizations,
  COALESCE(sum(workers_affected), 0) AS workers_affected
FROM clinic_preventeddispute WHERE prevented_on BETWEEN %(start)s AND %(end)s{_center(center_id)}""",
        params,
    )
    figures["prevented"] = prevented

    # The names the report stores with its figures (not counts, but part of the work).
    _fetch(
        f"""SELECT 'service', code, name_en, name_ru, name_kk FROM clinic_service
UNION ALL SELECT 'topic', code, name_en, name_ru, name_kk FROM clinic_topic
UNION ALL SELECT 'kind', code, name_en, name_ru, name_kk FROM clinic_applicationkind
UNION ALL SELECT 'channel', code, name_en, name_ru, name_kk FROM clinic_channel
UNION ALL SELECT 'center', id::text, name_en, name_ru, name_kk FROM organizations_territorialcenter
WHERE TRUE{"" if center_id is None else " AND id = %(center_id)s"}""",
        params,
    )
    return figures


def mismatches(report: dict[str, Any], floor: dict[str, Any]) -> list[str]:
    """Where the report's stored figures differ from the floor's: empty when they compute the same counts."""
    problems: list[str] = []

    def check(path: str, expected: Any, actual: Any) -> None:
        if expected != actual:
            problems.append(f"{path}: report {actual!r}, SQL {expected!r}")

    for name in ("received", "decided", *OUTCOME_FIGURES, "pending", "overdue", "recovered_kzt"):
        check(f"totals.{name}", floor["totals"].get(name, 0 if name != "recovered_kzt" else "0.00"),
              report["totals"][name])  # fmt: skip
    for block in BREAKDOWN_COLUMNS:
        if block not in floor:
            continue
        for key in set(floor[block]) | set(report.get(block, {})):
            counters = floor[block].get(key)
            stored = report.get(block, {}).get(key)
            for name in (*COUNTERS, "recovered_kzt"):
                zero = "0.00" if name == "recovered_kzt" else 0
                check(
                    f"{block}.{key}.{name}",
                    counters[name] if counters else zero,
                    stored[name] if stored else zero,
                )
    for key in ("previous", "year_before"):
        changes = report["comparison"][key]["changes"]
        for name in ("received", "decided", "positive"):
            check(f"comparison.{key}.{name}", floor["comparison"][key][name], changes[name]["earlier"])
    check("trend", floor["trend"], report["trend"])
    for name in ("visits", "visitors"):
        check(name, floor[name], report[name])
    check("disputes", floor["disputes"], report["disputes"])
    check("prevented", floor["prevented"], report["prevented"])
    return problems
