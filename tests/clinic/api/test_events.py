"""/api/v1/events/: the hearings and meetings of cases and disputes, through the same services as the
case page, with the same scoping (another center's event is a 404) and If-Match rules."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic import services
from clinic.models import Event, Status
from organizations.models import Role
from tests.factories import ApplicationFactory, CenterFactory, StaffFactory
from tests.fixtures.api_support import new_employer

pytestmark = pytest.mark.django_db


def _tomorrow_at(hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(hour)))


@pytest.fixture
def case(ref, center, lawyer):
    application = ApplicationFactory(center=center, lawyer=lawyer)
    return services.application_change_status(
        application=application, by=lawyer, to_status=Status.IN_PROGRESS
    )


@pytest.fixture
def dispute(center, lawyer):
    return services.dispute_register(
        by=lawyer, employer=new_employer(center=center), subject="Unpaid wages", lawyer=lawyer
    )


def _event(record, by, hour: int = 10) -> Event:
    return services.event_create(by=by, record=record, kind=Event.Kind.HEARING, starts_at=_tomorrow_at(hour))


def test_a_lawyer_schedules_moves_records_and_cancels_an_event_of_a_case(client_for, case, lawyer):
    client = client_for(lawyer)
    # create: Almaty time without an offset
    created = client.post(
        "/api/v1/events/",
        {
            "application": case.pk,
            "kind": "hearing",
            "starts_at": f"{timezone.localdate() + timedelta(days=1)}T10:30",
            "place": "Court No. 2",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["registration_number"], body["lawyer"]["id"], body["duration_minutes"]) == (
        case.registration_number,
        lawyer.pk,
        60,
    )
    assert body["starts_at"].endswith("10:30:00+05:00")
    path = f"/api/v1/events/{body['id']}/"
    # PATCH needs the ETag
    assert client.patch(path, {"place": "Court No. 3"}, format="json").status_code == 428
    moved = client.patch(path, {"place": "Court No. 3"}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert moved.status_code == 200
    assert (moved.json()["place"], moved["ETag"]) == ("Court No. 3", '"2"')
    stale = client.patch(path, {"place": "Court No. 4"}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert stale.status_code == 412
    outcome = client.post(
        f"{path}outcome/", {"outcome": "Adjourned."}, format="json", HTTP_IF_MATCH=moved["ETag"]
    )
    assert outcome.status_code == 200
    assert outcome.json()["outcome"] == "Adjourned."
    # cancel
    assert client.delete(path, HTTP_IF_MATCH=outcome["ETag"]).status_code == 204
    assert not Event.objects.exists()


def test_an_event_of_a_dispute(client_for, dispute, lawyer):
    response = client_for(lawyer).post(
        "/api/v1/events/",
        {"dispute": dispute.pk, "kind": "conciliation", "starts_at": _tomorrow_at(15).isoformat()},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["dispute"], response.json()["application"]) == (dispute.pk, None)
    assert Event.objects.get().center_id == dispute.center_id


def test_bad_input_is_a_400_with_field_errors_in_the_users_language(client_for, case, dispute, lawyer):
    client = client_for(lawyer)
    both = client.post(
        "/api/v1/events/",
        {
            "application": case.pk,
            "dispute": dispute.pk,
            "kind": "hearing",
            "starts_at": _tomorrow_at(9).isoformat(),
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert both.status_code == 400
    assert both.json()["application"] == ["Укажите либо обращение, либо трудовой спор, но не оба сразу."]
    bad = client.post(
        "/api/v1/events/",
        {"application": case.pk, "kind": "party", "starts_at": "tomorrow", "duration_minutes": 0},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) >= {"kind", "starts_at", "duration_minutes"}


def test_scoping_another_centers_event_is_a_404_a_colleague_not_on_the_case_a_403(
    client_for, case, lawyer, center
):
    event = _event(case, lawyer)
    stranger = StaffFactory(role=Role.MANAGER, center=CenterFactory())
    assert client_for(stranger).get(f"/api/v1/events/{event.pk}/").status_code == 404
    assert client_for(stranger).get("/api/v1/events/").json()["count"] == 0
    refused = client_for(stranger).post(
        "/api/v1/events/",
        {"application": case.pk, "kind": "hearing", "starts_at": _tomorrow_at(9).isoformat()},
        format="json",
    )
    assert refused.status_code == 400  # the case is not among the ids it may name
    colleague = StaffFactory(role=Role.LAWYER, center=center)
    client = client_for(colleague)
    assert client.get(f"/api/v1/events/{event.pk}/").status_code == 200  # the center's calendar is read
    assert (
        client.patch(
            f"/api/v1/events/{event.pk}/", {"place": "x"}, format="json", HTTP_IF_MATCH='"1"'
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/events/{event.pk}/", HTTP_IF_MATCH='"1"').status_code == 403


def test_the_list_filters_by_days_lawyer_case_and_dispute(client_for, case, dispute, lawyer, manager, center):
    colleague = StaffFactory(role=Role.LAWYER, center=center)
    tomorrow = _event(case, lawyer)
    later = services.event_create(
        by=lawyer, record=case, kind=Event.Kind.INSPECTION, starts_at=_tomorrow_at(10) + timedelta(days=7)
    )
    of_dispute = services.event_create(
        by=lawyer,
        record=dispute,
        kind=Event.Kind.EMPLOYER_MEETING,
        starts_at=_tomorrow_at(12),
        lawyer=colleague,
    )
    client = client_for(manager)
    day = f"{timezone.localdate() + timedelta(days=1)}"

    def ids(**query) -> list[int]:
        response = client.get("/api/v1/events/", query)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [tomorrow.pk, of_dispute.pk, later.pk]
    assert ids(starts_from=day, starts_until=day) == [tomorrow.pk, of_dispute.pk]
    assert ids(lawyer=colleague.pk) == [of_dispute.pk]
    assert ids(application=case.pk) == [tomorrow.pk, later.pk]
    assert ids(dispute=dispute.pk) == [of_dispute.pk]
    assert client.get("/api/v1/events/", {"starts_from": "soon"}).status_code == 400


def test_the_list_costs_the_same_for_1_event_and_for_30(client_for, case, dispute, lawyer, manager):
    _event(dispute, lawyer)
    client = client_for(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get("/api/v1/events/", {"page_size": 100})
        assert response.status_code == 200
        return len(context.captured_queries)

    one = queries()
    for hour in range(29):
        _event(case if hour % 2 else dispute, lawyer, hour=hour % 24)
    assert client.get("/api/v1/events/").json()["count"] == 30
    assert queries() == one
    assert one <= 4
