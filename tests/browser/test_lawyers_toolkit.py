"""The lawyer's toolkit in a real browser, in Russian and in Kazakh: a letter filled from the case and
downloaded, a hearing scheduled for tomorrow and found in the calendar, and a reinstatement claim's last
day to file on the dispute page."""

import io
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import formats, timezone, translation
from docx import Document as Docx
from playwright.sync_api import expect

from clinic import services
from clinic.models import Event, LetterTemplate, Status
from organizations.models import Role, TerritorialCenter
from tests.factories import ApplicationFactory, EmployerFactory, PersonFactory, StaffFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def center():
    call_command("seed_reference", verbosity=0)  # the letter templates too
    return TerritorialCenter.objects.order_by("iso_code").first()


# A letter's date as each language writes it in an official letter: «30 ноября 2026 г.» and
# «2026 жылғы 30 қараша» (the Kazakh month names written out here, not read from Django's locale).
KAZAKH_MONTHS = (
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
)  # fmt: skip
# What the pages say, and the law as the limitation rule names it in each language.
LIMITATION_BASIS = {"ru": "ТК РК, ст. 160", "kk": "ҚР ЕК, 160-бап"}


def _date(value, format_name: str, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, format_name)


def _letter_date(value, language: str) -> str:
    if language == "kk":
        return f"{value.year} жылғы {value.day} {KAZAKH_MONTHS[value.month - 1]}"
    return _date(value, "j E Y", "ru") + " г."


def _in(language: str, message: str, plural: str = "", count: int = 0) -> str:
    with translation.override(language):
        return translation.ngettext(message, plural, count) if plural else translation.gettext(message)


@pytest.mark.parametrize("browser_language", ["ru-RU", "kk-KZ"])
def test_a_lawyer_writes_a_letter_schedules_a_hearing_and_reads_a_filing_deadline(
    center, sign_in, screenshot, browser_language
):
    language = browser_language[:2]
    # given a case of the lawyer's, with an employer, in progress
    lawyer = StaffFactory(role=Role.LAWYER, center=center, first_name="Айгерим", last_name="Юристова")
    employer = EmployerFactory(center=center, name="ТОО «Казмырыш»")
    person = PersonFactory(center=center, full_name="Даурен Сапаров")
    case = ApplicationFactory(center=center, person=person, lawyer=lawyer, employer=employer)
    services.application_change_status(application=case, by=lawyer, to_status=Status.IN_PROGRESS)
    template = LetterTemplate.objects.get(language=language, purpose=LetterTemplate.Purpose.EMPLOYER_REQUEST)
    page = sign_in(lawyer, browser_language)
    page.goto(page.url.split("/cases/")[0] + f"/cases/{case.pk}/")

    # when the lawyer picks the request to the employer
    page.select_option("#letter-template", str(template.pk))
    with page.expect_download() as download:
        page.click("#action-letter button[type=submit]")
    # then the letter is filled from the case, in the template's language
    letter = Docx(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(paragraph.text for paragraph in letter.paragraphs)
    assert case.registration_number in text
    assert "Даурен Сапаров" in text
    assert "ТОО «Казмырыш»" in text
    assert employer.bin in text
    assert _letter_date(timezone.localdate(), language) in text
    # and it stays among the case's documents
    assert case.documents.filter(original_name__endswith=".docx").count() == 1

    # when the lawyer schedules a court hearing for tomorrow at 10:30
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.goto(page.url.split("/cases/")[0] + f"/cases/{case.pk}/")
    page.select_option("#event-kind", Event.Kind.HEARING)
    page.fill("#event-starts_at", f"{tomorrow.isoformat()}T10:30")
    page.fill("#event-place", "Алмалинский районный суд, зал 5")
    page.click("#action-event button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(_in(language, "Event added to the calendar."))
    # then the calendar's week shows it on its day
    page.goto(page.url.split("/cases/")[0] + f"/calendar/?date={tomorrow.isoformat()}")
    day = page.locator(f"td.day:has(.day-number time[datetime='{tomorrow.isoformat()}'])")
    expect(day).to_contain_text("10:30")
    expect(day).to_contain_text(case.registration_number)
    screenshot(page, f"calendar-week-{language}")
    event = Event.objects.get()
    assert timezone.localtime(event.starts_at) == timezone.make_aware(
        datetime.combine(tomorrow, time(10, 30))
    )

    # given a reinstatement claim: dismissed, the order received 25 days ago (a month to file)
    dispute = services.dispute_register(
        by=lawyer,
        employer=employer,
        subject="Восстановление на работе",
        is_reinstatement=True,
        disputed_act_on=timezone.localdate() - timedelta(days=25),
    )
    # when the lawyer opens the dispute
    page.goto(page.url.split("/calendar/")[0] + f"/disputes/{dispute.pk}/")
    # then the last day to file is there, as a date of the language, flagged
    limitation = page.locator("section", has_text=_in(language, "Last day to file the claim"))
    expect(limitation).to_contain_text(_date(dispute.filing_due_on, "DATE_FORMAT", language))
    days_left = (dispute.filing_due_on - timezone.localdate()).days
    expect(limitation).to_contain_text(
        _in(language, "Due in %(days)s day", "Due in %(days)s days", days_left) % {"days": days_left}
    )
    expect(limitation).to_contain_text(LIMITATION_BASIS[language])
    screenshot(page, f"dispute-limitation-{language}")
