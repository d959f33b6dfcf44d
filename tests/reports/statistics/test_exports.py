"""The annual statistical report downloaded as its users download it (the statistics pages, the API,
the admin): centers and branch unions named like formulas stay text, the CSV opens as columns in the
user's Excel, every sheet has its header frozen and filters, and the enterprise split (large, medium,
small) is in every table of centers: Almaty Region 2021 has 125, 535 and 24,469 (DOMAIN.md)."""

import re

import pytest
from django.test import Client
from django.utils import translation

from organizations.models import BranchUnion, TerritorialCenter
from organizations.services import staff_sync_groups
from reports.statistics import services
from reports.statistics.models import StatisticalReport
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

pytestmark = pytest.mark.django_db

DOWNLOADS = {
    "page": "/statistics/reports/{pk}/download/{file_format}/",
    "api": "/api/v1/statistical-reports/{pk}/export/{file_format}/",
    "admin": "/admin/reports/statisticalreport/{pk}/export/{file_format}/",
}
# Excel's field separator and decimal sign in each language.
SEPARATORS = {"ru": ";", "kk": ";", "en": ","}
DECIMAL_SIGNS = {"ru": ",", "kk": ",", "en": "."}


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    """A request in Russian leaves its language active in the thread; later tests expect the default."""
    yield
    translation.activate("en")


def download(user, report: StatisticalReport, where: str, file_format: str, language: str):
    client = Client()
    client.force_login(user)
    path = DOWNLOADS[where].format(pk=report.pk, file_format=file_format)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (path, response.content[:300])
    return response


@pytest.fixture
def report_2021(demo, analyst, django_capture_on_commit_callbacks) -> StatisticalReport:
    """The federation's 2021 report from the demo's returns, three centers (not Almaty Region) and three
    branch unions named like formulas (HOSTILE_NAMES); requested by a federation analyst."""
    staff_sync_groups(user=analyst)  # the role groups come with the demo's reference data
    centers = list(TerritorialCenter.objects.exclude(code="ALR").order_by("iso_code")[:3])
    branch_unions = list(BranchUnion.objects.order_by("code")[:3])
    for item, name in zip([*centers, *branch_unions], HOSTILE_NAMES, strict=True):
        item.name_en = item.name_ru = item.name_kk = name
        item.save(update_fields=["name_en", "name_ru", "name_kk"])
    with django_capture_on_commit_callbacks(execute=True):
        report = services.statistical_report_request(year=2021, by=analyst)
    report.refresh_from_db()
    assert report.state == StatisticalReport.State.DONE, report.error
    return report


# Names that look like formulas


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("where", "language"), [("page", "ru"), ("api", "ru"), ("admin", "ru"), ("page", "kk"), ("admin", "en")]
)
def test_names_that_look_like_formulas_are_text_in_every_download(
    report_2021, analyst, where, language, file_format
):
    # when
    response = download(analyst, report_2021, where, file_format, language)

    # then
    if file_format == "csv":
        rows = read_csv(response.content, delimiter=SEPARATORS[language])
        assert_csv_safe(rows, decimal_sign=DECIMAL_SIGNS[language])
        assert {escaped(name) for name in HOSTILE_NAMES} <= {field for row in rows for field in row}
    else:
        workbook = read_xlsx(response.content)
        assert_xlsx_safe(workbook)
        assert {in_xlsx(name) for name in HOSTILE_NAMES} <= xlsx_texts(workbook)


# CSV as the user's Excel reads it


@pytest.mark.parametrize(
    ("language", "header", "section", "figure"),
    [
        (
            "ru",
            ["Раздел", "Код", "Наименование", "Показатель", "Значение", "Код показателя"],
            "Федерация",
            "Члены профсоюза",
        ),
        (
            "kk",
            ["Бөлім", "Код", "Атауы", "Көрсеткіш", "Мәні", "Көрсеткіш коды"],
            "Федерация",
            "Кәсіподақ мүшелері",
        ),
        ("en", ["Section", "Code", "Name", "Figure", "Value", "Figure code"], "Federation", "Union members"),
    ],
)
def test_the_csv_opens_as_columns_in_the_users_excel(report_2021, analyst, language, header, section, figure):
    # when
    response = download(analyst, report_2021, "page", "csv", language)

    # then: the language's separator splits every row into the same six columns
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response.content, delimiter=SEPARATORS[language])
    assert rows[0] == header
    assert {len(row) for row in rows} == {6}
    # one figure a row, named in the language, with its code
    row = {(line[1], line[5]): line for line in rows[1:]}
    members = row["centers", "federation.members"]
    assert (members[0], members[3]) == (section, figure)
    # membership down 10,382 or 0.6%: negative numbers, with the language's decimal sign
    point = DECIMAL_SIGNS[language]
    assert row["centers", "federation.members.absolute"][4] == "-10382"
    assert row["centers", "federation.members.percent"][4] == f"-0{point}6"
    assert row["ALR", "by_center.member_share"][4] == f"31{point}1"
    assert row["branch_unions", "federation.collective_agreements"][4] == "16112"


