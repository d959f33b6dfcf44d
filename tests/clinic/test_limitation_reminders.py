"""The daily reminder also names each lawyer's labor disputes whose last day to file or expected
decision has passed or comes within CLINIC_DISPUTE_DAYS_AHEAD days; a lawyer with only such disputes
gets a reminder too."""

from datetime import date

import pytest
from django.core import mail

from clinic import services
from clinic.reminders import reminders_send
from organizations.models import Role
from tests.clinic.limitation_rules import seed_limitation_rules
from tests.factories import EmployerFactory, PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db

# Monday 12 April 2021; disputes are flagged 7 days ahead (to 19 April).
TODAY = date(2021, 4, 12)


@pytest.fixture(autouse=True)
def rules(calendar_overrides):
    calendar_overrides()  # python-holidays as released
    return seed_limitation_rules()


def _lawyer(center, name: str):
    first, last = name.split()
    return StaffFactory(
        role=Role.LAWYER,
        center=center,
        first_name=first,
        last_name=last,
        email=f"{first.lower()}@clinic.example",
    )


def _dispute(center, lawyer, employer: str, act: date, **kwargs):
    return services.dispute_register(
        by=lawyer,
        employer=EmployerFactory(center=center, name=employer),
        subject=kwargs.pop("subject", "Reinstatement after dismissal"),
        is_reinstatement=True,
        disputed_act_on=act,
        opened_on=act,
        lawyer=lawyer,
        **kwargs,
    )


def test_a_lawyer_with_only_disputes_due_gets_them_named(center):
    # given
    aliya = _lawyer(center, "Aliya Nurlanova")
    passed = _dispute(center, aliya, "Kazakhmys", date(2021, 2, 1))  # last day 1 March 2021
    soon = _dispute(center, aliya, "Kaztemirtrans", date(2021, 3, 16))  # 16 April 2021, a Friday
    far = _dispute(center, aliya, "Samruk Energy", date(2021, 4, 1))  # 1 May: Unity Day, 3 May off: 4 May
    before_the_commission = _dispute(center, aliya, "Air Astana", date(2021, 3, 1))
    services.dispute_register_claim(dispute=before_the_commission, by=aliya, registered_on=date(2021, 3, 29))
    resolved = _dispute(center, aliya, "Kazpost", date(2021, 2, 1))
    services.dispute_resolve(dispute=resolved, by=aliya, result="in_favor", resolved_on=date(2021, 3, 1))
    assert (passed.filing_due_on, soon.filing_due_on, far.filing_due_on) == (
        date(2021, 3, 1),
        date(2021, 4, 16),
        date(2021, 5, 4),
    )
    # when
    sent = reminders_send(today=TODAY)
    # then
    assert sent == 1
    [email] = mail.outbox
    assert email.to == ["aliya@clinic.example"]
    assert "3 labor disputes" in email.subject
    assert "1 passed" in email.subject
    lines = {line.split(" | ")[0].lstrip("- "): line for line in email.body.splitlines() if " | " in line}
    assert set(lines) == {"Kazakhmys", "Kaztemirtrans", "Air Astana"}
    assert lines["Kazakhmys"].endswith("last day to file 2021-03-01 | PASSED")
    assert lines["Kaztemirtrans"].endswith("last day to file 2021-04-16")
    # 15 working days after 29 March 2021: 19 April
    assert lines["Air Astana"].endswith("commission's decision expected by 2021-04-19")
    assert "cases assigned to you" not in email.body


def test_cases_and_disputes_in_one_email_in_three_queries(
    center, register_case, django_assert_max_num_queries
):
    bolat = _lawyer(center, "Bolat Serikov")
    case = register_case(lawyer=bolat, person=PersonFactory(center=center), received_on=date(2021, 3, 15))
    _dispute(center, bolat, "Kazakhmys", date(2021, 2, 1))
    for n in range(4):
        _dispute(center, _lawyer(center, f"Other Lawyer{n}"), f"Employer {n}", date(2021, 3, 16))

    with django_assert_max_num_queries(3):
        assert reminders_send(today=TODAY) == 5

    [email] = [message for message in mail.outbox if message.to == ["bolat@clinic.example"]]
    assert "1 case" in email.subject
    assert case.registration_number in email.body
    assert "Kazakhmys" in email.body
