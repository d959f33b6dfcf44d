"""The main flows in a real browser, in Russian as most users work: the reception registers a walk-in
and opens a case for a lawyer, the lawyer decides it, a manager extends a deadline and builds a report
and downloads it, an analyst chooses the federation's period. One flow runs in Kazakh, one in English.

Each checks what the user sees (dates as dd.mm.yyyy, figures grouped as the language groups them) and
what was saved. Date fields are filled the way a browser fills its date picker."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from clinic import services
from clinic.models import Application, Outcome, Service, Status
from organizations.models import Role, TerritorialCenter
from reports.models import Report
from reports.periods import Period, PeriodKind
from tests.factories import ApplicationFactory, StaffFactory, kind, outcome

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

NBSP = "\xa0"  # the thousands separator of Russian and Kazakh


@pytest.fixture
def center():
    call_command("seed_reference", verbosity=0)
    return TerritorialCenter.objects.order_by("iso_code").first()


def _decided(case: Application, by, *, recovered: str, on: date) -> Application:
    services.application_change_status(application=case, by=by, to_status=Status.IN_PROGRESS)
    case.refresh_from_db()
    return services.application_decide(
        application=case,
        by=by,
        outcome=outcome(Outcome.SATISFIED),
        recovered_kzt=Decimal(recovered),
        decided_on=on,
    )


def test_the_reception_registers_a_walk_in_and_opens_a_case_for_a_lawyer(center, sign_in, screenshot):
    # given
    reception = StaffFactory(role=Role.RECEPTION, center=center)
    lawyer = StaffFactory(role=Role.LAWYER, center=center, first_name="Айгерим", last_name="Юристова")
    page = sign_in(reception)
    expect(page).to_have_url(re.compile(r"/reception/$"))
    expect(page.locator("h1")).to_have_text("Приёмная")
    # when: nobody is found, so the visitor is new
    page.fill("#q", "Даурен Пришедший")
    expect(page.locator("#person-results input[value=new]")).to_be_checked()
    page.fill("#id_full_name", "Даурен Пришедший")
    page.fill("#id_phone", "+77015550101")
    page.fill("#id_question", "Уволили без предупреждения.")
    page.check("input[name=result][value=case_opened]")
    page.select_option("#id_service", Service.LEGAL_CLINIC)
    page.select_option("#id_kind", str(kind().pk))
    page.select_option("#id_lawyer", str(lawyer.pk))
    page.locator(".topics input[type=checkbox]").first.check()
    screenshot(page, "reception-desk")
    page.click("#walk-in button[type=submit]")
    # then
    case = Application.objects.get(person__full_name="Даурен Пришедший")
    expect(page.locator(".messages")).to_contain_text(f"открыто обращение {case.registration_number}")
    assert case.lawyer_id == lawyer.pk
    assert case.center_id == center.pk
    # and the lawyer finds it in the list, received today as dd.mm.yyyy
    cases = sign_in(lawyer)
    cases.goto(cases.url.split("/cases/")[0] + "/cases/")
    row = cases.locator("table.cases tr", has_text=case.registration_number)
    expect(row).to_contain_text(timezone.localdate().strftime("%d.%m.%Y"))


def test_the_lawyer_takes_the_case_into_work_and_decides_it(center, sign_in, screenshot):
    # given
    lawyer = StaffFactory(role=Role.LAWYER, center=center)
    case = ApplicationFactory(center=center, lawyer=lawyer)
    page = sign_in(lawyer)
    # when
    page.click(f"text={case.registration_number}")
    page.select_option("#status-to_status", Status.IN_PROGRESS)
    page.click("#action-status button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Статус изменён.")
    page.select_option("#decide-outcome", Outcome.SATISFIED)
    page.fill("#decide-recovered_kzt", "4536000")
    expect(page.locator("#decide-decided_on")).to_have_attribute("type", "date")
    page.fill("#decide-decided_on", timezone.localdate().isoformat())
    screenshot(page, "case-page")
    page.click("#action-decide button[type=submit]")
    # then
    expect(page.locator(".messages")).to_contain_text("по обращению вынесено решение")
    expect(page.locator("dl.details").first).to_contain_text(f"4{NBSP}536{NBSP}000,00")
    case.refresh_from_db()
    assert case.status == Status.DECIDED
    assert case.outcome_id == Outcome.SATISFIED
    assert case.recovered_kzt == Decimal("4536000.00")
    assert case.decided_on == timezone.localdate()


@pytest.mark.parametrize(
    ("language", "done", "extended"),
    [("ru-RU", "Срок продлён.", "Срок продлён: "), ("kk-KZ", "Мерзім ұзартылды.", "Мерзім ұзартылды: ")],
)
def test_a_manager_extends_a_deadline_with_the_browsers_date_picker(
    center, sign_in, screenshot, language, done, extended
):
    # given
    manager = StaffFactory(role=Role.MANAGER, center=center)
    case = ApplicationFactory(center=center)
    new_due_on = case.due_on + timedelta(days=10)
    page = sign_in(manager, language)
    page.goto(page.url.split("/dashboard/")[0] + f"/cases/{case.pk}/")
    # when: the date fields are the browser's date pickers, which take ISO dates
    for field in ("#extend-new_due_on", "#extend-applicant_notified_on"):
        expect(page.locator(field)).to_have_attribute("type", "date")
    page.fill("#extend-new_due_on", new_due_on.isoformat())
    page.fill("#extend-reason", "Ждём ответа трудовой инспекции.")
    page.fill("#extend-applicant_notified_on", timezone.localdate().isoformat())
    page.click("#action-extend button[type=submit]")
    # then: the page says so and writes the dates day first
    expect(page.locator(".messages")).to_contain_text(done)
    expect(page.locator(".timeline")).to_contain_text(
        f"{extended}{case.due_on:%d.%m.%Y} → {new_due_on:%d.%m.%Y}"
    )
    screenshot(page, f"deadline-extended-{language}")
    case.refresh_from_db()
    assert case.due_on == new_due_on
    extension = case.extensions.get()
    assert (extension.extended_by, extension.applicant_notified_on) == (manager, timezone.localdate())


@pytest.mark.parametrize(
    ("language", "done", "money"),
    [("ru-RU", "Готово", f"4{NBSP}536{NBSP}000,00"), ("en-US", "Done", "4,536,000.00")],
)
def test_a_manager_builds_a_report_on_demand_and_downloads_it(
    center, sign_in, screenshot, language, done, money
):
    # given: a case decided this month, with money recovered
    manager = StaffFactory(role=Role.MANAGER, center=center)
    _decided(ApplicationFactory(center=center), manager, recovered="4536000", on=timezone.localdate())
    last_month = Period.last_completed(PeriodKind.MONTH, timezone.localdate())
    ApplicationFactory(center=center, received_on=last_month.start)
    page = sign_in(manager, language)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator('[data-kpi="recovered_kzt"] .value')).to_have_text(money)
    # when: the day is picked in the date field; the report is built (eagerly, in the request)
    day = page.locator("form.build-report input[name=day]")
    expect(day).to_have_attribute("type", "date")
    expect(day).to_have_value(last_month.start.isoformat())
    page.select_option("form.build-report select[name=period_kind]", PeriodKind.MONTH)
    day.fill((last_month.start + timedelta(days=14)).isoformat())
    page.click("form.build-report button[type=submit]")
    report = Report.objects.get(center=center, period_kind=PeriodKind.MONTH, period_start=last_month.start)
    row = page.locator(f"#report-{report.pk}")
    expect(row).to_contain_text(done)
    screenshot(page, f"dashboard-{language}")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="XLSX").click()
    # then
    download = download_info.value
    assert download.suggested_filename == f"report-{center.iso_code}-{last_month}.xlsx"
    assert report.figures["totals"]["received"] == 1


def test_the_federation_analyst_chooses_a_period(center, sign_in, screenshot):
    # given: in 2021 the center decided a case that recovered 1,250,000.50 KZT
    manager = StaffFactory(role=Role.MANAGER, center=center)
    _decided(
        ApplicationFactory(center=center, received_on=date(2021, 3, 1)),
        manager,
        recovered="1250000.50",
        on=date(2021, 3, 15),
    )
    analyst = StaffFactory(role=Role.ANALYST, center=None)
    page = sign_in(analyst)
    expect(page).to_have_url(re.compile(r"/federation/$"))
    # when: the year, and a day of it picked in the date field
    page.select_option("select[name=period_kind]", PeriodKind.YEAR)
    expect(page.locator("input[name=day]")).to_have_attribute("type", "date")
    page.fill("input[name=day]", "2021-06-15")
    page.get_by_role("button", name="Показать").click()
    # then: the period as dd.mm.yyyy, the chosen day kept in the field, the money grouped
    expect(page).to_have_url(re.compile(r"period_kind=year&day=2021-06-15"))
    expect(page.locator("main")).to_contain_text("01.01.2021 – 31.12.2021")
    expect(page.locator("input[name=day]")).to_have_value("2021-06-15")
    row = page.locator("table.federation tbody tr", has_text=center.name_ru)
    expect(row).to_contain_text(f"1{NBSP}250{NBSP}000,50")
    expect(row).to_contain_text("100,0")
    screenshot(page, "federation")
