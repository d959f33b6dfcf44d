"""/api/v1/ organization tree and reference lists: read-only, center-owned lists scoped."""

import pytest

from tests.factories import OfficeFactory, PrimaryOrganizationFactory
from tests.fixtures.api_support import new_employer

pytestmark = pytest.mark.django_db


def test_employers_offices_and_primary_organizations_are_scoped(client_for, lawyer, center, other_center):
    mine = new_employer(center=center, name="Kazakhmys Copper")
    new_employer(center=other_center)
    office = OfficeFactory(center=center)
    OfficeFactory(center=other_center)
    organization = PrimaryOrganizationFactory(center=center, employer=mine)
    PrimaryOrganizationFactory(center=other_center, employer=new_employer(center=other_center))
    client = client_for(lawyer)

    assert [e["id"] for e in client.get("/api/v1/employers/").json()["results"]] == [mine.pk]
    assert [o["id"] for o in client.get("/api/v1/offices/").json()["results"]] == [office.pk]
    assert [o["id"] for o in client.get("/api/v1/primary-organizations/").json()["results"]] == [
        organization.pk
    ]
    assert client.get("/api/v1/employers/", {"q": "copper"}).json()["count"] == 1
    assert client.get("/api/v1/employers/", {"q": mine.bin}).json()["count"] == 1


def test_another_centers_employer_is_a_404(client_for, lawyer, other_center):
    employer = new_employer(center=other_center)

    assert client_for(lawyer).get(f"/api/v1/employers/{employer.pk}/").status_code == 404


def test_analyst_sees_every_centers_employers(client_for, analyst, center, other_center):
    new_employer(center=center)
    new_employer(center=other_center)

    assert client_for(analyst).get("/api/v1/employers/").json()["count"] == 2


@pytest.mark.parametrize("path", ["/api/v1/employers/", "/api/v1/centers/", "/api/v1/topics/"])
def test_organizations_and_reference_lists_are_read_only(client_for, manager, path):
    assert client_for(manager).post(path, {"name": "New"}, format="json").status_code == 405


def test_reference_lists_and_names_follow_the_language(client_for, reception, ref, center):
    client = client_for(reception)

    topics = client.get("/api/v1/topics/").json()
    kinds = client.get("/api/v1/kinds/", HTTP_ACCEPT_LANGUAGE="ru").json()
    centers = client.get("/api/v1/centers/", HTTP_ACCEPT_LANGUAGE="ru").json()

    assert {topic["code"] for topic in topics} == {"wages", "dismissal"}
    assert {kind["deadline_working_days"] for kind in kinds} == {0, 15}
    assert centers[0]["name"] == center.name_ru
    assert client.get("/api/v1/outcomes/satisfied/").json()["is_positive"] is True
    assert client.get("/api/v1/outcomes/lost/").status_code == 404
