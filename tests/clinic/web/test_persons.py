"""One person, one history, on the web: the desk shows who came before and warns of duplicates and of
a second open case on a topic; the person page shows the history and offers the merge to managers."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic import services
from clinic.models import Application, Person, Visit
from organizations.identifiers import make_iin
from organizations.models import Role
from tests.factories import ApplicationFactory, PersonFactory, PrimaryOrganizationFactory, StaffFactory

pytestmark = pytest.mark.django_db

IIN = make_iin(date(1988, 3, 14), female=False, serial=101)


def walk_in(**overrides) -> dict:
    """The desk's POST for a new visitor answered on the spot; keyword arguments change fields."""
    return {
        "person": "new",
        "full_name": "Нурлан Серикулы",
        "phone": "8 701 555 00 00",
        "iin": "",
        "employer": "",
        "channel": "in_person",
        "topics": ["wages"],
        "question": "Wages unpaid since March.",
        "result": "consultation",
        "action_taken": "Explained how to claim the arrears.",
        "service": "legal_clinic",
        "kind": "written_application",
        "lawyer": "",
        **overrides,
    }


def returning(center, reception, ref, *, cases: int = 1, visits: int = 1, iin: str = IIN) -> Person:
    person = PersonFactory(center=center, full_name="Нұрлан Серікұлы", phone="+77015550000", iin=iin)
    for _ in range(visits):
        services.visit_register(by=reception, person=person, channel=ref.in_person, topics=[ref.wages])
    for _ in range(cases):
        ApplicationFactory(center=center, person=person, registered_by=reception, topic=ref.wages)
    return person


# The desk: who came before


def test_the_search_results_say_who_came_before_with_the_latest_cases(client_for, center, reception, ref):
    person = returning(center, reception, ref, cases=1, visits=2)
    case = person.applications.get()

    response = client_for(reception).get("/reception/persons/", {"q": "нурлан"})

    assert [card.person for card in response.context["persons"]] == [person]
    assert "Came before: 2 visits" in response.text
    assert "1 case" in response.text
    assert case.registration_number in response.text
    assert f'href="/persons/{person.pk}/"' in response.text


def test_a_first_visitor_is_said_to_be_one(client_for, center, reception, ref):
    PersonFactory(center=center, full_name="Дана Омарова")

    response = client_for(reception).get("/reception/persons/", {"q": "омарова"})

    assert "First visit" in response.text


def test_the_desks_search_with_history_costs_the_same_for_1_and_9_persons(client_for, center, reception, ref):
    # Up to 9 found by a part of the name, the misspelt names are looked for too: one query more at 10.
    client = client_for(reception)

    def queries_for(count: int, name: str) -> int:
        for _ in range(count):
            person = PersonFactory(center=center, full_name=name)
            services.visit_register(by=reception, person=person, channel=ref.in_person, topics=[ref.wages])
            ApplicationFactory(center=center, person=person, registered_by=reception)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/reception/persons/", {"q": name})
        assert len(response.context["persons"]) == count
        return len(queries)

    assert queries_for(1, "Омарова Айгуль") == queries_for(9, "Серикова Дана")


# The desk: a second open case on the same topic


def test_a_second_case_on_an_open_topic_is_asked_about_then_opened(client_for, center, reception, ref):
    person = returning(center, reception, ref)
    open_case = person.applications.get()
    client = client_for(reception)
    post = walk_in(person=str(person.pk), full_name="", phone="", result="case_opened")

    refused = client.post("/reception/", post)

    assert refused.status_code == 422
    assert open_case.registration_number in " ".join(refused.context["form"].errors["confirm_second_case"])
    assert 'name="confirm_second_case"' in refused.text
    assert Application.objects.count() == 1
    assert Visit.objects.count() == 1

    response = client.post("/reception/", {**post, "confirm_second_case": "on"})

    assert response.status_code == 302
    assert person.applications.count() == 2


