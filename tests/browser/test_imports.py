"""A manager brings in a register in a real browser, in Russian and in Kazakh: uploads the workbook
with the headers of the language, reads the check (what will be created, each refused row's reason),
confirms, and uploads the same file again without a duplicate."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook
from playwright.sync_api import expect

from clinic.imports import COLUMNS, KIND_COLUMNS
from clinic.models import Application, ImportJob
from organizations.models import Role, TerritorialCenter
from tests.clinic.test_imports import BAD, GOOD, HEADERS_RU
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

COLUMN_KEYS = [
    next(key for key in KIND_COLUMNS[ImportJob.Kind.APPLICATIONS] if COLUMNS[key]["ru"] == title)
    for title in HEADERS_RU
]


@pytest.fixture
def center(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_reference", verbosity=0)
    return TerritorialCenter.objects.order_by("iso_code").first()


def _workbook(language: str) -> bytes:
    """The register of tests/clinic/test_imports.py (3 good rows, 3 bad) under the language's headers."""
    book = Workbook()
    book.active.append([COLUMNS[key][language] for key in COLUMN_KEYS])
    for row in GOOD + BAD:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("browser_language", ["ru-RU", "kk-KZ"])
def test_a_manager_checks_a_register_imports_it_and_imports_it_again_without_duplicates(
    center, sign_in, screenshot, browser_language
):
    # given a center's manager, the browser in Russian or Kazakh, and a register with its headers
    language = browser_language[:2]
    manager = StaffFactory(role=Role.MANAGER, center=center)
    register = {
        "name": "реестр-2019.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": _workbook(language),
    }
    page = sign_in(manager, browser_language)

    # when the manager opens the imports from the navigation and uploads the register
    page.click("nav a[href='/imports/']")
    expect(page.locator("h1")).to_have_text(_in(language, "Import registers"))
    page.select_option("#id_kind", ImportJob.Kind.APPLICATIONS)
    page.set_input_files("#id_file", register)
    page.click("main form button[type=submit]")

    # then the check says what would be written, and why each refused row was refused, in the language
    state = page.locator("#import-state")
    expect(state).to_contain_text(_in(language, "nothing has been written yet."))
    expect(state.locator("dt", has_text=_in(language, "Will be created")).locator("+ dd")).to_have_text("3")
    expect(state.locator("dt", has_text=_in(language, "Will be refused")).locator("+ dd")).to_have_text("3")
    refusals = state.locator("tbody tr")
    expect(refusals).to_have_count(3)
    job = ImportJob.objects.get()
    for index, refusal in enumerate(job.refused_rows):
        expect(refusals.nth(index)).to_contain_text(refusal["message"])
    topic_column = COLUMNS["topic"][language]
    expect(refusals.filter(has_text=topic_column)).to_contain_text(
        _in(language, "“%(value)s” is not in the list.") % {"value": "Космос"}
    )
    screenshot(page, f"import-check-{language}")
    assert not Application.objects.exists()  # nothing written before the confirmation

    # when the manager imports the rows that passed
    page.click(f"button:has-text('{_in(language, 'Import the rows that passed the check')}')")
    # then the cases are created, numbered by the register
    expect(state.locator("dt", has_text=_in(language, "Created")).locator("+ dd")).to_have_text("3")
    assert sorted(Application.objects.filter(center=center).values_list("external_key", flat=True)) == [
        "2019/1",
        "2019/2",
        "2019/3",
    ]

    # when the same register is uploaded again
    page.click("nav a[href='/imports/']")
    page.select_option("#id_kind", ImportJob.Kind.APPLICATIONS)
    page.set_input_files("#id_file", register)
    page.click("main form button[type=submit]")
    # then the check finds them all imported already, and importing it changes nothing
    unchanged = _in(language, "Already imported (unchanged)")
    expect(state.locator("dt", has_text=unchanged).locator("+ dd")).to_have_text("3")
    expect(state.locator("dt", has_text=_in(language, "Will be created")).locator("+ dd")).to_have_text("0")
    page.click(f"button:has-text('{_in(language, 'Import the rows that passed the check')}')")
    expect(state.locator("dt", has_text=unchanged).locator("+ dd")).to_have_text("3")
    assert Application.objects.filter(center=center).count() == 3
