"""Deadline reminders: each lawyer gets one e-mail listing the open cases assigned to them that are
overdue or due within CLINIC_REMINDER_DAYS_AHEAD working days; nothing for a lawyer with nothing due."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from clinic import services, workdays
from clinic.models import Application, Status
from clinic.reminders import reminders_send
from clinic.tasks import send_deadline_reminders
from organizations.models import Role
from tests.factories import PersonFactory, StaffFactory, outcome

# Monday 12 April 2021: 3 working days ahead is Thursday 15 April.
TODAY = date(2021, 4, 12)
# 15 working days after these dates of receipt (Nauryz 21-24 March skipped):
RECEIVED_DUE_8_APRIL = date(2021, 3, 15)  # overdue on TODAY
RECEIVED_DUE_14_APRIL = date(2021, 3, 19)  # due in 2 working days
RECEIVED_DUE_15_APRIL = date(2021, 3, 25)  # due in exactly 3 working days
RECEIVED_DUE_19_APRIL = date(2021, 3, 29)  # due in 5 working days


@pytest.fixture
def case_for(register_case, center):
    def register(lawyer, received_on: date, applicant: str = "") -> Application:
        person = PersonFactory(center=center, **({"full_name": applicant} if applicant else {}))
        return register_case(lawyer=lawyer, person=person, received_on=received_on)

    return register


def _lawyer(center, name: str, email: str, **kwargs):
    first, last = name.split()
    return StaffFactory(
        role=Role.LAWYER, center=center, first_name=first, last_name=last, email=email, **kwargs
    )


@pytest.mark.django_db
def test_each_lawyer_gets_one_email_listing_overdue_and_due_soon_cases(case_for, center):
    # given
    aliya = _lawyer(center, "Aliya Nurlanova", "aliya@clinic.example")
    bolat = _lawyer(center, "Bolat Serikov", "bolat@clinic.example")
    overdue = case_for(aliya, RECEIVED_DUE_8_APRIL, "Aigerim Seitkali")
    due_soon = case_for(aliya, RECEIVED_DUE_14_APRIL, "Dauren Abenov")
    due_on_the_last_day = case_for(aliya, RECEIVED_DUE_15_APRIL, "Gulnara Ospanova")
    too_far = case_for(aliya, RECEIVED_DUE_19_APRIL, "Marat Zhaksylykov")
    decided = case_for(aliya, RECEIVED_DUE_8_APRIL, "Saule Akhmetova")
    decided = services.application_change_status(application=decided, by=aliya, to_status=Status.IN_PROGRESS)
    services.application_decide(application=decided, by=aliya, outcome=outcome())
    bolat_far = case_for(bolat, RECEIVED_DUE_19_APRIL)
    assert (
        overdue.due_on,
        due_soon.due_on,
        due_on_the_last_day.due_on,
        too_far.due_on,
        bolat_far.due_on,
    ) == (
        date(2021, 4, 8),
        date(2021, 4, 14),
        date(2021, 4, 15),
        date(2021, 4, 19),
        date(2021, 4, 19),
    )
    # when
    sent = reminders_send(today=TODAY)
    # then: one e-mail, to Aliya only
    assert sent == 1
    [email] = mail.outbox
    assert email.to == ["aliya@clinic.example"]
    assert "3 cases" in email.subject
    assert "1 overdue" in email.subject
    body = email.body
    assert "Dear Aliya Nurlanova," in body
    lines = {line.split(" | ")[0].lstrip("- "): line for line in body.splitlines() if " | " in line}
    assert set(lines) == {
        overdue.registration_number,
        due_soon.registration_number,
        due_on_the_last_day.registration_number,
    }
    assert lines[overdue.registration_number] == (
        f"- {overdue.registration_number} | Aigerim Seitkali | due 2021-04-08 | OVERDUE"
    )
    assert (
        lines[due_soon.registration_number]
        == f"- {due_soon.registration_number} | Dauren Abenov | due 2021-04-14"
    )
    assert "OVERDUE" not in lines[due_on_the_last_day.registration_number]
    # the overdue case comes first
    assert body.index(overdue.registration_number) < body.index(due_soon.registration_number)
    assert too_far.registration_number not in body
    assert decided.registration_number not in body
    assert "Marat Zhaksylykov" not in body


@pytest.mark.django_db
def test_nothing_is_sent_when_nothing_is_due(case_for, center):
    # given
    bolat = _lawyer(center, "Bolat Serikov", "bolat@clinic.example")
    case_for(bolat, RECEIVED_DUE_19_APRIL)
    # when
    sent = reminders_send(today=TODAY)
    # then
    assert sent == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_only_active_lawyers_with_an_email_are_reminded(case_for, center, manager):
    # given: overdue cases held by a lawyer without e-mail, an inactive lawyer, a manager, nobody
    case_for(_lawyer(center, "No Mail", ""), RECEIVED_DUE_8_APRIL)
    case_for(_lawyer(center, "Gone Away", "gone@clinic.example", is_active=False), RECEIVED_DUE_8_APRIL)
    manager.email = "manager@clinic.example"
    manager.save(update_fields=["email"])
    case_for(manager, RECEIVED_DUE_8_APRIL)
    case_for(None, RECEIVED_DUE_8_APRIL)
    # when / then
    assert reminders_send(today=TODAY) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_constant_queries_however_many_cases_and_lawyers(case_for, center, django_assert_max_num_queries):
    # given (three queries: the cases, the labor disputes due or passed, tomorrow's events)
    lawyers = [_lawyer(center, f"Lawyer Number{n}", f"lawyer{n}@clinic.example") for n in range(5)]
    case_for(lawyers[0], RECEIVED_DUE_8_APRIL)
    case_for(lawyers[1], RECEIVED_DUE_14_APRIL)
    with django_assert_max_num_queries(3):
        assert reminders_send(today=TODAY) == 2
    mail.outbox.clear()
    for n in range(15):
        case_for(lawyers[n % 5], RECEIVED_DUE_8_APRIL if n % 2 else RECEIVED_DUE_14_APRIL)
    # when / then
    with django_assert_max_num_queries(3):
        assert reminders_send(today=TODAY) == 5
    # 17 cases: lawyers 0 and 1 hold 4 each, the other three 3 each
    listed = sorted(len([line for line in m.body.splitlines() if " | " in line]) for m in mail.outbox)
    assert listed == [3, 3, 3, 4, 4]


@pytest.mark.django_db
def test_the_daily_task_reminds_about_cases_overdue_today(case_for, center):
    # given: a case received 60 days ago is long past its 15 working days
    aliya = _lawyer(center, "Aliya Nurlanova", "aliya@clinic.example")
    application = case_for(aliya, timezone.localdate() - timedelta(days=60))
    assert application.due_on < timezone.localdate()
    assert workdays.working_days_between(application.received_on, application.due_on) == 15
    # when
    sent = send_deadline_reminders()
    # then
    assert sent == 1
    assert application.registration_number in mail.outbox[0].body
    assert send_deadline_reminders.name == "clinic.tasks.send_deadline_reminders"