def test_a_case_on_another_topic_is_opened_without_a_question(client_for, center, reception, ref):
    person = returning(center, reception, ref)

    response = client_for(reception).post(
        "/reception/",
        walk_in(person=str(person.pk), full_name="", phone="", result="case_opened", topics=["dismissal"]),
    )

    assert response.status_code == 302
    assert person.applications.count() == 2


# The desk: duplicates before creating


@pytest.mark.parametrize("typed", ["Нурлан Серикулы", "Nurlan Serikuly", "НҰРЛАН СЕРІКҰЛЫ"])
def test_a_similar_name_is_named_and_registered_only_once_confirmed(
    client_for, center, reception, ref, typed
):
    existing = PersonFactory(center=center, full_name="Нұрлан Серікұлы", phone="")
    client = client_for(reception)

    refused = client.post("/reception/", walk_in(full_name=typed))

    assert refused.status_code == 422
    assert f"Нұрлан Серікұлы (record {existing.pk})" in " ".join(refused.context["form"].errors["full_name"])
    assert 'name="confirm_not_duplicate"' in refused.text
    assert Person.objects.count() == 1

    assert client.post("/reception/", walk_in(full_name=typed, confirm_not_duplicate="on")).status_code == 302
    assert Person.objects.count() == 2


def test_the_same_phone_is_named(client_for, center, reception, ref):
    existing = PersonFactory(center=center, full_name="Дана Омарова", phone="+77015550000")

    refused = client_for(reception).post("/reception/", walk_in())

    assert refused.status_code == 422
    assert f"Дана Омарова (record {existing.pk})" in " ".join(refused.context["form"].errors["phone"])


def test_the_same_iin_is_refused_as_before(client_for, center, reception, ref):
    PersonFactory(center=center, iin=IIN)

    refused = client_for(reception).post("/reception/", walk_in(iin=IIN, confirm_not_duplicate="on"))

    assert refused.status_code == 422
    assert "already registered" in " ".join(refused.context["form"].errors["iin"])


def test_union_membership_is_asked_at_the_desk(client_for, center, reception, ref):
    organization = PrimaryOrganizationFactory(center=center)
    client = client_for(reception)

    assert 'name="is_union_member"' in client.get("/reception/").text
    response = client.post(
        "/reception/", walk_in(is_union_member="yes", primary_organization=str(organization.pk))
    )

    assert response.status_code == 302
    person = Person.objects.get()
    assert person.is_union_member
    assert person.primary_organization == organization


# The person page


def test_the_person_page_shows_details_history_and_no_merge_to_reception(client_for, center, reception, ref):
    person = returning(center, reception, ref, cases=2, visits=1)

    response = client_for(reception).get(f"/persons/{person.pk}/")

    assert response.status_code == 200
    assert IIN in response.text  # the own center's reception sees the IIN
    for case in person.applications.all():
        assert case.registration_number in response.text
    assert len(response.context["history"].visits) == 1
    assert "merge" not in [offered.slug for offered in response.context["actions"]]


def test_the_person_page_masks_personal_data_for_an_analyst(client_for, center, reception, analyst, ref):
    person = returning(center, reception, ref)

    response = client_for(analyst).get(f"/persons/{person.pk}/")

    assert response.status_code == 200
    assert IIN not in response.text
    assert "+77015550000" not in response.text
    assert response.context["actions"] == []


def test_another_centers_person_page_is_not_found(client_for, other_center, reception, ref):
    assert client_for(reception).get(f"/persons/{PersonFactory(center=other_center).pk}/").status_code == 404


def test_a_manager_merges_a_duplicate_on_the_person_page(client_for, center, reception, manager, ref):
    survivor = returning(center, reception, ref)
    duplicate = PersonFactory(center=center, full_name="Nurlan Serikuly", iin="", phone="")
    ApplicationFactory(center=center, person=duplicate, registered_by=reception, topic=ref.dismissal)
    client = client_for(manager)

    page = client.get(f"/persons/{survivor.pk}/")
    assert f"/persons/{duplicate.pk}/" in page.text  # offered among the possible duplicates
    response = client.post(
        f"/persons/{survivor.pk}/merge/", {"duplicate": duplicate.pk, "version": survivor.version}
    )

    assert response.status_code == 302
    assert survivor.applications.count() == 2
    assert Person.objects.get(pk=duplicate.pk).merged_into == survivor
    tombstone = client.get(f"/persons/{duplicate.pk}/")
    assert "merged into" in tombstone.text
    assert tombstone.context["actions"] == []


