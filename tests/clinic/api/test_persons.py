"""/api/v1/persons/: registration, look-up by IIN or phone, conflict-safe corrections, masking."""

from datetime import date

import pytest

from clinic.models import Person
from organizations.identifiers import make_iin
from organizations.models import Role
from tests.factories import PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db

IIN = make_iin(date(1990, 2, 14), female=True, serial=42)


def test_reception_registers_a_person_in_its_own_center(client_for, reception, center):
    # when
    response = client_for(reception).post(
        "/api/v1/persons/",
        {"full_name": "  Aigerim   Serikova ", "iin": f"{IIN[:6]} {IIN[6:]}", "phone": "8 701 234 56 78"},
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["full_name"] == "Aigerim Serikova"
    assert body["iin"] == IIN
    assert body["phone"] == "+77012345678"
    assert body["center"] == center.pk
    assert response["ETag"] == '"1"'


def test_an_invalid_iin_is_a_400_naming_the_field(client_for, reception):
    response = client_for(reception).post(
        "/api/v1/persons/", {"full_name": "Aigerim Serikova", "iin": IIN[:11] + "0"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"iin"}
    assert "check digit" in response.json()["iin"][0]


def test_a_second_person_with_the_same_iin_is_refused(client_for, reception, center):
    PersonFactory(center=center, iin=IIN)

    response = client_for(reception).post(
        "/api/v1/persons/", {"full_name": "Twin", "iin": IIN}, format="json"
    )

    assert response.status_code == 400
    assert "already registered" in response.json()["iin"][0]


def test_analysts_change_nothing(client_for, analyst):
    response = client_for(analyst).post("/api/v1/persons/", {"full_name": "Someone"}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == "Your role gives read-only access."
    assert not Person.objects.exists()


def test_another_centers_person_is_not_found(client_for, reception, other_center):
    person = PersonFactory(center=other_center)
    client = client_for(reception)

    assert client.get(f"/api/v1/persons/{person.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/persons/{person.pk}/", {"full_name": "X"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 404


class TestConflictSafeCorrection:
    def test_detail_sends_the_version_as_etag(self, client_for, reception, center):
        person = PersonFactory(center=center)

        response = client_for(reception).get(f"/api/v1/persons/{person.pk}/")

        assert response.status_code == 200
        assert response["ETag"] == '"1"'
        assert response.json()["version"] == 1

    def test_a_change_without_if_match_is_a_428(self, client_for, reception, center):
        person = PersonFactory(center=center)

        response = client_for(reception).patch(
            f"/api/v1/persons/{person.pk}/", {"full_name": "New"}, format="json"
        )

        assert response.status_code == 428
        assert "If-Match" in response.json()["detail"]
        person.refresh_from_db()
        assert person.full_name != "New"

    def test_read_change_and_a_stale_second_change_is_a_412(self, client_for, reception, lawyer, center):
        # given two users who read version 1
        person = PersonFactory(center=center, full_name="Old Name")
        first, second = client_for(reception), client_for(lawyer)
        etag = first.get(f"/api/v1/persons/{person.pk}/")["ETag"]
        # when the first changes it
        response = first.patch(
            f"/api/v1/persons/{person.pk}/", {"full_name": "First Name"}, format="json", HTTP_IF_MATCH=etag
        )
        assert response.status_code == 200
        assert response["ETag"] == '"2"'
        # then the second, still on version 1, is refused and changes nothing
        response = second.patch(
            f"/api/v1/persons/{person.pk}/", {"full_name": "Second Name"}, format="json", HTTP_IF_MATCH=etag
        )
        assert response.status_code == 412
        assert response.json()["current_version"] == 2
        assert response["ETag"] == '"2"'
        person.refresh_from_db()
        assert (person.full_name, person.version) == ("First Name", 2)

    def test_a_malformed_if_match_is_a_412(self, client_for, reception, center):
        person = PersonFactory(center=center)

        response = client_for(reception).patch(
            f"/api/v1/persons/{person.pk}/", {"full_name": "New"}, format="json", HTTP_IF_MATCH="yesterday"
        )

        assert response.status_code == 412

    def test_invalid_changes_are_a_400_and_keep_the_version(self, client_for, reception, center):
        person = PersonFactory(center=center)

        response = client_for(reception).patch(
            f"/api/v1/persons/{person.pk}/", {"phone": "12345"}, format="json", HTTP_IF_MATCH='"1"'
        )

        assert response.status_code == 400
        assert set(response.json()) == {"phone"}
        person.refresh_from_db()
        assert person.version == 1


class TestMasking:
    @pytest.mark.parametrize("role", [Role.RECEPTION, Role.LAWYER, Role.MANAGER])
    def test_center_staff_see_iin_and_phone(self, client_for, center, role):
        person = PersonFactory(center=center, iin=IIN, phone="+77012345678")

        body = client_for(StaffFactory(role=role, center=center)).get(f"/api/v1/persons/{person.pk}/").json()

        assert (body["iin"], body["phone"]) == (IIN, "+77012345678")

    def test_analysts_see_them_masked_everywhere(self, client_for, analyst, center):
        person = PersonFactory(center=center, iin=IIN, phone="+77012345678")
        client = client_for(analyst)

        detail = client.get(f"/api/v1/persons/{person.pk}/").json()
        listed = client.get("/api/v1/persons/").json()["results"][0]

        expected = (f"{IIN[:2]}********{IIN[-2:]}", "+7********78")
        assert (detail["iin"], detail["phone"]) == expected
        assert (listed["iin"], listed["phone"]) == expected
        assert detail["full_name"] == person.full_name


class TestLookup:
    def test_finds_by_iin_or_phone_as_typed(self, client_for, reception, center):
        by_iin = PersonFactory(center=center, iin=IIN)
        by_phone = PersonFactory(center=center, phone="+77012345678")
        PersonFactory(center=center)
        client = client_for(reception)

        found = client.get("/api/v1/persons/lookup/", {"iin": f"{IIN[:6]}-{IIN[6:]}"}).json()
        assert [person["id"] for person in found] == [by_iin.pk]
        found = client.get("/api/v1/persons/lookup/", {"phone": "8 (701) 234-56-78"}).json()
        assert [person["id"] for person in found] == [by_phone.pk]
        found = client.get("/api/v1/persons/lookup/", {"iin": IIN, "phone": "+77012345678"}).json()
        assert {person["id"] for person in found} == {by_iin.pk, by_phone.pk}

    def test_does_not_find_another_centers_person(self, client_for, reception, other_center):
        PersonFactory(center=other_center, iin=IIN)

        response = client_for(reception).get("/api/v1/persons/lookup/", {"iin": IIN})

        assert response.status_code == 200
        assert response.json() == []

    def test_needs_an_iin_or_a_phone(self, client_for, reception):
        response = client_for(reception).get("/api/v1/persons/lookup/")

        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["Give an IIN or a phone number."]}


def test_search_by_name_or_exact_iin(client_for, reception, center):
    aigerim = PersonFactory(center=center, full_name="Aigerim Serikova", iin=IIN)
    PersonFactory(center=center, full_name="Bolat Nurlanov")
    client = client_for(reception)

    assert [p["id"] for p in client.get("/api/v1/persons/", {"q": "serik"}).json()["results"]] == [aigerim.pk]
    assert [p["id"] for p in client.get("/api/v1/persons/", {"q": IIN}).json()["results"]] == [aigerim.pk]
    assert client.get("/api/v1/persons/", {"q": IIN[:8]}).json()["count"] == 0  # IIN: exact only


@pytest.mark.parametrize("typed", ["Серікова", "серикова", "SERIKOVA", "Serikova"])
def test_the_list_finds_a_name_in_any_spelling(client_for, reception, center, typed):
    aigerim = PersonFactory(center=center, full_name="Серікова Айгерім")
    PersonFactory(center=center, full_name="Нурланов Болат")

    found = client_for(reception).get("/api/v1/persons/", {"q": typed}).json()["results"]

    assert [person["id"] for person in found] == [aigerim.pk]
