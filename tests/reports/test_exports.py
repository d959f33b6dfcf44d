"""A built report as CSV, XLSX and a printable page, downloaded as its users download it (the report
pages, the API, the admin): names that look like formulas stay text, the CSV opens as columns in the
user's Excel, every sheet has its header frozen and filters."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from clinic.models import ApplicationKind, Channel, Outcome, Service, Topic
from organizations.roles import roles_sync
from organizations.services import staff_sync_groups
from reports.exports import report_csv, report_html, report_xlsx
from reports.models import Report
from reports.periods import PeriodKind
from reports.services import report_build, report_request
from tests.factories import StaffFactory
from tests.spreadsheets import (
    HOSTILE_NAMES,
    assert_csv_safe,
    assert_xlsx_safe,
    escaped,
    in_xlsx,
    read_csv,
    read_xlsx,
    xlsx_texts,
)

YEAR_2021 = {"period_kind": PeriodKind.YEAR, "period_start": date(2021, 1, 1)}
DOWNLOADS = {
    "page": "/reports/{pk}/download/{file_format}/",
    "api": "/api/v1/reports/{pk}/export/{file_format}/",
    "admin": "/admin/reports/report/{pk}/export/{file_format}/",
}
# Excel's field separator and decimal sign in each language.
SEPARATORS = {"ru": ";", "kk": ";", "en": ","}
DECIMAL_SIGNS = {"ru": ",", "kk": ",", "en": "."}


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    """A request in Russian leaves its language active in the thread; later tests expect the default."""
    yield
    translation.activate("en")


def download(user, report: Report, where: str, file_format: str, language: str):
    client = Client()
    client.force_login(user)
    path = DOWNLOADS[where].format(pk=report.pk, file_format=file_format)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (path, response.content[:300])
    return response


def rename(item, name: str) -> None:
    item.name_en = item.name_ru = item.name_kk = name
    item.save(update_fields=["name_en", "name_ru", "name_kk"])


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


@pytest.fixture
def hostile(center, manager, make_case, monkeypatch) -> Report:
    """A center's 2021 report where the center, a service, topics, a kind and a channel are named like
    formulas (HOSTILE_NAMES); 3 applications in 2020 and 2 in 2021, so the change on the year is
    negative. The manager has the role's admin permissions."""
    monkeypatch.setattr("reports.tasks.build_report.apply_async", lambda *args, **kwargs: None)
    roles_sync()
    staff_sync_groups(user=manager)
    for day in (date(2020, 2, 3), date(2020, 4, 6), date(2020, 9, 1)):
        make_case(center, received_on=day)
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
        topic_code="dismissal",
    )
    formula, plus, minus, at, tab, carriage_return = HOSTILE_NAMES
    rename(center, formula)
    rename(Service.objects.get(code=Service.LEGAL_CLINIC), plus)
    rename(Topic.objects.get(code="wages"), minus)
    rename(ApplicationKind.objects.get(code=ApplicationKind.WRITTEN_APPLICATION), at)
    rename(Channel.objects.get(code=Channel.IN_PERSON), tab)
    rename(Topic.objects.get(code="dismissal"), carriage_return)
    report = report_request(center=center, by=manager, **YEAR_2021)
    return report_build(report_id=report.pk)


# Names that look like formulas


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("where", "language"), [("page", "ru"), ("api", "ru"), ("admin", "ru"), ("page", "kk"), ("api", "en")]
)
def test_names_that_look_like_formulas_are_text_in_every_download(
    hostile, manager, where, language, file_format
):
    # when
    response = download(manager, hostile, where, file_format, language)

    # then
    if file_format == "csv":
        rows = read_csv(response.content, delimiter=SEPARATORS[language])
        assert_csv_safe(rows, decimal_sign=DECIMAL_SIGNS[language])
        fields = {field for row in rows for field in row}
        assert {escaped(name) for name in HOSTILE_NAMES} <= fields
    else:
        workbook = read_xlsx(response.content)
        assert_xlsx_safe(workbook)
        assert {in_xlsx(name) for name in HOSTILE_NAMES} <= xlsx_texts(workbook)


