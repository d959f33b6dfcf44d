"""axe-core on the pages people use most, in Russian: the desk, the case list and page, the dashboard,
the online reception (anonymous), its tracking page, the desk's page of a question sent online and
the printable report. No violation of WCAG 2.1 A/AA or axe's best practices, whatever its impact.

The pages are checked with errors shown too (a form sent empty), where the markup differs most."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from clinic import services
from clinic.models import Outcome, Status, Topic
from organizations.models import Role, TerritorialCenter
from reports import services as report_services
from reports.models import Report
from reports.periods import Period, PeriodKind
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import ApplicationFactory, StaffFactory, outcome

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def center():
    call_command("seed_reference", verbosity=0)
    return TerritorialCenter.objects.get(code="ALR")


@pytest.fixture
def anonymous_page(browser, live_server):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _sent_online(center) -> tuple[int, str]:
    submission, code = services.online_submission_create(
        center=center,
        full_name="Гульнара Онлайн",
        phone="+77015557766",
        topic=Topic.objects.get(code="wages"),
        question="Зарплату не платят три месяца.",
        consent=True,
    )
    return submission.visit_id, code


def test_the_desk_and_a_question_sent_online_are_accessible(center, sign_in):
    reception = StaffFactory(role=Role.RECEPTION, center=center)
    visit_id, _code = _sent_online(center)
    page = sign_in(reception)
    expect(page).to_have_url(re.compile(r"/reception/$"))
    assert_accessible(page)
    # the desk sent empty: every error shown
    page.click("#walk-in button[type=submit]")
    expect(page.locator("#walk-in .has-error").first).to_be_visible()
    assert_accessible(page)
    page.goto(f"{page.url.split('/reception/')[0]}/reception/online/{visit_id}/")
    expect(page.locator("table.sender")).to_contain_text("+77015557766")
    assert_accessible(page)


def test_the_case_list_and_the_case_page_are_accessible(center, sign_in, live_server):
    lawyer = StaffFactory(role=Role.LAWYER, center=center)
    case = ApplicationFactory(center=center, lawyer=lawyer)
    services.note_add(application=case, by=lawyer, text="Позвонить работодателю.")
    ApplicationFactory(center=center, lawyer=lawyer)
    page = sign_in(lawyer)
    page.goto(f"{live_server.url}/cases/")
    expect(page.locator("table.cases tbody tr")).to_have_count(2)
    assert_accessible(page)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert_accessible(page)
    # an action sent empty: its errors shown
    page.locator("#action-note button[type=submit]").click()
    expect(page.locator("#action-note .has-error")).to_be_visible()
    assert_accessible(page)


def test_the_dashboard_and_the_printable_report_are_accessible(center, sign_in, live_server):
    manager = StaffFactory(role=Role.MANAGER, center=center)
    decided = ApplicationFactory(center=center)
    services.application_change_status(application=decided, by=manager, to_status=Status.IN_PROGRESS)
    decided.refresh_from_db()
    services.application_decide(
        application=decided,
        by=manager,
        outcome=outcome(Outcome.SATISFIED),
        recovered_kzt=Decimal("150000"),
        decided_on=timezone.localdate(),
    )
    ApplicationFactory(center=center)
    month = Period.containing(PeriodKind.MONTH, timezone.localdate())
    report = report_services.report_request(
        center=center, period_kind=month.kind, period_start=month.start, by=manager
    )
    assert Report.objects.get(pk=report.pk).state == Report.State.DONE
    page = sign_in(manager)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/{report.pk}/print/")
    expect(page.locator("svg").first).to_be_visible()
    assert_accessible(page)


def test_the_online_reception_and_the_tracking_page_are_accessible(center, anonymous_page, live_server):
    page = anonymous_page
    page.goto(f"{live_server.url}/online/")
    assert_accessible(page)
    page.click("#online-question button[type=submit]")
    expect(page.locator("#online-question .has-error").first).to_be_visible()
    assert_accessible(page)
    _visit_id, code = _sent_online(center)
    page.goto(f"{live_server.url}/online/track/")
    assert_accessible(page)
    page.fill("#id_code", code)
    page.fill("#id_phone", "+77015557766")
    page.click("#track button[type=submit]")
    expect(page.locator("#tracked")).to_be_visible()
    assert_accessible(page)


def test_the_federation_sorts_and_leads_to_a_centers_cases(center, sign_in):
    ApplicationFactory.create_batch(2, center=center)
    analyst = StaffFactory(role=Role.ANALYST, center=None)
    page = sign_in(analyst)
    expect(page).to_have_url(re.compile(r"/federation/$"))
    page.select_option("select[name=period_kind]", PeriodKind.MONTH)
    page.fill("input[name=day]", timezone.localdate().isoformat())
    page.get_by_role("button", name="Показать").click()
    assert_accessible(page)
    # the header sorts, largest first, and says so
    page.locator("a.sort[data-sort=received]").click()
    received = page.locator("table.federation thead th", has=page.locator("a[data-sort=received]"))
    expect(received).to_have_attribute("aria-sort", "descending")
    expect(page.locator("table.federation tbody tr").first).to_contain_text(center.name_ru)
    assert_accessible(page)
    # the center's row leads to its cases
    page.locator("table.federation tbody tr", has_text=center.name_ru).locator("a.center-cases").click()
    expect(page).to_have_url(re.compile(rf"/cases/\?center={center.pk}$"))
    expect(page.locator("#id_center")).to_have_value(str(center.pk))
    expect(page.locator("table.cases tbody tr")).to_have_count(2)
    assert_accessible(page)