def test_a_merge_is_refused_to_a_lawyer_and_for_another_centers_person(
    client_for, center, other_center, reception, manager, lawyer, ref
):
    survivor = PersonFactory(center=center)
    duplicate = PersonFactory(center=center)
    foreign = PersonFactory(center=other_center)

    by_lawyer = client_for(lawyer).post(f"/persons/{survivor.pk}/merge/", {"duplicate": duplicate.pk})
    across = client_for(manager).post(
        f"/persons/{survivor.pk}/merge/", {"duplicate": foreign.pk, "version": survivor.version}
    )

    assert by_lawyer.status_code == 403
    assert across.status_code == 422
    merge = next(offered for offered in across.context["actions"] if offered.slug == "merge")
    assert merge.form.errors["duplicate"]
    assert not Person.objects.exclude(merged_into=None).exists()


def test_the_person_page_costs_the_same_for_1_and_10_cases(client_for, center, reception, manager, ref):
    client = client_for(manager)

    def queries_for(count: int) -> int:
        iin = make_iin(date(1970, 1, count), female=True, serial=count)
        person = returning(center, reception, ref, cases=count, visits=count, iin=iin)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/persons/{person.pk}/")
        assert len(response.context["history"].cases) == count
        return len(queries)

    assert queries_for(1) == queries_for(10)


# The case page


def test_the_case_page_lists_the_applicants_other_cases(client_for, center, reception, lawyer, ref):
    person = returning(center, reception, ref, cases=2, visits=0)
    this, other = person.applications.order_by("pk")

    response = client_for(lawyer).get(f"/cases/{this.pk}/")

    assert response.context["other_cases"] == [other]
    assert other.registration_number in response.text
    assert StaffFactory(role=Role.LAWYER, center=center)  # another lawyer reads it the same way


# The federation's page of persons registered in two centers


def test_the_federation_sees_persons_registered_in_two_centers_masked(
    client_for, analyst, center, other_center
):
    iin = make_iin(date(1985, 5, 5), female=True, serial=41)
    first = PersonFactory(center=center, iin=iin, phone="+77015550000", full_name="Омарова Дана")
    second = PersonFactory(center=other_center, iin=iin, phone="+77015550001", full_name="Omarova Dana")
    PersonFactory(center=center, full_name="Сериков Нурлан")  # in one center only

    page = client_for(analyst).get("/persons/duplicates/", HTTP_ACCEPT_LANGUAGE="ru")

    assert page.status_code == 200
    [pair] = page.context["pairs"]
    assert {pair["first"].person, pair["second"].person} == {first, second}
    assert "Один ИИН" in page.text
    assert f"/persons/{first.pk}/" in page.text
    assert f"/persons/{second.pk}/" in page.text
    assert iin not in page.text
    assert "+7701555000" not in page.text
    assert "Сериков" not in page.text


def test_the_federation_page_links_to_the_duplicates(client_for, analyst):
    assert "/persons/duplicates/" in client_for(analyst).get("/federation/").text


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.LAWYER, Role.MANAGER])
def test_center_staff_are_refused_the_list_across_centers(client_for, center, role):
    user = StaffFactory(role=role, center=center)

    assert client_for(user).get("/persons/duplicates/").status_code == 403


def test_the_list_across_centers_costs_the_same_for_1_pair_and_for_6(
    client_for, analyst, center, other_center
):
    client = client_for(analyst)

    def queries_for(count: int) -> int:
        for serial in range(count):
            iin = make_iin(date(1970 + count, 1, 1), female=False, serial=serial)
            PersonFactory(center=center, iin=iin)
            PersonFactory(center=other_center, iin=iin)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/persons/duplicates/").status_code == 200
        return len(queries)

    assert queries_for(1) == queries_for(6)
