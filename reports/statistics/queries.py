"""The federation's annual statistical report, computed by the database: one aggregate query for the
totals of the year and the year before, one query per table (centers, branch unions). Three queries
whatever the number of returns; the shares are derived from the sums, never summed themselves.

Which returns count: approved ones, and submitted ones not yet approved (flagged: the report says how
many, and their rows say "submitted"). Drafts and missing returns do not count.

Where the federation's figures come from. The published figures (DOMAIN.md) give the Almaty Region
center alone 17,087 collective agreements while the federation as a whole has 16,112, so the
federation's agreement figures cannot be a sum of the centers'. They are not the same count: a
center reports its territory, every agreement in force there, also those concluded by workers'
representatives other than a union (Labour Code), at enterprises of any affiliation; the federation
reports the agreements of its own member organizations, which its branch unions return. So:

- membership, primary and new organizations, enterprises and labor protection: sums of the centers'
  returns (every member belongs to one territory; the branch unions' returns would count some twice
  or miss the organizations affiliated to a center directly);
- collective agreements in force, concluded in the year, employees covered and union members among
  them: sums of the branch unions' returns;
- coverage (agreements % of enterprises) stays a territorial figure, from the centers' returns.

Both sums are stored in full (totals.centers, totals.branch_unions) and shown in the report, so
nothing is hidden; `federation` picks each figure from its source (FEDERATION_SOURCES).
"""

from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.db.models import Aggregate, Count, FilteredRelation, Q, Sum

from organizations.models import BranchUnion, TerritorialCenter

from ..queries import percent
from .models import AGREEMENT_FIGURES, RETURN_FIGURES, StatisticalReturn

COUNTED = StatisticalReturn.COUNTED_STATES
SUBMITTED = StatisticalReturn.State.SUBMITTED
SCOPES = {"centers": Q(center__isnull=False), "branch_unions": Q(branch_union__isnull=False)}
SHARES = ("member_share", "agreement_coverage", "covered_member_share")
DERIVED = ("total_enterprises", *SHARES)
# Every figure of a row, in the order the report shows them.
FIGURE_ORDER = (
    "members",
    "employed",
    "member_share",
    "primary_organizations",
    "new_primary_organizations",
    "new_organization_members",
    "total_enterprises",
    "large_enterprises",
    "medium_enterprises",
    "small_enterprises",
    "collective_agreements",
    "agreements_concluded",
    "employees_covered",
    "members_covered",
    "covered_member_share",
    "agreement_coverage",
    "labor_protection_councils",
    "technical_inspectors",
    "workplace_accidents",
    "vision_zero_enterprises",
)
# The federation's figure -> the scope whose sum it is (see the module's docstring).
FEDERATION_SOURCES = {
    figure: "branch_unions" if figure in (*AGREEMENT_FIGURES, "covered_member_share") else "centers"
    for figure in FIGURE_ORDER
}
COUNTS = ("returns", "submitted")


def _json_decimal(value: Decimal | None) -> str | None:
    # Decimals are stored as strings, as in the outcome reports: JSON numbers are floats to most readers.
    return None if value is None else str(value)


def derived(counts: dict[str, int]) -> dict[str, Any]:
    """The figures of a return or a sum of returns with the total of enterprises and the shares added."""
    # The model's properties are the one definition of the derived figures; this unsaved row only
    # carries the numbers to them.
    row = StatisticalReturn(**{figure: counts[figure] for figure in RETURN_FIGURES})
    return {figure: counts[figure] for figure in RETURN_FIGURES} | {
        "total_enterprises": row.total_enterprises,
        **{share: _json_decimal(getattr(row, share)) for share in SHARES},
    }


def change(now: int | str | None, then: int | str | None, *, share: bool = False) -> dict[str, Any]:
    """Absolute and percent change against the year before; a share's change is in points only."""
    if now is None or then is None:
        return {"earlier": then, "absolute": None, "percent": None}
    if share:
        return {"earlier": then, "absolute": _json_decimal(Decimal(now) - Decimal(then)), "percent": None}
    now, then = cast(int, now), cast(int, then)  # counted figures (not shares) are integers
    return {"earlier": then, "absolute": now - then, "percent": _json_decimal(percent(now - then, then))}


def changes(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        figure: change(current[figure], previous[figure], share=figure in SHARES) for figure in FIGURE_ORDER
    }


