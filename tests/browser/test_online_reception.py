"""The online reception in a real browser: a citizen sends a question from the public page, the
reception of the chosen center opens a case, the lawyer answers it, and the citizen reads the answer
with the tracking code and the phone."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from clinic.models import Application, Channel, Outcome, Service, Status
from organizations.models import Role, TerritorialCenter
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def center():
    call_command("seed_reference", verbosity=0)
    return TerritorialCenter.objects.get(code="ALR")


@pytest.fixture
def citizen_page(browser, live_server):
    """A browser context of someone with no account, in Russian."""
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_citizen_asks_online_the_reception_opens_a_case_the_lawyer_answers_the_citizen_reads_it(
    center, citizen_page, live_server, sign_in, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    reception = StaffFactory(role=Role.RECEPTION, center=center)
    lawyer = StaffFactory(role=Role.LAWYER, center=center, first_name="Aigerim", last_name="Lawyer")
    page = citizen_page

    # The citizen sends a question with a document, without an account
    page.goto(f"{live_server.url}/online/")
    expect(page.locator("#id_place option")).to_have_count(TerritorialCenter.objects.count() + 1 + 7)
    page.select_option("#id_place", f"center-{center.pk}")
    page.fill("#id_full_name", "Гульнара Онлайн")
    page.fill("#id_phone", "8 701 555 77 66")
    page.select_option("#id_topic", "wages")
    page.fill("#id_question", "Зарплату не платят три месяца.")
    page.set_input_files(
        "#id_files", files=[{"name": "payslip.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}]
    )
    page.check("#id_consent")
    screenshot(page, "online-question")
    page.click("#online-question button[type=submit]")
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", code)
    track_url = page.locator("#track-link").get_attribute("href")
    screenshot(page, "online-sent")

    # The reception of that center sees it, marked online, and opens a case for the lawyer
    desk = sign_in(reception)
    queue = desk.locator("#online-pending")
    expect(queue).to_contain_text("Гульнара Онлайн")
    expect(queue).to_contain_text("payslip.pdf")
    screenshot(desk, "online-reception-desk")
    queue.get_by_role("link", name="Гульнара Онлайн").click()
    expect(desk.locator("table.sender")).to_contain_text("+77015557766")
    screenshot(desk, "online-visit")
    desk.select_option("#case-service", Service.LEGAL_CLINIC)
    desk.select_option("#case-kind", "written_application")
    desk.select_option("#case-lawyer", str(lawyer.pk))
    desk.click("#action-case button[type=submit]")
    expect(desk.locator(".messages")).to_contain_text("Открыто обращение")
    case = Application.objects.get(person__full_name="Гульнара Онлайн")
    assert case.channel_id == Channel.ONLINE

    # The lawyer takes it into work, writes the answer for the citizen and decides it
    work = sign_in(lawyer)
    work.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(work.locator("h1 .badge.online")).to_be_visible()
    work.select_option("#status-to_status", Status.IN_PROGRESS)
    work.click("#action-status button[type=submit]")
    work.fill(
        "#public_answer-public_answer", "Работодатель обязан выплатить зарплату; мы направили требование."
    )
    work.click("#action-public_answer button[type=submit]")
    expect(work.locator(".messages")).to_contain_text("Ответ сохранён")
    work.select_option("#decide-outcome", Outcome.SATISFIED)
    work.click("#action-decide button[type=submit]")
    expect(work.locator(".messages")).to_contain_text("вынесено решение")

    # The citizen follows the page address with the code and reads the answer
    page.goto(f"{live_server.url}{track_url}")
    expect(page.locator("#id_code")).to_have_value(code)
    page.fill("#id_phone", "+7 701 555 77 66")
    page.click("#track button[type=submit]")
    expect(page.locator("#answer")).to_contain_text("Работодатель обязан выплатить зарплату")
    expect(page.locator("#tracked")).not_to_contain_text(case.registration_number)
    screenshot(page, "online-answer")
