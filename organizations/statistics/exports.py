"""The federation's annual statistical report as a file: CSV, XLSX (with a native bar chart) or a
printable HTML page with SVG charts, the same three exports as the outcome reports (reports.exports),
built with their helpers and charts. Everything is read from the stored figures: no aggregate query."""

import csv
import io
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from organizations.models import StatisticalReport
from reports import charts
from reports.exports import XLSX_TYPE, ExportFile, autosize, write_table

from .queries import FIGURE_ORDER, SHARES

FIGURE_NAMES = {
    "members": gettext_lazy("Union members"),
    "employed": gettext_lazy("Employed"),
    # xgettext:no-python-format
    "member_share": gettext_lazy("Union members, % of the employed"),
    "primary_organizations": gettext_lazy("Primary organizations"),
    "new_primary_organizations": gettext_lazy("New primary organizations"),
    "new_organization_members": gettext_lazy("Members of the new organizations"),
    "total_enterprises": gettext_lazy("Enterprises"),
    "large_enterprises": gettext_lazy("large"),
    "medium_enterprises": gettext_lazy("medium"),
    "small_enterprises": gettext_lazy("small"),
    "collective_agreements": gettext_lazy("Collective agreements in force"),
    "agreements_concluded": gettext_lazy("of them concluded in the year"),
    "employees_covered": gettext_lazy("Employees covered by collective agreements"),
    "members_covered": gettext_lazy("of them union members"),
    "covered_member_share": gettext_lazy("Union members among the covered, %"),
    # xgettext:no-python-format
    "agreement_coverage": gettext_lazy("Coverage: collective agreements, % of enterprises"),
    "labor_protection_councils": gettext_lazy("Labor-protection councils"),
    "technical_inspectors": gettext_lazy("Technical labor inspectors"),
    "workplace_accidents": gettext_lazy("Workplace accidents"),
    "vision_zero_enterprises": gettext_lazy("Enterprises in the Vision Zero program"),
}
SOURCE_NAMES = {
    "centers": gettext_lazy("territorial centers' returns"),
    "branch_unions": gettext_lazy("branch unions' returns"),
}
STATE_NAMES = {
    "approved": gettext_lazy("approved"),
    "submitted": gettext_lazy("submitted, not yet approved"),
    "draft": gettext_lazy("draft (not counted)"),
    None: gettext_lazy("no return (not counted)"),
}
# The columns of the tables of centers and branch unions.
CENTER_COLUMNS = (
    "members",
    "member_share",
    "primary_organizations",
    "new_primary_organizations",
    "new_organization_members",
    "total_enterprises",
    "collective_agreements",
    "agreements_concluded",
    "agreement_coverage",
    "employees_covered",
    "members_covered",
    "labor_protection_councils",
    "technical_inspectors",
    "workplace_accidents",
    "vision_zero_enterprises",
)
BRANCH_UNION_COLUMNS = (
    "members",
    "primary_organizations",
    "collective_agreements",
    "agreements_concluded",
    "employees_covered",
    "members_covered",
    "covered_member_share",
)


def _figures(report: StatisticalReport) -> dict[str, Any]:
    if report.state != StatisticalReport.State.DONE or not report.figures:
        raise ValueError(f"Statistical report {report.pk} has no built figures (state: {report.state}).")
    return report.figures


def _filename(report: StatisticalReport, extension: str) -> str:
    return f"statistics-federation-{report.year}.{extension}"


def _name(row: dict[str, Any]) -> str:
    """A center's or branch union's name in the active language, as stored with the figures."""
    names = row["names"]
    return names.get((get_language() or "en")[:2]) or names.get("en") or row["code"]


