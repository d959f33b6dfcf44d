"""A built report as CSV, XLSX and a printable page."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from clinic.models import Outcome, Service
from reports.exports import report_csv, report_html, report_xlsx
from reports.models import Report
from reports.periods import PeriodKind
from reports.services import report_build, report_request
from tests.factories import StaffFactory

YEAR_2021 = {"period_kind": PeriodKind.YEAR, "period_start": date(2021, 1, 1)}


@pytest.fixture
def built(center, manager, make_case, monkeypatch):
    """A center's 2021 report built from a few cases, one with a name that needs escaping."""
    monkeypatch.setattr("reports.tasks.build_report.apply_async", lambda *args, **kwargs: None)
    center.name_en = 'Almaty <Region> & "Co"'
    center.save(update_fields=["name_en"])
    make_case(
        center,
        received_on=date(2021, 3, 2),
        decided_on=date(2021, 3, 9),
        outcome_code=Outcome.SATISFIED,
        recovered_kzt=Decimal("1234.50"),
    )
    make_case(
        center,
        received_on=date(2021, 5, 2),
        decided_on=date(2021, 6, 1),
        outcome_code=Outcome.REJECTED,
        service_code=Service.PUBLIC_RECEPTION,
    )
    report = report_request(center=center, by=manager, **YEAR_2021)
    return report_build(report_id=report.pk)


@pytest.mark.django_db
def test_csv_has_one_row_per_figure(built, center):
    exported = report_csv(built)

    assert exported.filename == f"report-{center.iso_code}-2021.csv"
    assert exported.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    value = {(row["section"], row["group"], row["figure"]): row["value"] for row in rows}
    assert value[("totals", "", "received")] == "2"
    assert value[("totals", "", "positive_rate")] == "50.0"
    assert value[("by_service", "legal_clinic", "positive")] == "1"
    assert value[("by_service", "public_reception", "rejected")] == "1"
    assert value[("money", "", "total_kzt")] == "1234.50"
    assert value[("trend", "2021-03", "received")] == "1"
    assert value[("comparison", "previous", "received.earlier")] == "0"


@pytest.mark.django_db
def test_xlsx_has_the_summary_breakdowns_and_a_trend_chart(built):
    exported = report_xlsx(built)

    workbook = load_workbook(io.BytesIO(exported.content))
    assert workbook.sheetnames == ["Summary", "By service", "By topic", "By kind", "By channel", "Trend"]
    by_service = workbook["By service"]
    header = [cell.value for cell in by_service[1]]
    rows = {
        row[0]: dict(zip(header, row, strict=True))
        for row in by_service.iter_rows(min_row=2, values_only=True)
    }
    assert rows["legal_clinic"]["Received"] == 1
    assert rows["legal_clinic"]["Money recovered, KZT"] == Decimal("1234.50")
    assert rows["public_reception"]["Rejected"] == 1
    trend = workbook["Trend"]
    assert [cell.value for cell in trend[1]] == ["Month", "Received", "Positive result"]
    assert trend.max_row == 13
    assert len(trend._charts) == 1
    assert type(trend._charts[0]).__name__ == "LineChart"
    summary_values = [cell.value for row in workbook["Summary"].iter_rows() for cell in row]
    assert "Positive result, % of decided" in summary_values


@pytest.mark.django_db
def test_federation_xlsx_has_a_by_center_sheet(center, make_case, monkeypatch):
    monkeypatch.setattr("reports.tasks.build_report.apply_async", lambda *args, **kwargs: None)
    make_case(center, received_on=date(2021, 3, 2))
    analyst = StaffFactory(role="analyst", center=None)
    report = report_build(report_id=report_request(center=None, by=analyst, **YEAR_2021).pk)

    workbook = load_workbook(io.BytesIO(report_xlsx(report).content))

    assert "By center" in workbook.sheetnames
    assert report_xlsx(report).filename == "report-federation-2021.xlsx"


@pytest.mark.django_db
def test_print_page_has_svg_charts_and_escapes_names(built):
    html = report_html(built).content.decode()

    assert html.count("<svg") == 5  # the trend and the four breakdowns
    assert "<polyline" in html  # the trend line
    assert "<rect" in html  # bars
    assert "<script" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "Almaty &lt;Region&gt; &amp; &quot;Co&quot;" in html
    assert "Almaty <Region>" not in html


@pytest.mark.django_db
def test_a_report_not_yet_built_cannot_be_exported(center):
    report = Report.objects.create(center=center, **YEAR_2021)

    with pytest.raises(ValueError, match="no built figures"):
        report_csv(report)
