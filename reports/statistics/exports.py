"""The federation's annual statistical report as a file: CSV, XLSX (with a native bar chart) or a
printable HTML page with SVG charts, the same three exports as the outcome reports (reports.exports),
built with their helpers and charts. Everything is read from the stored figures: no aggregate query.
CSV and XLSX are written through core.spreadsheets: no text becomes a formula, and the CSV opens as
columns in the user's Excel."""

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

from core import charts
from core.spreadsheets import (
    CSV_TYPE,
    XLSX_TYPE,
    ExportFile,
    FigureLine,
    autosize,
    figures_csv,
    number,
    write_table,
    write_title,
)

from .models import StatisticalReport
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
# Names that stand alone, for a table's column or a CSV row: in the federation's list of figures the
# enterprise split and the "of them" figures follow the figure they split.
STANDALONE_NAMES = {
    "large_enterprises": gettext_lazy("Large enterprises"),
    "medium_enterprises": gettext_lazy("Medium enterprises"),
    "small_enterprises": gettext_lazy("Small enterprises"),
    "agreements_concluded": gettext_lazy("Collective agreements concluded in the year"),
    "members_covered": gettext_lazy("Union members among the employees covered"),
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
    "large_enterprises",
    "medium_enterprises",
    "small_enterprises",
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
# The lines of _header, as the CSV's figure codes name them.
HEADER_KEYS = ("scope", "year", "center_returns", "branch_union_returns", "data_as_of", "built_at")


def standalone_name(figure: str) -> str:
    """A figure's name that reads on its own (a column, a CSV row)."""
    return str(STANDALONE_NAMES.get(figure) or FIGURE_NAMES[figure])


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
    """(name, value) of what the report is and what it counts (HEADER_KEYS)."""

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


def _csv_lines(report: StatisticalReport, figures: dict[str, Any]) -> list[FigureLine]:
    section = _("Report")
    lines = [
        FigureLine(section, "", "", name, value, f"report.{key}")
        for key, (name, value) in zip(HEADER_KEYS, _header(report, figures), strict=True)
    ]
    section, previous_year = _("Federation"), str(figures["previous_year"])
    parts = {"earlier": previous_year, "absolute": _("Change"), "percent": _("Change, %")}
    for figure in FIGURE_ORDER:
        source, name = figures["sources"][figure], standalone_name(figure)
        value, key = number(figures["federation"][figure]), f"federation.{figure}"
        lines.append(FigureLine(section, source, str(SOURCE_NAMES[source]), name, value, key))
        for part, value in figures["federation_changes"][figure].items():
            name = f"{standalone_name(figure)}: {parts[part]}"
            key = f"federation.{figure}.{part}"
            lines.append(FigureLine(section, source, str(SOURCE_NAMES[source]), name, number(value), key))
    section = _("Sums of the returns")
    for scope, totals in figures["totals"].items():
        for figure in FIGURE_ORDER:
            name, value = standalone_name(figure), number(totals[figure])
            lines.append(
                FigureLine(section, scope, str(SOURCE_NAMES[scope]), name, value, f"totals.{figure}")
            )
    tables = (("by_center", _("Territorial centers")), ("by_branch_union", _("Branch unions")))
    members = standalone_name("members")
    for table, section in tables:
        for row in figures[table]:
            code, name = row["code"], _name(row)
            state = str(STATE_NAMES[row["state"]])
            lines.append(FigureLine(section, code, name, _("Return"), state, f"{table}.state"))
            for figure in FIGURE_ORDER if row["figures"] else ():
                value, key = number(row["figures"][figure]), f"{table}.{figure}"
                lines.append(FigureLine(section, code, name, standalone_name(figure), value, key))
            for part, value in row["members_change"].items():
                figure, key = f"{members}: {parts[part]}", f"{table}.members.{part}"
                lines.append(FigureLine(section, code, name, figure, number(value), key))
    return lines


def statistical_report_csv(report: StatisticalReport) -> ExportFile:
    """Every figure as one row (section, code, name, figure, value, figure code): easy to filter and
    pivot, in the user's language and as the user's Excel reads it (core.spreadsheets)."""
    figures = _figures(report)
    return ExportFile(figures_csv(_csv_lines(report, figures)), _filename(report, "csv"), CSV_TYPE)


# XLSX


def _scope_table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[list[Any]]:
    return [
        [
            row["code"],
            _name(row),
            str(STATE_NAMES[row["state"]]),
            *[number(row["figures"][figure]) if row["figures"] else None for figure in columns],
        ]
        for row in rows
    ]


def statistical_report_xlsx(report: StatisticalReport) -> ExportFile:
    """A workbook: the federation's figures with the change, the centers (with a bar chart of members)
    and the branch unions; each sheet's main table with its header frozen and filters."""
    figures = _figures(report)
    workbook = Workbook()
    # The federation's figures first, as the sheet's main table, under a title naming the report; then
    # the summary in words and what the report counts.
    summary = workbook.active
    summary.title = _("Federation")
    write_title(summary, f"{_('Annual statistical report of the federation')}: {report.year}")
    table = [
        [
            standalone_name(line["figure"]),
            *map(
                number,
                (
                    line["value"],
                    line["change"]["earlier"],
                    line["change"]["absolute"],
                    line["change"]["percent"],
                ),
            ),
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
    row = write_table(summary, header, table, start_row=2, main=True, frozen_columns=1)
    row = write_table(summary, [_("Summary")], [[sentence] for sentence in headline(figures)], row)
    write_table(summary, [_("Report"), ""], [list(pair) for pair in _header(report, figures)], row)
    autosize(summary, first_row=2)

    centers = workbook.create_sheet(_("Centers"))
    rows = _scope_table(figures["by_center"], CENTER_COLUMNS)
    columns = [standalone_name(figure) for figure in CENTER_COLUMNS]
    write_table(centers, [_("Code"), _("Name"), _("Return"), *columns], rows, main=True, frozen_columns=2)
    chart = BarChart()
    chart.title = _("Union members by center")
    chart.height, chart.width = 9, 24
    chart.add_data(Reference(centers, min_col=4, min_row=1, max_row=len(rows) + 1), titles_from_data=True)
    chart.set_categories(Reference(centers, min_col=2, min_row=2, max_row=len(rows) + 1))
    # Right of the frozen code and name columns: a chart across the split would be cut in two.
    centers.add_chart(chart, f"C{len(rows) + 4}")
    autosize(centers)

    branch_unions = workbook.create_sheet(_("Branch unions"))
    rows = _scope_table(figures["by_branch_union"], BRANCH_UNION_COLUMNS)
    columns = [standalone_name(figure) for figure in BRANCH_UNION_COLUMNS]
    write_table(
        branch_unions, [_("Code"), _("Name"), _("Return"), *columns], rows, main=True, frozen_columns=2
    )
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
    """What reports/statistics/statistical_report_print.html needs, charts included (for a web view too)."""
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
        "center_columns": [standalone_name(figure) for figure in CENTER_COLUMNS],
        "centers": _table_rows(figures["by_center"], CENTER_COLUMNS),
        "branch_union_columns": [standalone_name(figure) for figure in BRANCH_UNION_COLUMNS],
        "branch_unions": _table_rows(figures["by_branch_union"], BRANCH_UNION_COLUMNS),
        "members_chart": members_chart,
        "coverage_chart": coverage_chart,
    }


def statistical_report_html(report: StatisticalReport) -> ExportFile:
    """The printable page as a standalone HTML file (inline CSS and SVG, no scripts)."""
    html = render_to_string(
        "reports/statistics/statistical_report_print.html", statistical_report_print_context(report)
    )
    return ExportFile(html.encode("utf-8"), _filename(report, "html"), "text/html; charset=utf-8")
