"""The pages people open on a phone, 390 px wide: no sideways scroll of the page (a table scrolls in
its own box), the navigation wraps, and the online reception's every field, the consent box included,
is reached with the keyboard."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from clinic import services
from clinic.models import Channel, Topic
from organizations.models import Role, TerritorialCenter
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import ApplicationFactory, StaffFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def center():
    call_command("seed_reference", verbosity=0)
    return TerritorialCenter.objects.get(code="ALR")


@pytest.fixture
def on_a_phone(browser, live_server):
    """A phone's browser in Russian; signed in as the user, or anonymous."""
    contexts = []

    def open_as(user=None):
        context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", "test-password")
            page.click("button[type=submit]")
            page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# For the message of a failure: the elements without which the page would fit (hidden one at a time).
WIDENING = """(limit) => {
  const found = [];
  const walk = (element, depth) => {
    for (const child of element.children) {
      const display = child.style.display;
      child.style.display = "none";
      const fits = document.documentElement.scrollWidth <= limit;
      child.style.display = display;
      if (fits) {
        found.push(`${child.tagName}.${child.className}#${child.id}`);
        if (depth < 8) walk(child, depth + 1);
      }
    }
  };
  walk(document.body, 0);
  return found.slice(-6);
}"""


def assert_fits(page, screenshot, name: str) -> None:
    """No sideways scroll of the page; the top bar's links all on screen."""
    screenshot(page, f"phone-{name}")
    assert page_width(page) <= PHONE["width"], (
        f"{name}: {page_width(page)} px, widened by {page.evaluate(WIDENING, PHONE['width'])}"
    )
    for link in page.locator(".topbar a:visible").all():
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"], link.inner_text()


def test_the_desk_the_cases_and_a_case_fit_a_phone(center, on_a_phone, live_server, screenshot):
    reception = StaffFactory(
        role=Role.RECEPTION, center=center, first_name="Гульмира", last_name="Администраторова-Приёмная"
    )
    lawyer = StaffFactory(role=Role.LAWYER, center=center)
    case = ApplicationFactory(center=center, lawyer=lawyer)
    services.note_add(application=case, by=lawyer, text="Позвонить работодателю " + "очень-длинное-слово" * 5)
    for _ in range(3):
        ApplicationFactory(center=center, lawyer=lawyer)
    # today's visits at the desk, one of them sent online
    services.visit_register(
        by=reception,
        person=case.person,
        channel=Channel.objects.get(pk=Channel.IN_PERSON),
        topics=[Topic.objects.get(code="wages")],
        question="Не выплатили отпускные.",
    )
    services.online_submission_create(
        center=center,
        full_name="Гульнара Онлайн-Отправительница",
        phone="+77015557766",
        topic=Topic.objects.get(code="dismissal"),
        question="Уволили без предупреждения.",
        consent=True,
    )

    desk = on_a_phone(reception)
    expect(desk).to_have_url(re.compile(r"/reception/$"))
    assert_fits(desk, screenshot, "desk")
    desk.click("#walk-in button[type=submit]")  # sent empty: the errors take room too
    expect(desk.locator("#walk-in .has-error").first).to_be_visible()
    assert_fits(desk, screenshot, "desk-errors")

    cases = on_a_phone(lawyer)
    cases.goto(f"{live_server.url}/cases/")
    expect(cases.locator("table.cases tbody tr")).to_have_count(4)
    assert_fits(cases, screenshot, "cases")
    cases.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(cases.locator("h1")).to_contain_text(case.registration_number)
    assert_fits(cases, screenshot, "case")


def test_the_dashboard_and_the_federation_fit_a_phone(center, on_a_phone, live_server, screenshot):
    manager = StaffFactory(role=Role.MANAGER, center=center)
    ApplicationFactory(center=center)
    analyst = StaffFactory(role=Role.ANALYST, center=None)

    dashboard = on_a_phone(manager)
    expect(dashboard).to_have_url(re.compile(r"/dashboard/$"))
    assert_fits(dashboard, screenshot, "dashboard")

    federation = on_a_phone(analyst)
    expect(federation).to_have_url(re.compile(r"/federation/$"))
    assert_fits(federation, screenshot, "federation")


def test_the_online_reception_on_a_phone_is_filled_from_the_keyboard(
    center, on_a_phone, live_server, screenshot
):
    page = on_a_phone()
    page.goto(f"{live_server.url}/online/")
    assert_fits(page, screenshot, "online")
    assert_accessible(page)
    # Tab from the first field reaches every field of the form, the consent box included
    page.focus("#id_place")
    reached = set()
    for _ in range(40):
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.className"))
        if "id_consent" in reached:
            break
        page.keyboard.press("Tab")
    assert {"id_full_name", "id_phone", "id_question", "id_files", "id_consent"} <= reached
    page.keyboard.press("Space")
    expect(page.locator("#id_consent")).to_be_checked()