def _header(report: StatisticalReport, figures: dict[str, Any]) -> list[tuple[str, str]]:
    def moment(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    centers, branch_unions = figures["returns"]["centers"], figures["returns"]["branch_unions"]
    return [
        (_("Scope"), _("Federation (all centers)")),
        (_("Year"), str(report.year)),
        (
            _("Centers' returns counted"),
            _("%(approved)s approved, %(submitted)s submitted, %(missing)s missing of %(expected)s")
            % {**centers, "missing": len(centers["missing"])},
        ),
        (
            _("Branch unions' returns counted"),
            _("%(approved)s approved, %(submitted)s submitted, %(missing)s missing of %(expected)s")
            % {**branch_unions, "missing": len(branch_unions["missing"])},
        ),
        (_("Data as of"), moment(report.data_as_of)),
        (_("Built at"), moment(report.built_at)),
    ]


def _thousands(value: int) -> str:
    """Grouped as the page's language groups them (10,382 in English, 10 382 in Russian)."""
    return number_format(value, force_grouping=True)


def _decimal(value: str | None) -> str:
    """A stored percentage ("0.6", "-0.6") without its sign, with the language's decimal mark."""
    return number_format(Decimal(value.lstrip("-"))) if value else "—"


def headline(figures: dict[str, Any]) -> list[str]:
    """The report's key sentences, in the words of the federation's published reports."""
    federation, changes, year = figures["federation"], figures["federation_changes"], figures["year"]
    members = changes["members"]
    against = {"year": year - 1}
    if not members["absolute"]:
        trend = _("unchanged against %(year)s") % against
    else:
        change = {
            "count": _thousands(abs(members["absolute"])),
            "percent": _decimal(members["percent"]),
            **against,
        }
        if members["absolute"] > 0:
            trend = _("up %(count)s, or %(percent)s%%, against %(year)s") % change
        else:
            trend = _("down %(count)s, or %(percent)s%%, against %(year)s") % change
    return [
        _("Membership: %(members)s (%(share)s%% of the employed), %(trend)s.")
        % {
            "members": _thousands(federation["members"]),
            "share": _decimal(federation["member_share"]),
            "trend": trend,
        },
        _("%(count)s new primary organizations with %(members)s members.")
        % {
            "count": _thousands(federation["new_primary_organizations"]),
            "members": _thousands(federation["new_organization_members"]),
        },
        _(
            "%(agreements)s collective agreements, %(concluded)s of them concluded in %(year)s, covering "
            "%(covered)s employees of whom %(members)s union members."
        )
        % {
            "agreements": _thousands(federation["collective_agreements"]),
            "concluded": _thousands(federation["agreements_concluded"]),
            "year": year,
            "covered": _thousands(federation["employees_covered"]),
            "members": _thousands(federation["members_covered"]),
        },
    ]


def _federation_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "figure": figure,
            "name": FIGURE_NAMES[figure],
            "value": figures["federation"][figure],
            "change": figures["federation_changes"][figure],
            "source": SOURCE_NAMES[figures["sources"][figure]],
            "is_share": figure in SHARES,
        }
        for figure in FIGURE_ORDER
    ]


# CSV


def statistical_report_csv(report: StatisticalReport) -> ExportFile:
    """Every figure as one row (section, group, name, figure, value): easy to filter and pivot."""
    figures = _figures(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "group", "name", "figure", "value"])
    for name, value in _header(report, figures):
        writer.writerow(["report", "", "", name, value])
    for figure in FIGURE_ORDER:
        writer.writerow(["federation", figures["sources"][figure], "", figure, figures["federation"][figure]])
        for part, value in figures["federation_changes"][figure].items():
            writer.writerow(["federation_change", figures["previous_year"], "", f"{figure}.{part}", value])
    for scope, totals in figures["totals"].items():
        for figure in FIGURE_ORDER:
            writer.writerow([f"totals.{scope}", "", "", figure, totals[figure]])
    for section, key in (("by_center", "by_center"), ("by_branch_union", "by_branch_union")):
        for row in figures[key]:
            writer.writerow([section, row["code"], _name(row), "state", row["state"] or ""])
            for figure in FIGURE_ORDER if row["figures"] else ():
                writer.writerow([section, row["code"], _name(row), figure, row["figures"][figure]])
            for part, value in row["members_change"].items():
                writer.writerow([section, row["code"], _name(row), f"members.{part}", value])
    # With a byte-order mark Excel reads the Cyrillic names as UTF-8.
    return ExportFile(
        buffer.getvalue().encode("utf-8-sig"), _filename(report, "csv"), "text/csv; charset=utf-8"
    )


# XLSX


def _scope_table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[list[Any]]:
    return [
        [
            row["code"],
            _name(row),
            str(STATE_NAMES[row["state"]]),
            *[row["figures"][figure] if row["figures"] else None for figure in columns],
        ]
        for row in rows
    ]


