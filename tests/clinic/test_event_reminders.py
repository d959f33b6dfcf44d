"""The daily reminder lists each lawyer's hearings and meetings of tomorrow, beside the cases due: a
lawyer with events and nothing due gets one too; the events cost one query however many."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from clinic import services
from clinic.models import Event, Status
from clinic.reminders import reminders_send
from clinic.tasks import send_deadline_reminders
from organizations.models import Role
from tests.factories import StaffFactory
from tests.fixtures.api_support import new_employer

pytestmark = pytest.mark.django_db

TODAY = date(2021, 4, 12)  # a Monday
TOMORROW = TODAY + timedelta(days=1)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _lawyer(center, name: str):
    first, last = name.split()
    return StaffFactory(
        role=Role.LAWYER,
        center=center,
        first_name=first,
        last_name=last,
        email=f"{first.lower()}@clinic.example",
    )


def _case(register_case, lawyer, **kwargs):
    case = register_case(lawyer=lawyer, **kwargs)
    return services.application_change_status(application=case, by=lawyer, to_status=Status.IN_PROGRESS)


def test_a_lawyer_with_only_events_tomorrow_gets_a_reminder_listing_them(register_case, center):
    # given: a case not due for weeks, a hearing tomorrow at 10:30 and a meeting the day after
    aliya = _lawyer(center, "Aliya Nurlanova")
    case = _case(register_case, aliya, received_on=TODAY)
    hearing = services.event_create(
        by=aliya, record=case, kind=Event.Kind.HEARING, starts_at=_at(TOMORROW, 10, 30), place="Court No. 2"
    )
    services.event_create(by=aliya, record=case, kind=Event.Kind.EMPLOYER_MEETING, starts_at=_at(TODAY, 15))
    services.event_create(
        by=aliya,
        record=case,
        kind=Event.Kind.EMPLOYER_MEETING,
        starts_at=_at(TOMORROW + timedelta(days=1), 0),
    )
    # when
    assert reminders_send(today=TODAY) == 1
    # then
    [email] = mail.outbox
    assert email.to == ["aliya@clinic.example"]
    assert email.subject == "Tomorrow: 1 hearing or meeting"
    assert "Your hearings and meetings tomorrow:" in email.body
    assert f"- 10:30 | Court hearing | {case.registration_number} | Court No. 2" in email.body
    assert "Meeting with the employer" not in email.body
    assert "cases assigned to you" not in email.body
    assert hearing.lawyer == aliya  # the case's lawyer by default


def test_the_cases_due_and_the_events_go_in_one_email(register_case, center):
    bolat = _lawyer(center, "Bolat Serikov")
    overdue = _case(register_case, bolat, received_on=date(2021, 3, 15))
    dispute = services.dispute_register(
        by=bolat, employer=new_employer(center=center), subject="Wages", lawyer=bolat
    )
    services.event_create(by=bolat, record=dispute, kind=Event.Kind.CONCILIATION, starts_at=_at(TOMORROW, 9))
    assert reminders_send(today=TODAY) == 1
    [email] = mail.outbox
    assert "1 case needs your attention" in email.subject
    assert overdue.registration_number in email.body
    assert "- 09:00 | Conciliation commission meeting | Individual: " in email.body


def test_the_reminder_is_in_russian_when_russian_is_active(register_case, center):
    aliya = _lawyer(center, "Aliya Nurlanova")
    case = _case(register_case, aliya, received_on=TODAY)
    services.event_create(by=aliya, record=case, kind=Event.Kind.HEARING, starts_at=_at(TOMORROW, 11))
    with translation.override("ru"):
        reminders_send(today=TODAY)
    assert mail.outbox[0].subject == "Завтра: 1 заседание или встреча"
    assert "Судебное заседание" in mail.outbox[0].body


def test_one_query_for_the_events_however_many(register_case, center, django_assert_max_num_queries):
    lawyers = [_lawyer(center, f"Lawyer Number{n}") for n in range(4)]
    cases = [_case(register_case, lawyer, received_on=TODAY) for lawyer in lawyers]
    services.event_create(by=lawyers[0], record=cases[0], kind=Event.Kind.HEARING, starts_at=_at(TOMORROW, 9))
    with django_assert_max_num_queries(3):  # the cases due (none), the disputes due, tomorrow's events
        assert reminders_send(today=TODAY) == 1
    mail.outbox.clear()
    for n in range(12):
        services.event_create(
            by=lawyers[n % 4], record=cases[n % 4], kind=Event.Kind.INSPECTION, starts_at=_at(TOMORROW, 8 + n)
        )
    with django_assert_max_num_queries(3):
        assert reminders_send(today=TODAY) == 4
    assert sorted(len([line for line in m.body.splitlines() if " | " in line]) for m in mail.outbox) == [
        3,
        3,
        3,
        4,
    ]


def test_the_daily_task_sends_tomorrows_events(register_case, center):
    aliya = _lawyer(center, "Aliya Nurlanova")
    case = _case(register_case, aliya)
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.event_create(by=aliya, record=case, kind=Event.Kind.HEARING, starts_at=_at(tomorrow, 10))
    assert send_deadline_reminders() == 1
    assert case.registration_number in mail.outbox[0].body
