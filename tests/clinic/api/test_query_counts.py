"""Every list costs the same number of queries for 1 row and for 50: no N+1."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic import services
from organizations.models import Role
from tests.factories import (
    ApplicationFactory,
    PersonFactory,
    PrimaryOrganizationFactory,
    StaffFactory,
    VisitFactory,
    topic,
)
from tests.fixtures.api_support import new_employer

pytestmark = pytest.mark.django_db


def _application(center, manager):
    lawyer = StaffFactory(role=Role.LAWYER, center=center)
    return ApplicationFactory(
        center=center, registered_by=manager, lawyer=lawyer, employer=new_employer(center=center)
    )


def _visit(center, manager):
    return VisitFactory(
        person=PersonFactory(center=center), registered_by=manager, topics=[topic("a"), topic("b")]
    )


def _dispute(center, manager):
    application = ApplicationFactory(center=center, registered_by=manager)
    return services.dispute_register(
        by=manager,
        employer=new_employer(center=center),
        subject="Wages",
        lawyer=StaffFactory(role=Role.LAWYER, center=center),
        applications=[application],
    )


def _prevented(center, manager):
    return services.prevented_dispute_record(
        by=manager, employer=new_employer(center=center), prevented_on=timezone.localdate(), how="Talks"
    )


LISTS = {
    "/api/v1/applications/": _application,
    "/api/v1/persons/": lambda center, manager: PersonFactory(center=center),
    "/api/v1/visits/": _visit,
    "/api/v1/labor-disputes/": _dispute,
    "/api/v1/prevented-disputes/": _prevented,
    "/api/v1/employers/": lambda center, manager: new_employer(center=center),
    "/api/v1/primary-organizations/": lambda center, manager: PrimaryOrganizationFactory(
        center=center, employer=new_employer(center=center)
    ),
}


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, {"page_size": 100})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("path", LISTS)
def test_a_list_costs_the_same_for_1_row_and_for_50(client_for, manager, center, path):
    # given one row
    make = LISTS[path]
    make(center, manager)
    client = client_for(manager)
    one = _queries(client, path)
    # when there are 50
    for _ in range(49):
        make(center, manager)
    assert client.get(path).json()["count"] == 50
    # then
    assert _queries(client, path) == one
    assert one <= 4  # count, rows, and at most two prefetches


def test_the_timeline_does_not_grow_with_the_case(client_for, manager, center):
    application = ApplicationFactory(center=center, registered_by=manager)
    client = client_for(manager)
    path = f"/api/v1/applications/{application.pk}/timeline/"
    before = _queries(client, path)

    for number in range(10):
        services.note_add(application=application, by=manager, text=f"Note {number}")

    assert _queries(client, path) == before
