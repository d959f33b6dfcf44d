"""The dispute pages: the list (a lawyer's own, the center's; due within the days ahead and passed
flagged; the nearest deadline first) and a dispute's page with its limitation dates and actions."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from clinic import limitation, services
from clinic.models import LaborDispute
from organizations.models import Role
from tests.clinic.limitation_rules import seed_limitation_rules
from tests.factories import EmployerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rules():
    return seed_limitation_rules()


def _act_due_in(days_from: int, days_to: int) -> date:
    """A dismissal whose one-month last day to file falls `days_from`..`days_to` days from today (a day off
    may move the last day: the first dismissal day that lands in the window)."""
    today = timezone.localdate()
    for shift in range(-10, 40):
        act = today - relativedelta(months=1) + timedelta(days=shift)
        if days_from <= (limitation.period_end(act, 1, limitation.MONTHS) - today).days <= days_to:
            return act
    raise AssertionError("no such day")


def dispute_of(center, lawyer, *, act: date | None, employer_name: str = "", **kwargs) -> LaborDispute:
    employer = EmployerFactory(center=center, **({"name": employer_name} if employer_name else {}))
    return services.dispute_register(
        by=lawyer,
        employer=employer,
        subject=kwargs.pop("subject", "Reinstatement after dismissal"),
        is_reinstatement=kwargs.pop("is_reinstatement", True),
        disputed_act_on=act,
        opened_on=min(act or timezone.localdate(), timezone.localdate()),
        lawyer=lawyer,
        **kwargs,
    )


def test_the_page_in_russian_shows_the_last_day_to_file_a_reinstatement_claim(client_for, center, lawyer):
    dispute = dispute_of(center, lawyer, act=_act_due_in(2, 7), employer_name="ТОО «Казмырыш»")
    days = (dispute.filing_due_on - timezone.localdate()).days

    page = client_for(lawyer).get(f"/disputes/{dispute.pk}/", HTTP_ACCEPT_LANGUAGE="ru").text

    with translation.override("ru"):
        last_day = date_format(dispute.filing_due_on, "DATE_FORMAT")
    assert "Последний день подачи заявления" in page
    assert last_day in page
    assert "Истекает через" in page
    assert f"{days} " in page
    assert "ТОО «Казмырыш»" in page
    # the rule's name, in the page's language
    assert "Иск о восстановлении на работе: один месяц" in page


def test_the_list_flags_due_soon_and_passed_nearest_first_in_constant_queries(client_for, center, lawyer):
    # given
    far = dispute_of(center, lawyer, act=timezone.localdate() - timedelta(days=3))
    passed = dispute_of(center, lawyer, act=timezone.localdate() - relativedelta(months=3))
    soon = dispute_of(center, lawyer, act=_act_due_in(0, 6))
    no_date = dispute_of(center, lawyer, act=None)
    client = client_for(lawyer)
    # when
    with CaptureQueriesContext(connection) as few:
        response = client.get("/disputes/")
    # then
    assert response.status_code == 200
    assert [d.pk for d in response.context["paging"].rows] == [passed.pk, soon.pk, far.pk, no_date.pk]
    rows = response.text.split("<tbody>")[1].split("</tr>")
    assert "Passed" in rows[0]
    assert "Due in" in rows[1] or "Due today" in rows[1]
    assert "Passed" not in rows[2]
    assert "Due in" not in rows[2]
    # the same number of queries for many more disputes
    for _ in range(6):
        dispute_of(center, lawyer, act=_act_due_in(0, 6))
        dispute_of(center, lawyer, act=timezone.localdate() - relativedelta(months=2))
    with CaptureQueriesContext(connection) as many:
        client.get("/disputes/")
    assert len(many) == len(few)


def test_filters_due_soon_passed_mine_and_the_center(client_for, center, lawyer):
    colleague = StaffFactory(role=Role.LAWYER, center=center)
    passed = dispute_of(center, lawyer, act=timezone.localdate() - relativedelta(months=2))
    soon = dispute_of(center, lawyer, act=_act_due_in(0, 6))
    theirs = dispute_of(center, colleague, act=_act_due_in(0, 6))
    client = client_for(lawyer)

    def listed(**query) -> list[int]:
        return [d.pk for d in client.get("/disputes/", query).context["paging"].rows]

    assert listed() == [passed.pk, soon.pk]  # a lawyer's own, by default
    assert listed(deadline="passed") == [passed.pk]
    assert listed(deadline="due_soon") == [soon.pk]
    assert set(listed(scope="center", deadline="due_soon")) == {soon.pk, theirs.pk}


def test_another_centers_dispute_is_not_found(client_for, center, other_center, lawyer):
    foreign = dispute_of(other_center, StaffFactory(role=Role.LAWYER, center=other_center), act=None)

    assert client_for(lawyer).get(f"/disputes/{foreign.pk}/").status_code == 404
    response = client_for(lawyer).post(f"/disputes/{foreign.pk}/claim/", {"registered_on": "2025-01-10"})
    assert response.status_code == 404
    assert foreign.pk not in [
        d.pk for d in client_for(lawyer).get("/disputes/?scope=center").context["paging"].rows
    ]


def test_reception_reads_the_dispute_but_may_not_act(client_for, center, lawyer, reception):
    dispute = dispute_of(center, lawyer, act=date(2025, 2, 21))

    page = client_for(reception).get(f"/disputes/{dispute.pk}/")
    response = client_for(reception).post(
        f"/disputes/{dispute.pk}/claim/", {"registered_on": "2025-03-03", "version": dispute.version}
    )

    assert page.status_code == 200
    assert page.context["actions"] == []
    assert response.status_code == 403


def test_recording_the_claims_registration_shows_the_decision_day(client_for, center, lawyer, case_of):
    # given: a dismissal of 2 March 2026, its claim registered on Monday 16 March, a linked case
    case = case_of(center, lawyer=lawyer)
    dispute = dispute_of(center, lawyer, act=date(2026, 3, 2), applications=[case])
    client = client_for(lawyer)
    page = client.get(f"/disputes/{dispute.pk}/")
    assert f"/cases/{case.pk}/" in page.text
    assert [offered.slug for offered in page.context["actions"]] == ["claim", "stage", "resolve", "event"]
    # when
    response = client.post(
        f"/disputes/{dispute.pk}/claim/", {"registered_on": "2026-03-16", "version": dispute.version}
    )
    # then: 15 working days, Nauryz skipped
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.stage, dispute.decision_due_on) == (LaborDispute.Stage.CONCILIATION, date(2026, 4, 9))
    page = client.get(response["Location"])
    assert "Claim registration recorded" in page.text
    assert date_format(date(2026, 4, 9), "DATE_FORMAT") in page.text
    assert "Passed" in page.text  # 9 April 2026 is behind us


def test_a_wrong_date_comes_back_with_the_error_in_russian(client_for, center, lawyer):
    dispute = dispute_of(center, lawyer, act=date(2025, 2, 21))
    client = client_for(lawyer)

    empty = client.post(
        f"/disputes/{dispute.pk}/claim/",
        {"registered_on": "", "version": dispute.version},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    early = client.post(
        f"/disputes/{dispute.pk}/claim/",
        {"registered_on": "2025-02-01", "version": dispute.version},
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert empty.status_code == 422
    assert "Обязательное поле." in empty.text
    assert 'class="required-mark"' in empty.text
    assert early.status_code == 422
    assert "Заявление не может быть зарегистрировано раньше оспариваемого акта." in early.text
    dispute.refresh_from_db()
    assert dispute.claim_registered_on is None


def test_a_resolved_dispute_offers_no_actions(client_for, center, lawyer):
    dispute = dispute_of(center, lawyer, act=date(2025, 2, 21))
    dispute = services.dispute_resolve(dispute=dispute, by=lawyer, result=LaborDispute.Result.IN_FAVOR)

    page = client_for(lawyer).get(f"/disputes/{dispute.pk}/")
    response = client_for(lawyer).post(
        f"/disputes/{dispute.pk}/stage/", {"stage": "court", "version": dispute.version}
    )

    assert page.context["actions"] == []
    assert response.status_code == 302  # back to the dispute, saying it is not possible now
    dispute.refresh_from_db()
    assert dispute.stage == LaborDispute.Stage.NEGOTIATION


def test_lawyers_and_managers_find_the_disputes_in_the_navigation(client_for, lawyer, manager, reception):
    assert 'href="/disputes/"' in client_for(lawyer).get("/cases/").text
    assert 'href="/disputes/"' in client_for(manager).get("/cases/").text
    assert 'href="/disputes/"' not in client_for(reception).get("/cases/").text
