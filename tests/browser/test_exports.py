"""A manager exports the case list from its page in a real browser, in Russian and in Kazakh: a short
list downloads at once; a long one opens the export's page, which follows the build to its download."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import expect

from clinic.models import ExportJob
from organizations.models import Role
from tests.factories import ApplicationFactory, StaffFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def _column(language: str, label: str) -> str:
    return _in(language, label).capitalize()


def _rows(path) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(path.read_bytes()), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("browser_language", ["ru-RU", "kk-KZ"])
def test_the_case_list_exports_at_once_and_in_the_background_when_long(
    center, sign_in, settings, tmp_path, browser_language
):
    # given a manager and three cases of the center, the browser in Russian or Kazakh
    settings.MEDIA_ROOT = tmp_path / "media"
    language = browser_language[:2]
    manager = StaffFactory(role=Role.MANAGER, center=center)
    numbers = {ApplicationFactory(center=center).registration_number for _ in range(3)}
    page = sign_in(manager, browser_language)
    page.click("nav a[href='/cases/']")

    # when the manager exports the list as XLSX, it being short
    with page.expect_download() as short:
        page.click("p.export a:text-is('XLSX')")
    # then the file comes at once: the header in the language and a row per case
    header, *rows = _rows(short.value.path())
    assert header[0] == _column(language, "registration number")
    assert {row[0] for row in rows} == numbers

    # when the list is longer than a download the user waits for (here: over 2 rows)
    settings.EXPORT_SYNC_MAX_ROWS = 2
    page.click("p.export a:text-is('XLSX')")
    # then the export's page opens and follows the build to its download
    expect(page.locator("h1")).to_have_text(_in(language, "Export"))
    state = page.locator("#export-state")
    expect(state).to_contain_text(_in(language, "Ready"))
    job = ExportJob.objects.get(user=manager)
    assert job.source == ExportJob.Source.PAGE
    with page.expect_download() as built:
        state.get_by_role("link", name=_in(language, "Download")).click()
    header, *rows = _rows(built.value.path())
    assert header[0] == _column(language, "registration number")
    assert {row[0] for row in rows} == numbers