def year_totals(*, year: int) -> dict[str, dict[str, dict[str, int]]]:
    """Sums of the counted returns, per scope (centers, branch unions) and year (this one, the one
    before), with how many returns counted and how many of them are only submitted: one query."""
    years = {"current": year, "previous": year - 1}
    aggregates: dict[str, Aggregate] = {}
    for scope, in_scope in SCOPES.items():
        for when, which in years.items():
            condition = in_scope & Q(year=which)
            prefix = f"{scope}_{when}_"
            aggregates[f"{prefix}returns"] = Count("pk", filter=condition)
            aggregates[f"{prefix}submitted"] = Count("pk", filter=condition & Q(state=SUBMITTED))
            for figure in RETURN_FIGURES:
                aggregates[prefix + figure] = Sum(figure, filter=condition, default=0)
    row = StatisticalReturn.objects.counted().filter(year__in=years.values()).aggregate(**aggregates)
    return {
        scope: {
            when: {name: row[f"{scope}_{when}_{name}"] for name in (*COUNTS, *RETURN_FIGURES)}
            for when in years
        }
        for scope in SCOPES
    }


def _scope_rows(model, *, year: int, order_by: str) -> list[dict[str, Any]]:
    """Every center (or branch union), with its return of the year if any and last year's members: one
    query (LEFT JOINs on the year's and the year before's return)."""
    current = FilteredRelation("statistical_returns", condition=Q(statistical_returns__year=year))
    previous = FilteredRelation(
        "statistical_returns",
        condition=Q(statistical_returns__year=year - 1, statistical_returns__state__in=COUNTED),
    )
    columns = ("pk", "code", "name_en", "name_ru", "name_kk", "current__state", "previous__members")
    rows = (
        model.objects.annotate(current=current, previous=previous)
        .order_by(order_by)
        .values(*columns, *(f"current__{figure}" for figure in RETURN_FIGURES))
    )
    result = []
    for row in rows:
        counted = row["current__state"] in COUNTED
        figures = (
            derived({figure: row[f"current__{figure}"] for figure in RETURN_FIGURES}) if counted else None
        )
        members_then = row["previous__members"]
        result.append(
            {
                "id": row["pk"],
                "code": row["code"],
                "state": row["current__state"],  # None: no return for the year
                "counted": counted,
                "figures": figures,
                "members_change": change(figures["members"] if figures else None, members_then),
                # Stored with the figures, so an old snapshot still reads as it did when it was built.
                "names": {language: row[f"name_{language}"] for language in ("en", "ru", "kk")},
            }
        )
    return result


def _returns_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    states = [row["state"] for row in rows]
    return {
        "expected": len(rows),
        "approved": states.count(StatisticalReturn.State.APPROVED),
        "submitted": states.count(SUBMITTED),
        "missing": [row["code"] for row in rows if not row["counted"]],
    }


def report_figures(*, year: int, as_of: datetime) -> dict[str, Any]:
    """Every figure of the federation's annual report for `year`, ready to store as JSON: three queries."""
    sums = year_totals(year=year)
    totals = {scope: derived(sums[scope]["current"]) for scope in SCOPES}
    previous = {scope: derived(sums[scope]["previous"]) for scope in SCOPES}
    by_center = _scope_rows(TerritorialCenter, year=year, order_by="iso_code")
    by_branch_union = _scope_rows(BranchUnion, year=year, order_by="code")
    federation = {figure: totals[FEDERATION_SOURCES[figure]][figure] for figure in FIGURE_ORDER}
    federation_previous = {figure: previous[FEDERATION_SOURCES[figure]][figure] for figure in FIGURE_ORDER}
    returns = {"centers": _returns_summary(by_center), "branch_unions": _returns_summary(by_branch_union)}
    return {
        "year": year,
        "previous_year": year - 1,
        "as_of": as_of.isoformat(),
        "returns": returns,
        "previous_returns": {scope: sums[scope]["previous"]["returns"] for scope in SCOPES},
        # Provisional: some counted return is not approved yet, or some return is missing.
        "provisional": any(part["submitted"] or part["missing"] for part in returns.values()),
        "sources": FEDERATION_SOURCES,
        "federation": federation,
        "federation_previous": federation_previous,
        "federation_changes": changes(federation, federation_previous),
        "totals": totals,
        "previous_totals": previous,
        "changes": {scope: changes(totals[scope], previous[scope]) for scope in SCOPES},
        "by_center": by_center,
        "by_branch_union": by_branch_union,
    }
