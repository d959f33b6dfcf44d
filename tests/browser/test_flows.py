"""The main flows in a real browser: the reception opens a case for a lawyer, the lawyer decides it,
a manager builds a report and downloads it, an analyst compares the centers."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from clinic.models import Application, Outcome, Service, Status
from organizations.models import Role, TerritorialCenter
from reports.models import Report
from reports.periods import Period, PeriodKind
from tests.factories import ApplicationFactory, StaffFactory, kind

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def center():
    call_command("seed_reference", verbosity=0)
    return TerritorialCenter.objects.order_by("iso_code").first()


def test_the_reception_registers_a_walk_in_and_opens_a_case_for_a_lawyer(center, sign_in, screenshot):
    # given
    reception = StaffFactory(role=Role.RECEPTION, center=center)
    lawyer = StaffFactory(role=Role.LAWYER, center=center, first_name="Aigerim", last_name="Lawyer")
    page = sign_in(reception)
    expect(page).to_have_url(re.compile(r"/reception/$"))
    # when: nobody is found, so the visitor is new
    page.fill("#q", "Dauren Walk-In")
    expect(page.locator("#person-results input[value=new]")).to_be_checked()
    page.fill("#id_full_name", "Dauren Walk-In")
    page.fill("#id_phone", "+77015550101")
    page.fill("#id_question", "Dismissed without notice.")
    page.check("input[name=result][value=case_opened]")
    page.select_option("#id_service", Service.LEGAL_CLINIC)
    page.select_option("#id_kind", str(kind().pk))
    page.select_option("#id_lawyer", str(lawyer.pk))
    page.locator(".topics input[type=checkbox]").first.check()
    screenshot(page, "reception-desk")
    page.click("#walk-in button[type=submit]")
    # then
    expect(page.locator(".messages")).to_contain_text("opened")
    case = Application.objects.get(person__full_name="Dauren Walk-In")
    assert case.lawyer_id == lawyer.pk
    assert case.center_id == center.pk


def test_the_lawyer_takes_the_case_into_work_and_decides_it(center, sign_in, screenshot):
    # given
    lawyer = StaffFactory(role=Role.LAWYER, center=center)
    case = ApplicationFactory(center=center, lawyer=lawyer)
    page = sign_in(lawyer)
    # when
    page.click(f"text={case.registration_number}")
    page.select_option("#status-to_status", Status.IN_PROGRESS)
    page.click("#action-status button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Status changed.")
    page.select_option("#decide-outcome", Outcome.SATISFIED)
    page.fill("#decide-recovered_kzt", "25000")
    screenshot(page, "case-page")
    page.click("#action-decide button[type=submit]")
    # then
    expect(page.locator(".messages")).to_contain_text("the case is decided")
    case.refresh_from_db()
    assert case.status == Status.DECIDED
    assert case.outcome_id == Outcome.SATISFIED


def test_a_manager_builds_a_report_and_downloads_it_and_an_analyst_compares_centers(
    center, sign_in, screenshot
):
    # given
    manager = StaffFactory(role=Role.MANAGER, center=center)
    last_month = Period.last_completed(PeriodKind.MONTH, timezone.localdate())
    ApplicationFactory(center=center, received_on=last_month.start)
    page = sign_in(manager)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    # when: the report is built (eagerly, in the request) and its row shows the downloads
    page.select_option("form.build-report select[name=period_kind]", PeriodKind.MONTH)
    page.fill("form.build-report input[name=day]", last_month.start.isoformat())
    page.click("form.build-report button[type=submit]")
    report = Report.objects.get(center=center, period_kind=PeriodKind.MONTH, period_start=last_month.start)
    row = page.locator(f"#report-{report.pk}")
    expect(row).to_contain_text("Done")
    screenshot(page, "dashboard")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="XLSX").click()
    # then
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert download.suggested_filename == f"report-{center.iso_code}-{last_month}.xlsx"
    # and the federation analyst sees the centers side by side
    analyst = StaffFactory(role=Role.ANALYST, center=None)
    federation = sign_in(analyst)
    expect(federation).to_have_url(re.compile(r"/federation/$"))
    expect(federation.locator("table.federation")).to_contain_text(str(center))
    screenshot(federation, "federation")