@pytest.mark.django_db
def test_the_federation_report_lists_a_center_named_like_a_formula_as_text(hostile, analyst):
    report = report_build(report_id=report_request(center=None, by=analyst, **YEAR_2021).pk)

    workbook = read_xlsx(download(analyst, report, "page", "xlsx", "ru").content)
    rows = read_csv(download(analyst, report, "api", "csv", "ru").content, delimiter=";")

    assert_xlsx_safe(workbook)
    by_center = workbook["По объединениям"]
    assert [cell.value for cell in by_center["B"]][1:] == [escaped(HOSTILE_NAMES[0])]
    assert_csv_safe(rows, decimal_sign=",")
    assert any(row[0] == "По объединениям" and row[2] == escaped(HOSTILE_NAMES[0]) for row in rows)


# CSV as the user's Excel reads it


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "header", "section", "figure"),
    [
        (
            "ru",
            ["Раздел", "Код", "Наименование", "Показатель", "Значение", "Код показателя"],
            "Обращения",
            "Поступило",
        ),
        ("kk", ["Бөлім", "Код", "Атауы", "Көрсеткіш", "Мәні", "Көрсеткіш коды"], "Өтініштер", "Түсті"),
        ("en", ["Section", "Code", "Name", "Figure", "Value", "Figure code"], "Applications", "Received"),
    ],
)
def test_the_csv_opens_as_columns_in_the_users_excel(hostile, manager, language, header, section, figure):
    # when
    response = download(manager, hostile, "page", "csv", language)

    # then: the language's separator splits every row into the same six columns
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response.content, delimiter=SEPARATORS[language])
    assert rows[0] == header
    assert {len(row) for row in rows} == {6}
    # one figure a row, named in the language, with its code
    row = {(line[1], line[5]): line for line in rows[1:]}
    assert [row["", "totals.received"][index] for index in (0, 3, 4)] == [section, figure, "2"]
    # decimals with the language's decimal sign, negative changes as numbers
    point = DECIMAL_SIGNS[language]
    assert row["", "totals.positive_rate"][4] == f"50{point}0"
    assert row["", "money.total_kzt"][4] == f"1234{point}50"
    assert row["previous", "comparison.previous.received.absolute"][4] == "-1"
    assert row["previous", "comparison.previous.received.percent"][4] == f"-33{point}3"
    # codes stay codes; the names beside them are text, even "+1"
    assert row["legal_clinic", "by_service.received"][2:5] == [escaped("+1"), figure, "2"]
    assert row["2021-03", "trend.received"][4] == "1"


# XLSX


@pytest.mark.django_db
def test_every_sheet_has_its_header_frozen_and_filters(hostile, manager):
    workbook = read_xlsx(download(manager, hostile, "page", "xlsx", "ru").content)

    summary, *breakdowns, trend = workbook.worksheets
    # the summary: the totals are its main table, under the title
    assert summary.title == "Краткое содержание"
    assert [summary.cell(row=2, column=column).value for column in (1, 2)] == ["Обращения", "Значение"]
    assert (summary.freeze_panes, summary.auto_filter.ref) == ("B3", "A2:B15")
    assert summary["A15"].value == "Взысканная сумма, тенге"  # the last of the totals
    # a sheet per breakdown: the code and name columns stay in view
    assert [sheet.title for sheet in breakdowns] == ["По службам", "По темам", "По видам", "По каналам"]
    for sheet in breakdowns:
        assert sheet.freeze_panes == "C2"
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    assert (trend.freeze_panes, trend.auto_filter.ref) == ("B2", "A1:C13")


@pytest.mark.django_db
def test_negative_changes_are_numbers_in_the_workbook(hostile, manager):
    summary = read_xlsx(download(manager, hostile, "page", "xlsx", "ru").content).worksheets[0]

    rows = list(summary.iter_rows(values_only=True))
    comparison = next(index for index, row in enumerate(rows) if row[0] == "Сравнение")
    received = rows[comparison + 1]

    assert received[:8] == ("Поступило", 2, 3, -1, -33.3, 3, -1, -33.3)
    assert summary.cell(row=comparison + 2, column=4).data_type == "n"


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
