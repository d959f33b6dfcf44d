"""/api/v1/visits/: public reception registers visits, answers them or opens a case."""

import pytest
from auditlog.models import LogEntry

from clinic.models import Application, Visit
from tests.factories import PersonFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_reception_registers_a_visit(client_for, reception, center, ref):
    person = PersonFactory(center=center)

    response = client_for(reception).post(
        "/api/v1/visits/",
        {
            "person": person.pk,
            "channel": "phone",
            "topics": ["wages", "dismissal"],
            "question": "Unpaid wages",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["result"], body["channel"], sorted(body["topics"])) == (
        "pending",
        "phone",
        ["dismissal", "wages"],
    )
    assert body["person"]["iin"] == person.iin
    assert body["application"] is None
    assert response["ETag"] == '"1"'


def test_a_visit_needs_a_topic(client_for, reception, center, ref):
    person = PersonFactory(center=center)

    response = client_for(reception).post(
        "/api/v1/visits/", {"person": person.pk, "channel": "phone", "topics": []}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"topics": ["Choose at least one topic."]}


def test_answered_on_the_spot(client_for, reception, center, ref):
    visit = VisitFactory(person=PersonFactory(center=center))
    client = client_for(reception)
    etag = client.get(f"/api/v1/visits/{visit.pk}/")["ETag"]

    response = client.post(
        f"/api/v1/visits/{visit.pk}/answer/",
        {"action_taken": "Explained art. 113."},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200, response.json()
    assert response.json()["result"] == "consultation"
    assert response["ETag"] == '"2"'
    # answering again, even with the new ETag, is a business-rule 400
    again = client.post(
        f"/api/v1/visits/{visit.pk}/answer/", {"action_taken": "Again"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert again.status_code == 400
    assert "already been dealt with" in again.json()["non_field_errors"][0]


def test_a_stale_answer_is_a_412_and_a_missing_if_match_a_428(client_for, reception, center, ref):
    visit = VisitFactory(person=PersonFactory(center=center))
    client = client_for(reception)

    missing = client.post(f"/api/v1/visits/{visit.pk}/answer/", {"action_taken": "x"}, format="json")
    stale = client.post(
        f"/api/v1/visits/{visit.pk}/answer/", {"action_taken": "x"}, format="json", HTTP_IF_MATCH='"7"'
    )

    assert (missing.status_code, stale.status_code) == (428, 412)
    visit.refresh_from_db()
    assert (visit.result, visit.version) == (Visit.Result.PENDING, 1)


def test_a_case_is_opened_from_a_visit(client_for, reception, center, ref):
    visit = VisitFactory(person=PersonFactory(center=center))

    response = client_for(reception).post(
        f"/api/v1/visits/{visit.pk}/open-case/",
        {"service": "legal_clinic", "kind": "written_application"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 201, response.json()
    application = Application.objects.get()
    assert response.json()["id"] == application.pk
    assert response.json()["visit"] == visit.pk
    assert response["ETag"] == f'"{application.version}"'
    visit.refresh_from_db()
    assert visit.result == Visit.Result.CASE_OPENED


def test_another_centers_visit_is_a_404(client_for, reception, other_center, ref):
    visit = VisitFactory(person=PersonFactory(center=other_center))
    client = client_for(reception)

    assert client.get(f"/api/v1/visits/{visit.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/visits/{visit.pk}/answer/", {"action_taken": "x"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 404


def test_analyst_may_not_answer(client_for, analyst, center, ref):
    visit = VisitFactory(person=PersonFactory(center=center))

    response = client_for(analyst).post(
        f"/api/v1/visits/{visit.pk}/answer/", {"action_taken": "x"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 403


def test_filters_by_result_and_topic(client_for, reception, center, ref):
    pending = VisitFactory(person=PersonFactory(center=center), topics=[ref.dismissal])
    VisitFactory(person=PersonFactory(center=center))
    client = client_for(reception)

    assert [v["id"] for v in client.get("/api/v1/visits/", {"topic": "dismissal"}).json()["results"]] == [
        pending.pk
    ]
    assert client.get("/api/v1/visits/", {"result": "consultation"}).json()["count"] == 0
    assert client.get("/api/v1/visits/", {"result": "pending"}).json()["count"] == 2


def test_a_visit_from_the_future_is_a_400(client_for, reception, center, ref):
    person = PersonFactory(center=center)

    response = client_for(reception).post(
        "/api/v1/visits/",
        {
            "person": person.pk,
            "channel": "phone",
            "topics": ["wages"],
            "visited_at": "2999-01-01T10:00:00+05:00",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["visited_at"]


def test_reception_corrects_a_visit_and_the_trail_keeps_the_old_values(client_for, reception, center, ref):
    visit = VisitFactory(person=PersonFactory(center=center), question="Wages")

    response = client_for(reception).patch(
        f"/api/v1/visits/{visit.pk}/",
        {"question": "Wages unpaid since March", "topics": ["wages", "dismissal"], "channel": "phone"},
        format="json",
        HTTP_IF_MATCH=f'"{visit.version}"',
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["question"], sorted(body["topics"]), body["channel"]) == (
        "Wages unpaid since March",
        ["dismissal", "wages"],
        "phone",
    )
    assert response["ETag"] == f'"{visit.version + 1}"'
    changes = [entry.changes_dict for entry in LogEntry.objects.get_for_object(visit)]
    assert {"question": ["Wages", "Wages unpaid since March"], "channel": ["in_person", "phone"]} in [
        {field: change for field, change in entry.items() if field != "topics"} for entry in changes
    ]
    assert any("topics" in entry for entry in changes)


def test_a_visit_correction_needs_a_topic_the_version_and_the_role(
    client_for, reception, analyst, center, ref
):
    visit = VisitFactory(person=PersonFactory(center=center))
    path = f"/api/v1/visits/{visit.pk}/"
    client = client_for(reception)

    assert client.patch(path, {"topics": []}, format="json", HTTP_IF_MATCH='"1"').status_code == 400
    assert client.patch(path, {"question": "x"}, format="json").status_code == 428
    assert client.patch(path, {"question": "x"}, format="json", HTTP_IF_MATCH='"9"').status_code == 412
    assert (
        client_for(analyst).patch(path, {"question": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code
        == 403
    )
