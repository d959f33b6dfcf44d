"""/api/v1/labor-disputes/ and /api/v1/prevented-disputes/."""

import pytest
from django.utils import timezone

from clinic import services
from clinic.models import LaborDispute
from organizations.models import Role
from tests.factories import StaffFactory
from tests.fixtures.api_support import new_employer

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispute(lawyer, center) -> LaborDispute:
    return services.dispute_register(by=lawyer, employer=new_employer(center=center), subject="Unpaid wages")


def test_a_lawyer_records_moves_and_resolves_a_dispute(client_for, lawyer, center):
    employer = new_employer(center=center)
    client = client_for(lawyer)

    response = client.post(
        "/api/v1/labor-disputes/",
        {"employer": employer.pk, "subject": "Dismissal without notice", "is_reinstatement": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    dispute_id, etag = response.json()["id"], response["ETag"]
    assert response.json()["result"] == ""

    response = client.post(
        f"/api/v1/labor-disputes/{dispute_id}/move-stage/",
        {"stage": "court"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "court"

    response = client.post(
        f"/api/v1/labor-disputes/{dispute_id}/resolve/",
        {"result": "in_favor", "recovered_kzt": "120000"},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["result"], response.json()["recovered_kzt"]) == ("in_favor", "120000.00")
    assert response.json()["resolved_on"] == timezone.localdate().isoformat()


def test_an_individual_dispute_concerns_one_worker(client_for, lawyer, center):
    response = client_for(lawyer).post(
        "/api/v1/labor-disputes/",
        {"employer": new_employer(center=center).pk, "subject": "Wages", "workers_affected": 40},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["workers_affected"]


def test_reception_does_not_record_disputes(client_for, reception, center):
    response = client_for(reception).post(
        "/api/v1/labor-disputes/",
        {"employer": new_employer(center=center).pk, "subject": "Wages"},
        format="json",
    )

    assert response.status_code == 403


def test_stale_and_missing_if_match(client_for, lawyer, dispute):
    client = client_for(lawyer)
    path = f"/api/v1/labor-disputes/{dispute.pk}/move-stage/"

    assert client.post(path, {"stage": "court"}, format="json").status_code == 428
    assert client.post(path, {"stage": "court"}, format="json", HTTP_IF_MATCH='"9"').status_code == 412
    dispute.refresh_from_db()
    assert dispute.stage == LaborDispute.Stage.NEGOTIATION


def test_another_centers_dispute_is_a_404(client_for, manager, other_center):
    stranger = StaffFactory(role=Role.LAWYER, center=other_center)
    dispute = services.dispute_register(by=stranger, employer=new_employer(center=other_center), subject="x")
    client = client_for(manager)

    assert client.get(f"/api/v1/labor-disputes/{dispute.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/labor-disputes/{dispute.pk}/resolve/",
        {"result": "partly"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 404


def test_filters_resolved_and_stage(client_for, lawyer, dispute, center):
    services.dispute_register(by=lawyer, employer=new_employer(center=center), subject="Other")
    services.dispute_resolve(dispute=dispute, by=lawyer, result=LaborDispute.Result.PARTLY)
    client = client_for(lawyer)

    assert [
        d["id"] for d in client.get("/api/v1/labor-disputes/", {"resolved": "true"}).json()["results"]
    ] == [dispute.pk]
    assert client.get("/api/v1/labor-disputes/", {"resolved": "false"}).json()["count"] == 1
    assert client.get("/api/v1/labor-disputes/", {"stage": "court"}).json()["count"] == 0


def test_a_prevented_dispute_is_recorded(client_for, manager, analyst, center):
    employer = new_employer(center=center)

    response = client_for(manager).post(
        "/api/v1/prevented-disputes/",
        {
            "employer": employer.pk,
            "prevented_on": timezone.localdate().isoformat(),
            "how": "Mediation meeting",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["employer"]["id"] == employer.pk
    assert client_for(analyst).get("/api/v1/prevented-disputes/").json()["count"] == 1
    refused = client_for(analyst).post("/api/v1/prevented-disputes/", {}, format="json")
    assert refused.status_code == 403


def test_a_prevented_dispute_in_the_future_is_a_400(client_for, manager, center):
    response = client_for(manager).post(
        "/api/v1/prevented-disputes/",
        {"employer": new_employer(center=center).pk, "prevented_on": "2999-01-01", "how": "Talks"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["prevented_on"]


def test_a_lawyer_corrects_a_dispute(client_for, lawyer, dispute):
    response = client_for(lawyer).patch(
        f"/api/v1/labor-disputes/{dispute.pk}/",
        {"subject": "  Unpaid wages and overtime ", "kind": "collective", "workers_affected": 40},
        format="json",
        HTTP_IF_MATCH=f'"{dispute.version}"',
    )

    assert response.status_code == 200, response.content
    assert (response.json()["subject"], response.json()["kind"], response.json()["workers_affected"]) == (
        "Unpaid wages and overtime",
        "collective",
        40,
    )


def test_a_dispute_correction_keeps_an_individual_dispute_to_one_worker(
    client_for, lawyer, reception, dispute
):
    path = f"/api/v1/labor-disputes/{dispute.pk}/"

    refused = client_for(lawyer).patch(path, {"workers_affected": 3}, format="json", HTTP_IF_MATCH='"1"')
    forbidden = client_for(reception).patch(path, {"subject": "x"}, format="json", HTTP_IF_MATCH='"1"')

    assert refused.status_code == 400
    assert "workers_affected" in refused.json()
    assert forbidden.status_code == 403
    dispute.refresh_from_db()
    assert (dispute.workers_affected, dispute.version) == (1, 1)