# XLSX


def test_every_sheet_has_its_header_frozen_and_filters(report_2021, analyst):
    workbook = read_xlsx(download(analyst, report_2021, "page", "xlsx", "ru").content)

    federation, centers, branch_unions = workbook.worksheets
    # the federation's figures are the first sheet's main table, under the title
    assert federation["A1"].value == "Годовой статистический отчёт федерации: 2021"
    header = [cell.value for cell in federation[2]]
    assert header == ["Показатель", "2021", "2020", "Изменение", "Изменение, %", "Источник"]
    assert (federation.freeze_panes, federation.auto_filter.ref) == ("B3", "A2:F22")
    # the tables of centers and branch unions: the code and name columns stay in view
    assert (centers.freeze_panes, centers.auto_filter.ref) == ("C2", f"A1:U{1 + 20}")
    count = BranchUnion.objects.count()
    assert (branch_unions.freeze_panes, branch_unions.auto_filter.ref) == ("C2", f"A1:J{1 + count}")
    assert centers["U1"].value == "Предприятия в программе Vision Zero"  # the last column


def test_negative_changes_are_numbers_in_the_workbook(report_2021, analyst):
    federation = read_xlsx(download(analyst, report_2021, "page", "xlsx", "ru").content)["Федерация"]

    members = next(row for row in federation.iter_rows(min_row=3) if row[0].value == "Члены профсоюза")

    assert (members[3].value, members[4].value) == (-10_382, -0.6)
    assert members[3].data_type == members[4].data_type == "n"


# The enterprise split

SPLIT = ("total", "large", "medium", "small")


def test_the_workbooks_table_of_centers_has_the_enterprise_split(report_2021, analyst):
    workbook = read_xlsx(download(analyst, report_2021, "page", "xlsx", "ru").content)

    centers = workbook["Объединения"]
    header = [cell.value for cell in centers[1]]
    almaty = next(row for row in centers.iter_rows(min_row=2, values_only=True) if row[0] == "ALR")
    columns = ["Предприятия", "Крупные предприятия", "Средние предприятия", "Малые предприятия"]
    assert [almaty[header.index(column)] for column in columns] == [25_129, 125, 535, 24_469]


def test_the_csv_has_the_enterprise_split_of_each_center(report_2021, analyst):
    rows = read_csv(download(analyst, report_2021, "api", "csv", "ru").content, delimiter=";")

    almaty = {row[5]: row[3:5] for row in rows if row[1] == "ALR"}
    assert [almaty[f"by_center.{size}_enterprises"] for size in SPLIT] == [
        ["Предприятия", "25129"],
        ["Крупные предприятия", "125"],
        ["Средние предприятия", "535"],
        ["Малые предприятия", "24469"],
    ]


def test_the_printable_page_and_the_report_page_have_the_enterprise_split(report_2021, analyst):
    # when
    printed = download(analyst, report_2021, "admin", "html", "ru").content.decode()
    client = Client()
    client.force_login(analyst)
    page = client.get(f"/statistics/reports/{report_2021.pk}/").text

    # then the printable page's table of centers, in Russian (grouped with a non-breaking space)
    almaty = re.escape(TerritorialCenter.objects.get(code="ALR").name_ru)
    row = re.search(rf"<th>{almaty}</th>(.*?)</tr>", printed, re.S)
    assert row, "Almaty Region is not in the table of centers"
    assert "<th>Крупные предприятия</th><th>Средние предприятия</th><th>Малые предприятия</th>" in printed
    assert re.findall(r'<td class="n">([^<]*)</td>', row.group(1))[5:9] == [
        "25\xa0129",
        "125",
        "535",
        "24\xa0469",
    ]
    # and the report's page, in English
    row = re.search(r'<tr data-center="ALR"[^>]*>(.*?)</tr>', page, re.S)
    assert re.findall(r'<td class="num">([^<]*)</td>', row.group(1))[5:9] == [
        "25,129",
        "125",
        "535",
        "24,469",
    ]
