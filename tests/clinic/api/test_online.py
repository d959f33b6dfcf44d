"""The online reception in the API: questions sent online are marked and filtered among the visits,
and the answer the applicant reads on the tracking page is written through
/api/v1/applications/<id>/public-answer/."""

import pytest

from clinic import services
from clinic.models import Visit
from tests import factories
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_online(center, ref) -> Visit:
    factories.channel("online")
    submission, _code = services.online_submission_create(
        center=center,
        full_name="Aigerim Online",
        phone="+77015550101",
        topic=ref.wages,
        question="My wages are three months late.",
        consent=True,
    )
    return submission.visit


def test_visits_sent_online_are_marked_and_filtered(client_for, center, manager, reception, ref, sent_online):
    walk_in = services.visit_register(
        by=reception, person=PersonFactory(center=center), channel=ref.in_person, topics=[ref.wages]
    )
    client = client_for(manager)

    online_only = client.get("/api/v1/visits/", {"sent_online": "true"}).json()["results"]
    walk_ins = client.get("/api/v1/visits/", {"sent_online": "false"}).json()["results"]

    assert [(visit["id"], visit["sent_online"], visit["registered_by"]) for visit in online_only] == [
        (sent_online.pk, True, None)
    ]
    assert [(visit["id"], visit["sent_online"]) for visit in walk_ins] == [(walk_in.pk, False)]


def test_the_lawyer_writes_the_public_answer_of_a_case_sent_online(
    client_for, center, lawyer, reception, ref, sent_online
):
    # given: the reception opened a case from the question, for the lawyer
    case = services.visit_open_case(
        visit=sent_online, by=reception, service=ref.legal_clinic, kind=ref.written, lawyer=lawyer
    )

    # when
    response = client_for(lawyer).post(
        f"/api/v1/applications/{case.pk}/public-answer/",
        {"public_answer": "Your employer has paid the wages."},
        format="json",
        HTTP_IF_MATCH=f'"{case.version}"',
    )

    # then
    assert response.status_code == 200, response.content
    assert response.json()["public_answer"] == "Your employer has paid the wages."
    assert response["ETag"] == f'"{case.version + 1}"'


def test_a_walk_in_case_has_no_public_answer(client_for, center, lawyer, ref):
    case = factories.ApplicationFactory(center=center, lawyer=lawyer)

    response = client_for(lawyer).post(
        f"/api/v1/applications/{case.pk}/public-answer/",
        {"public_answer": "Paid."},
        format="json",
        HTTP_IF_MATCH=f'"{case.version}"',
    )

    assert response.status_code == 400
    assert "online reception" in str(response.json())