def statistical_report_xlsx(report: StatisticalReport) -> ExportFile:
    """A workbook: the federation's figures with the change, the centers (with a bar chart of members)
    and the branch unions."""
    figures = _figures(report)
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Federation")
    summary["A1"] = _("Annual statistical report")
    summary["A1"].font = Font(bold=True, size=14)
    row = write_table(summary, [_("Report"), ""], [list(pair) for pair in _header(report, figures)], 3)
    row = write_table(summary, [_("Summary")], [[sentence] for sentence in headline(figures)], row)
    table = [
        [
            str(line["name"]),
            line["value"],
            line["change"]["earlier"],
            line["change"]["absolute"],
            line["change"]["percent"],
            str(line["source"]),
        ]
        for line in _federation_rows(figures)
    ]
    header = [
        _("Figure"),
        str(figures["year"]),
        str(figures["previous_year"]),
        _("Change"),
        _("Change, %"),
        _("Source"),
    ]
    write_table(summary, header, table, row)
    autosize(summary)

    columns = [str(FIGURE_NAMES[figure]) for figure in CENTER_COLUMNS]
    centers = workbook.create_sheet(_("Centers"))
    rows = _scope_table(figures["by_center"], CENTER_COLUMNS)
    write_table(centers, [_("Code"), _("Name"), _("Return"), *columns], rows)
    chart = BarChart()
    chart.title = _("Union members by center")
    chart.height, chart.width = 9, 24
    chart.add_data(Reference(centers, min_col=4, min_row=1, max_row=len(rows) + 1), titles_from_data=True)
    chart.set_categories(Reference(centers, min_col=2, min_row=2, max_row=len(rows) + 1))
    centers.add_chart(chart, f"A{len(rows) + 4}")
    autosize(centers)

    columns = [str(FIGURE_NAMES[figure]) for figure in BRANCH_UNION_COLUMNS]
    branch_unions = workbook.create_sheet(_("Branch unions"))
    rows = _scope_table(figures["by_branch_union"], BRANCH_UNION_COLUMNS)
    write_table(branch_unions, [_("Code"), _("Name"), _("Return"), *columns], rows)
    autosize(branch_unions)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return ExportFile(buffer.getvalue(), _filename(report, "xlsx"), XLSX_TYPE)


# Printable HTML


def _table_rows(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {
            "code": row["code"],
            "name": _name(row),
            "state": row["state"],
            "state_name": STATE_NAMES[row["state"]],
            "counted": row["counted"],
            "values": [row["figures"][figure] if row["figures"] else None for figure in columns],
            "members_change": row["members_change"],
        }
        for row in rows
    ]


def statistical_report_print_context(report: StatisticalReport) -> dict[str, Any]:
    """What organizations/statistical_report_print.html needs, charts included (for a web view too)."""
    figures = _figures(report)
    counted = [row for row in figures["by_center"] if row["counted"]]
    names = [_name(row) for row in counted]
    members_chart = charts.bar_chart(
        names,
        [
            (str(figures["year"]), [row["figures"]["members"] for row in counted]),
            (str(figures["previous_year"]), [row["members_change"]["earlier"] or 0 for row in counted]),
        ],
        title=_("Union members by center"),
        width=900,
        height=300,
    )
    coverage_chart = charts.bar_chart(
        names,
        [
            # Short names: the chart's legend gives each series 140 pixels.
            (_("Coverage, %"), [float(row["figures"]["agreement_coverage"] or 0) for row in counted]),
            (_("Members, %"), [float(row["figures"]["member_share"] or 0) for row in counted]),
        ],
        # xgettext:no-python-format
        title=_("Collective agreements, % of enterprises, and union members, % of the employed"),
        width=900,
        height=300,
    )
    return {
        "report": report,
        "figures": figures,
        "header": _header(report, figures),
        "headline": headline(figures),
        "federation": _federation_rows(figures),
        "center_columns": [FIGURE_NAMES[figure] for figure in CENTER_COLUMNS],
        "centers": _table_rows(figures["by_center"], CENTER_COLUMNS),
        "branch_union_columns": [FIGURE_NAMES[figure] for figure in BRANCH_UNION_COLUMNS],
        "branch_unions": _table_rows(figures["by_branch_union"], BRANCH_UNION_COLUMNS),
        "members_chart": members_chart,
        "coverage_chart": coverage_chart,
    }


def statistical_report_html(report: StatisticalReport) -> ExportFile:
    """The printable page as a standalone HTML file (inline CSS and SVG, no scripts)."""
    html = render_to_string(
        "organizations/statistical_report_print.html", statistical_report_print_context(report)
    )
    return ExportFile(html.encode("utf-8"), _filename(report, "html"), "text/html; charset=utf-8")
