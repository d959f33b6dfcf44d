"""The limitation clock in the API: the computed dates of /api/v1/labor-disputes/ (read-only), the
claim's registration (POST .../register-claim/ with If-Match), the `due_within` and `overdue` filters,
and the rules at /api/v1/limitation-rules/."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from clinic import limitation, services
from clinic.models import LaborDispute
from organizations.models import Role
from tests.clinic.limitation_rules import seed_limitation_rules
from tests.factories import StaffFactory
from tests.fixtures.api_support import new_employer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rules(calendar_overrides):
    calendar_overrides()  # python-holidays as released
    return seed_limitation_rules()


def dispute_of(center, lawyer, act: date | None) -> LaborDispute:
    return services.dispute_register(
        by=lawyer,
        employer=new_employer(center=center),
        subject="Dismissal",
        is_reinstatement=True,
        disputed_act_on=act,
        lawyer=lawyer,
    )


def test_the_dates_are_computed_and_read_only(client_for, lawyer, center):
    client = client_for(lawyer)
    response = client.post(
        "/api/v1/labor-disputes/",
        {
            "employer": new_employer(center=center).pk,
            "subject": "Dismissal",
            "is_reinstatement": True,
            "disputed_act_on": "2025-02-21",
            "filing_due_on": "2030-01-01",  # read-only: ignored
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["filing_due_on"], body["decision_due_on"], body["claim_registered_on"]) == (
        "2025-03-26",
        None,
        None,
    )
    assert body["next_deadline_on"] == "2025-03-26"

    response = client.post(
        f"/api/v1/labor-disputes/{body['id']}/register-claim/",
        {"registered_on": "2025-03-24"},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["claim_registered_on"], body["stage"]) == ("2025-03-24", "conciliation")
    # 15 working days after Monday 24 March 2025 (24-25 March: Nauryz days off): 15 April
    assert (body["decision_due_on"], body["next_deadline_on"]) == ("2025-04-15", "2025-04-15")


def test_registering_the_claim_needs_if_match_and_a_valid_date(client_for, lawyer, center):
    dispute = dispute_of(center, lawyer, date(2025, 2, 21))
    client = client_for(lawyer)
    path = f"/api/v1/labor-disputes/{dispute.pk}/register-claim/"

    assert client.post(path, {"registered_on": "2025-03-03"}, format="json").status_code == 428
    assert (
        client.post(path, {"registered_on": "2025-03-03"}, format="json", HTTP_IF_MATCH='"9"').status_code
        == 412
    )
    bad = client.post(path, {"registered_on": "2025-02-01"}, format="json", HTTP_IF_MATCH='"1"')
    assert bad.status_code == 400
    assert list(bad.json()) == ["registered_on"]
    garbage = client.post(path, {"registered_on": "soon"}, format="json", HTTP_IF_MATCH='"1"')
    assert garbage.status_code == 400
    dispute.refresh_from_db()
    assert dispute.claim_registered_on is None


def test_a_date_outside_the_calendar_is_a_400_on_its_field(client_for, lawyer, center):
    client = client_for(lawyer)
    response = client.post(
        "/api/v1/labor-disputes/",
        {"employer": new_employer(center=center).pk, "subject": "Wages", "disputed_act_on": "1900-05-05"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["disputed_act_on"]
    dispute = dispute_of(center, lawyer, None)
    response = client.post(
        f"/api/v1/labor-disputes/{dispute.pk}/register-claim/",
        {"registered_on": "1900-05-05"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    assert list(response.json()) == ["registered_on"]


def test_scoping_another_center_is_404_reception_is_403(client_for, lawyer, center, other_center, reception):
    foreign = dispute_of(other_center, StaffFactory(role=Role.LAWYER, center=other_center), None)
    ours = dispute_of(center, lawyer, None)

    response = client_for(lawyer).post(
        f"/api/v1/labor-disputes/{foreign.pk}/register-claim/",
        {"registered_on": "2025-03-03"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 404
    response = client_for(reception).post(
        f"/api/v1/labor-disputes/{ours.pk}/register-claim/",
        {"registered_on": "2025-03-03"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 403


def test_filters_due_within_and_overdue(client_for, lawyer, center, django_assert_max_num_queries):
    today = timezone.localdate()
    passed = dispute_of(center, lawyer, today - relativedelta(months=3))
    far = dispute_of(center, lawyer, today - timedelta(days=2))
    none = dispute_of(center, lawyer, None)
    soon_act = next(
        act
        for act in (today - relativedelta(months=1) + timedelta(days=shift) for shift in range(0, 10))
        if 0 <= (limitation.period_end(act, 1, limitation.MONTHS) - today).days <= 7
    )
    soon = dispute_of(center, lawyer, soon_act)
    client = client_for(lawyer)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/labor-disputes/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("overdue=true") == [passed.pk]
    assert set(ids("overdue=false")) == {far.pk, none.pk, soon.pk}
    assert ids("due_within=7") == [soon.pk]
    assert set(ids("due_within=60")) == {soon.pk, far.pk}
    assert ids("ordering=next_deadline_on")[:3] == [passed.pk, soon.pk, far.pk]
    assert client.get("/api/v1/labor-disputes/?due_within=-1").status_code == 400
    assert client.get("/api/v1/labor-disputes/?due_within=soon").status_code == 400
    with django_assert_max_num_queries(6):
        client.get("/api/v1/labor-disputes/?overdue=false")


def test_the_limitation_rules_are_a_read_only_reference(client_for, lawyer, analyst):
    response = client_for(lawyer).get("/api/v1/limitation-rules/")
    assert response.status_code == 200
    rules = {rule["code"]: rule for rule in response.json()}
    assert set(rules) == {"reinstatement", "other_individual", "conciliation_decision"}
    assert (rules["reinstatement"]["period_amount"], rules["reinstatement"]["period_unit"]) == (1, "months")
    assert rules["conciliation_decision"]["counted_from"] == "claim_registered"
    assert client_for(analyst).get("/api/v1/limitation-rules/reinstatement/").status_code == 200
    assert (
        client_for(lawyer).post("/api/v1/limitation-rules/", {"code": "x"}, format="json").status_code == 405
    )
