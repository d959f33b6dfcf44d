"""A built report as a file: CSV, XLSX (with a native trend chart) or a printable HTML page with SVG
charts. Everything is read from the stored figures: an export runs no aggregate query. CSV and XLSX
are written through core.spreadsheets: no text becomes a formula, and the CSV opens as columns in
the user's Excel."""

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference

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

from .models import Report
from .queries import COMPARED, COUNTERS, DISPUTE_RESULTS

FIGURE_NAMES = {
    "received": gettext_lazy("Received"),
    "decided": gettext_lazy("Decided"),
    "satisfied": gettext_lazy("Satisfied"),
    "partially_satisfied": gettext_lazy("Partially satisfied"),
    "rejected": gettext_lazy("Rejected"),
    "explained": gettext_lazy("Explained (consultation)"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "referred": gettext_lazy("Referred to a competent body"),
    "positive": gettext_lazy("Positive result"),
    # xgettext:no-python-format
    "positive_rate": gettext_lazy("Positive result, % of decided"),
    "pending": gettext_lazy("Open at the end of the period"),
    "overdue": gettext_lazy("Of them overdue"),
    "recovered_kzt": gettext_lazy("Money recovered, KZT"),
}
BREAKDOWN_TITLES = {
    "by_service": ("service", gettext_lazy("By service")),
    "by_topic": ("topic", gettext_lazy("By topic")),
    "by_kind": ("kind", gettext_lazy("By kind")),
    "by_channel": ("channel", gettext_lazy("By channel")),
    "by_center": ("center", gettext_lazy("By center")),
}
RESULT_NAMES = {
    "in_favor": gettext_lazy("In the workers' favor"),
    "partly": gettext_lazy("Partly in the workers' favor"),
    "not_in_favor": gettext_lazy("Not in the workers' favor"),
}
DISPUTE_NAMES = {
    "opened": gettext_lazy("Labor disputes opened"),
    "opened_collective": gettext_lazy("of them collective"),
    "workers_affected": gettext_lazy("Workers affected"),
    "resolved": gettext_lazy("Labor disputes resolved"),
    "recovered_kzt": gettext_lazy("Money recovered by labor disputes, KZT"),
}
PREVENTED_NAMES = {
    "disputes": gettext_lazy("Disputes prevented"),
    "organizations": gettext_lazy("Organizations where disputes were prevented"),
    "workers_affected": gettext_lazy("Workers affected"),
}
MONEY_NAMES = {
    "applications_kzt": gettext_lazy("Money recovered by applications, KZT"),
    "disputes_kzt": gettext_lazy("Money recovered by labor disputes, KZT"),
    "total_kzt": gettext_lazy("Money recovered in all, KZT"),
}
COMPARISON_NAMES = {"previous": gettext_lazy("Previous period"), "year_before": gettext_lazy("A year before")}
HEADER_KEYS = ("scope", "period", "data_as_of", "built_at")
TABLE_FIGURES = (*COUNTERS, "recovered_kzt")


def _figures(report: Report) -> dict[str, Any]:
    if report.state != Report.State.DONE or not report.figures:
        raise ValueError(f"Report {report.pk} has no built figures to export (state: {report.state}).")
    return report.figures


def _filename(report: Report, extension: str) -> str:
    scope = report.center.iso_code if report.center is not None else "federation"
    return f"report-{scope}-{report.period}.{extension}"


def label(figures: dict[str, Any], group: str, key: str) -> str:
    """The name of a code (service, topic, center...) in the active language, as stored with the figures."""
    names = figures.get("labels", {}).get(group, {}).get(str(key))
    if not names:
        return str(key)
    return names.get((get_language() or "en")[:2]) or names.get("en") or str(key)


def _breakdowns(figures: dict[str, Any]) -> list[tuple[str, str, str, list[tuple[str, str, dict]]]]:
    """(key, group, title, [(code, name, counters)]) for every breakdown present, rows by name."""
    result = []
    for key, (group, title) in BREAKDOWN_TITLES.items():
        if key in figures:
            rows = [(code, label(figures, group, code), counters) for code, counters in figures[key].items()]
            result.append((key, group, str(title), sorted(rows, key=lambda row: row[1])))
    return result


def _header(report: Report) -> list[tuple[str, str]]:
    """(name, value) of what the report is: scope, period, data as of, built at (HEADER_KEYS)."""

    def moment(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    return [
        (_("Scope"), report.scope_name),
        (_("Period"), f"{report.period} ({report.period_start:%Y-%m-%d} – {report.period_end:%Y-%m-%d})"),
        (_("Data as of"), moment(report.data_as_of)),
        (_("Built at"), moment(report.built_at)),
    ]


# CSV


def _csv_lines(report: Report, figures: dict[str, Any]) -> list[FigureLine]:
    section = _("Report")
    lines = [
        FigureLine(section, "", "", name, value, f"report.{key}")
        for key, (name, value) in zip(HEADER_KEYS, _header(report), strict=True)
    ]
    section = _("Applications")
    for figure in TABLE_FIGURES:
        value = number(figures["totals"][figure])
        lines.append(FigureLine(section, "", "", str(FIGURE_NAMES[figure]), value, f"totals.{figure}"))
    for key, _group, title, rows in _breakdowns(figures):
        for code, name, counters in rows:
            for figure in TABLE_FIGURES:
                value = number(counters[figure])
                lines.append(
                    FigureLine(title, code, name, str(FIGURE_NAMES[figure]), value, f"{key}.{figure}")
                )
    section = _("Reception")
    lines += [
        FigureLine(section, "", "", _("Visits to the reception"), figures["visits"], "reception.visits"),
        FigureLine(section, "", "", _("Persons who came"), figures["visitors"], "reception.visitors"),
    ]
    section, disputes = _("Labor disputes"), figures["disputes"]
    for figure, figure_name in DISPUTE_NAMES.items():
        lines.append(
            FigureLine(section, "", "", str(figure_name), number(disputes[figure]), f"disputes.{figure}")
        )
    for result in DISPUTE_RESULTS:
        value, key = disputes["by_result"][result], f"disputes.by_result.{result}"
        lines.append(FigureLine(section, "", "", str(RESULT_NAMES[result]), value, key))
    section = _("Disputes prevented")
    for figure, value in figures["prevented"].items():
        name = str(PREVENTED_NAMES.get(figure, figure))
        lines.append(FigureLine(section, "", "", name, number(value), f"prevented.{figure}"))
    section = _("Money recovered")
    for figure, value in figures["money"].items():
        name = str(MONEY_NAMES.get(figure, figure))
        lines.append(FigureLine(section, "", "", name, number(value), f"money.{figure}"))
    section = _("Comparison")
    parts = {"absolute": _("Change"), "percent": _("Change, %")}
    for key, comparison in figures["comparison"].items():
        period = f"{comparison['period']['start']} – {comparison['period']['end']}"
        earlier = str(COMPARISON_NAMES.get(key, key))
        for figure in COMPARED:
            for part, value in comparison["changes"][figure].items():
                name = f"{FIGURE_NAMES[figure]}: {earlier if part == 'earlier' else parts[part]}"
                code = f"comparison.{key}.{figure}.{part}"
                lines.append(FigureLine(section, key, f"{earlier}: {period}", name, number(value), code))
    section = _("Trend")
    for month in figures["trend"]:
        for figure in ("received", "positive"):
            name = str(FIGURE_NAMES[figure])
            lines.append(FigureLine(section, month["month"], "", name, month[figure], f"trend.{figure}"))
    return lines


def report_csv(report: Report) -> ExportFile:
    """Every figure as one row (section, code, name, figure, value, figure code): easy to filter and
    pivot, in the user's language and as the user's Excel reads it (core.spreadsheets)."""
    figures = _figures(report)
    return ExportFile(figures_csv(_csv_lines(report, figures)), _filename(report, "csv"), CSV_TYPE)


# XLSX


def _summary_sheet(sheet, report: Report, figures: dict[str, Any]) -> None:
    """The totals first, as the sheet's main table (frozen header, filters) under a title naming the
    report; then the comparison, the other figures and when the data were read."""
    sheet.title = _("Summary")
    write_title(sheet, f"{_('Outcome report')}: {report}")
    totals = [[str(FIGURE_NAMES[figure]), number(figures["totals"][figure])] for figure in TABLE_FIGURES]
    row = write_table(
        sheet, [_("Applications"), _("Value")], totals, start_row=2, main=True, frozen_columns=1
    )
    comparison = figures["comparison"]
    rows = []
    for figure in COMPARED:
        previous, year_before = (
            comparison["previous"]["changes"][figure],
            comparison["year_before"]["changes"][figure],
        )
        rows.append(
            [
                str(FIGURE_NAMES[figure]),
                *map(
                    number,
                    (
                        figures["totals"][figure],
                        previous["earlier"],
                        previous["absolute"],
                        previous["percent"],
                        year_before["earlier"],
                        year_before["absolute"],
                        year_before["percent"],
                    ),
                ),
            ]
        )
    header = [
        _("Comparison"),
        _("This period"),
        _("Previous period"),
        _("Change"),
        _("Change, %"),
        _("A year before"),
        _("Change"),
        _("Change, %"),
    ]
    row = write_table(sheet, header, rows, start_row=row)
    disputes = figures["disputes"]
    other = [
        [_("Visits to the reception"), figures["visits"]],
        [_("Persons who came"), figures["visitors"]],
        [_("Labor disputes opened"), disputes["opened"]],
        [_("Labor disputes resolved"), disputes["resolved"]],
        *[[str(RESULT_NAMES[result]), disputes["by_result"][result]] for result in DISPUTE_RESULTS],
        [_("Disputes prevented"), figures["prevented"]["disputes"]],
        [_("Organizations where disputes were prevented"), figures["prevented"]["organizations"]],
        *[[str(name), number(figures["money"][figure])] for figure, name in MONEY_NAMES.items()],
    ]
    row = write_table(sheet, [_("Other figures"), _("Value")], other, start_row=row)
    write_table(sheet, [_("Report"), ""], [list(pair) for pair in _header(report)], start_row=row)
    autosize(sheet, first_row=2)


def _trend_sheet(workbook: Workbook, figures: dict[str, Any]) -> None:
    sheet = workbook.create_sheet(_("Trend"))
    rows = [[month["month"], month["received"], month["positive"]] for month in figures["trend"]]
    write_table(sheet, [_("Month"), _("Received"), _("Positive result")], rows, main=True, frozen_columns=1)
    chart = LineChart()
    chart.title = _("Received and positive results, 12 months")
    chart.y_axis.title = _("Applications")
    chart.x_axis.title = _("Month")
    chart.height, chart.width = 8, 18
    chart.add_data(
        Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=len(rows) + 1), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
    sheet.add_chart(chart, "E2")
    autosize(sheet)


def report_xlsx(report: Report) -> ExportFile:
    """A workbook: the summary, one sheet per breakdown, and the 12-month trend with a line chart; each
    sheet's main table with its header frozen and filters."""
    figures = _figures(report)
    workbook = Workbook()
    _summary_sheet(workbook.active, report, figures)
    header = [_("Code"), _("Name"), *[str(FIGURE_NAMES[figure]) for figure in TABLE_FIGURES]]
    for _key, _group, title, rows in _breakdowns(figures):
        sheet = workbook.create_sheet(title)
        table = [[code, name, *[number(c[f]) for f in TABLE_FIGURES]] for code, name, c in rows]
        write_table(sheet, header, table, main=True, frozen_columns=2)
        autosize(sheet)
    _trend_sheet(workbook, figures)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ExportFile(buffer.getvalue(), _filename(report, "xlsx"), XLSX_TYPE)


# Printable HTML


def report_print_context(report: Report) -> dict[str, Any]:
    """What reports/report_print.html needs, charts included; for the web view and for report_html."""
    figures = _figures(report)
    breakdowns = []
    for key, _group, title, rows in _breakdowns(figures):
        names = [name for _code, name, _counters in rows]
        chart = charts.bar_chart(
            names,
            [
                (str(FIGURE_NAMES["received"]), [counters["received"] for _c, _n, counters in rows]),
                (str(FIGURE_NAMES["positive"]), [counters["positive"] for _c, _n, counters in rows]),
            ],
            title=f"{title}: {FIGURE_NAMES['received']} / {FIGURE_NAMES['positive']}",
        )
        table = [
            {"code": code, "name": name, "values": [counters[figure] for figure in TABLE_FIGURES]}
            for code, name, counters in rows
        ]
        breakdowns.append({"key": key, "title": title, "rows": table, "chart": chart})
    trend = figures["trend"]
    trend_chart = charts.line_chart(
        [month["month"] for month in trend],
        [
            (str(FIGURE_NAMES["received"]), [month["received"] for month in trend]),
            (str(FIGURE_NAMES["positive"]), [month["positive"] for month in trend]),
        ],
        title=_("Received and positive results, 12 months"),
    )
    comparison = [
        {
            "name": FIGURE_NAMES[figure],
            "value": figures["totals"][figure],
            "previous": figures["comparison"]["previous"]["changes"][figure],
            "year_before": figures["comparison"]["year_before"]["changes"][figure],
        }
        for figure in COMPARED
    ]
    return {
        "report": report,
        "header": _header(report),
        "figures": figures,
        "totals": [(FIGURE_NAMES[figure], figures["totals"][figure]) for figure in TABLE_FIGURES],
        "comparison": comparison,
        "comparison_periods": {key: value["period"] for key, value in figures["comparison"].items()},
        "breakdowns": breakdowns,
        "table_figures": [FIGURE_NAMES[figure] for figure in TABLE_FIGURES],
        "dispute_results": [(RESULT_NAMES[r], figures["disputes"]["by_result"][r]) for r in DISPUTE_RESULTS],
        "trend_chart": trend_chart,
    }


def report_html(report: Report) -> ExportFile:
    """The printable page as a standalone HTML file (inline CSS and SVG, no scripts)."""
    html = render_to_string("reports/report_print.html", report_print_context(report))
    return ExportFile(html.encode("utf-8"), _filename(report, "html"), "text/html; charset=utf-8")
