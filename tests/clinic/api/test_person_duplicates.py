"""The API's side of one person, one record: possible duplicates and a second open case are refused with
field errors naming them until confirmed; a manager merges; the federation lists duplicates across
centers, masked."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.models import Application, Person
from organizations.identifiers import make_iin
from tests.factories import ApplicationFactory, PersonFactory, VisitFactory

pytestmark = pytest.mark.django_db

IIN = make_iin(date(1988, 3, 14), female=False, serial=101)


# Duplicates before creating


@pytest.mark.parametrize("typed", ["Нурлан Серикулы", "Nurlan Serikuly"])
def test_a_similar_name_is_a_400_naming_the_candidate_unless_confirmed(client_for, reception, center, typed):
    existing = PersonFactory(center=center, full_name="Нұрлан Серікұлы", phone="")
    client = client_for(reception)

    refused = client.post("/api/v1/persons/", {"full_name": typed}, format="json")

    assert refused.status_code == 400
    assert f"Нұрлан Серікұлы (record {existing.pk})" in refused.json()["full_name"][0]
    confirmed = client.post(
        "/api/v1/persons/", {"full_name": typed, "confirm_not_duplicate": True}, format="json"
    )
    assert confirmed.status_code == 201


def test_the_same_phone_is_a_400_naming_the_candidate(client_for, reception, center):
    existing = PersonFactory(center=center, full_name="Дана Омарова", phone="+77015550000")

    refused = client_for(reception).post(
        "/api/v1/persons/", {"full_name": "Айгуль Сейткали", "phone": "+77015550000"}, format="json"
    )

    assert refused.status_code == 400
    assert f"record {existing.pk}" in refused.json()["phone"][0]


def test_the_same_iin_stays_refused_when_confirmed(client_for, reception, center):
    PersonFactory(center=center, iin=IIN)

    refused = client_for(reception).post(
        "/api/v1/persons/", {"full_name": "Other", "iin": IIN, "confirm_not_duplicate": True}, format="json"
    )

    assert refused.status_code == 400
    assert "iin" in refused.json()


# A second open case on the same topic


def test_a_second_open_case_on_a_topic_is_a_400_naming_the_case_unless_confirmed(
    client_for, reception, center, ref
):
    person = PersonFactory(center=center)
    open_case = ApplicationFactory(center=center, person=person, registered_by=reception, topic=ref.wages)
    body = {
        "person": person.pk,
        "service": "legal_clinic",
        "kind": "written_application",
        "topic": "wages",
        "channel": "in_person",
    }
    client = client_for(reception)

    refused = client.post("/api/v1/applications/", body, format="json")

    assert refused.status_code == 400
    assert open_case.registration_number in refused.json()["confirm_second_case"][0]
    assert (
        client.post("/api/v1/applications/", {**body, "topic": "dismissal"}, format="json").status_code == 201
    )
    confirmed = client.post("/api/v1/applications/", {**body, "confirm_second_case": True}, format="json")
    assert confirmed.status_code == 201
    assert Application.objects.filter(person=person).count() == 3


def test_opening_a_case_from_a_visit_asks_the_same(client_for, reception, center, ref):
    person = PersonFactory(center=center)
    open_case = ApplicationFactory(center=center, person=person, registered_by=reception, topic=ref.wages)
    visit = VisitFactory(person=person, registered_by=reception, topics=[ref.wages])
    client = client_for(reception)
    url = f"/api/v1/visits/{visit.pk}/open-case/"
    body = {"service": "legal_clinic", "kind": "written_application"}

    refused = client.post(url, body, format="json", HTTP_IF_MATCH=f'"{visit.version}"')
    confirmed = client.post(
        url, {**body, "confirm_second_case": True}, format="json", HTTP_IF_MATCH=f'"{visit.version}"'
    )

    assert refused.status_code == 400
    assert open_case.registration_number in refused.json()["confirm_second_case"][0]
    assert confirmed.status_code == 201


# Merging


def _merge(client, survivor, duplicate_pk):
    return client.post(
        f"/api/v1/persons/{survivor.pk}/merge/",
        {"duplicate": duplicate_pk},
        format="json",
        HTTP_IF_MATCH=f'"{survivor.version}"',
    )


def test_a_manager_merges_through_the_api(client_for, manager, reception, center, ref):
    survivor = PersonFactory(center=center, phone="")
    duplicate = PersonFactory(center=center, phone="+77015550000")
    case = ApplicationFactory(center=center, person=duplicate, registered_by=reception)
    client = client_for(manager)

    response = _merge(client, survivor, duplicate.pk)

    assert response.status_code == 200
    assert response.json()["phone"] == "+77015550000"
    assert response["ETag"] == f'"{survivor.version + 1}"'
    assert Application.objects.get(pk=case.pk).person_id == survivor.pk
    assert client.get(f"/api/v1/persons/{duplicate.pk}/").json()["merged_into"] == survivor.pk
    listed = [row["id"] for row in client.get("/api/v1/persons/").json()["results"]]
    assert duplicate.pk not in listed
    assert survivor.pk in listed


def test_a_merge_is_a_403_for_a_lawyer_and_a_400_for_another_centers_person(
    client_for, manager, lawyer, center, other_center
):
    survivor, duplicate = PersonFactory(center=center), PersonFactory(center=center)
    foreign = PersonFactory(center=other_center)

    assert _merge(client_for(lawyer), survivor, duplicate.pk).status_code == 403
    across = _merge(client_for(manager), survivor, foreign.pk)
    assert across.status_code == 400
    assert "duplicate" in across.json()
    assert _merge(client_for(manager), foreign, survivor.pk).status_code == 404
    assert not Person.objects.exclude(merged_into=None).exists()


def test_a_merge_needs_the_version_read(client_for, manager, center):
    survivor, duplicate = PersonFactory(center=center), PersonFactory(center=center)

    response = client_for(manager).post(f"/api/v1/persons/{survivor.pk}/merge/", {"duplicate": duplicate.pk})

    assert response.status_code == 428


# History


def test_a_persons_history_in_a_constant_number_of_queries(client_for, reception, center, ref):
    client = client_for(reception)

    def queries_for(count: int) -> int:
        person = PersonFactory(center=center)
        for _ in range(count):
            VisitFactory(person=person, registered_by=reception, topics=[ref.wages])
            ApplicationFactory(center=center, person=person, registered_by=reception)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/persons/{person.pk}/history/")
        assert response.status_code == 200
        assert len(response.json()["cases"]) == count
        assert len(response.json()["visits"]) == count
        return len(queries)

    assert queries_for(1) == queries_for(8)


# The federation's duplicates across centers


def test_the_federations_duplicates_are_masked(client_for, analyst, center, other_center):
    PersonFactory(center=center, iin=IIN, phone="+77015550000", full_name="Dana Omarova")
    PersonFactory(center=other_center, iin=IIN, phone="+77015550001", full_name="Dana Omarova")

    response = client_for(analyst).get("/api/v1/persons/duplicates/")

    assert response.status_code == 200
    [pair] = response.json()
    assert pair["reason"] == "same_iin"
    assert IIN not in response.text
    assert "+7701555000" not in response.text
    assert pair["first"]["iin"] == IIN[:2] + "********" + IIN[-2:]


def test_the_federations_duplicates_in_a_constant_number_of_queries(
    client_for, analyst, center, other_center
):
    client = client_for(analyst)

    def queries_for(count: int) -> int:
        for serial in range(count):
            iin = make_iin(date(1960 + count, 1, 1), female=True, serial=serial)
            PersonFactory(center=center, iin=iin)
            PersonFactory(center=other_center, iin=iin)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/persons/duplicates/")
        assert response.status_code == 200
        return len(queries)

    assert queries_for(1) == queries_for(6)


def test_center_staff_have_no_list_across_centers(client_for, manager):
    assert client_for(manager).get("/api/v1/persons/duplicates/").status_code == 403
