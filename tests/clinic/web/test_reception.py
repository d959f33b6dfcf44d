"""The reception desk: find or add the visitor, record the visit and what was done, in one POST."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic import services
from clinic.models import Application, Person, Visit
from organizations.identifiers import make_iin
from organizations.models import Role
from tests.factories import EmployerFactory, PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db


def walk_in(**overrides) -> dict:
    """The desk's POST for a new visitor answered on the spot; keyword arguments change fields."""
    return {
        "person": "new",
        "full_name": "Aigerim  Seitkali",
        "phone": "8 701 234 56 78",
        "iin": "",
        "employer": "",
        "channel": "in_person",
        "topics": ["wages"],
        "question": "Wages unpaid since March.",
        "result": "consultation",
        "action_taken": "Explained how to claim the arrears from the employer in writing.",
        "service": "legal_clinic",
        "kind": "written_application",
        "lawyer": "",
        **overrides,
    }


# Who may use the desk


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.LAWYER, Role.MANAGER])
def test_center_staff_open_the_desk(client_for, center, ref, role):
    response = client_for(StaffFactory(role=role, center=center)).get("/reception/")

    assert response.status_code == 200
    assert 'id="q"' in response.text
    assert "autofocus" in response.text


def test_an_analyst_is_refused_the_desk_and_its_search(client_for, analyst, ref):
    client = client_for(analyst)

    assert client.get("/reception/").status_code == 403
    assert client.get("/reception/persons/?q=Applicant").status_code == 403
    assert client.post("/reception/", walk_in()).status_code == 403
    assert not Person.objects.exists()


def test_a_federation_administrator_has_no_desk(client_for, administrator, ref):
    assert client_for(administrator).get("/reception/").status_code == 403


def test_every_input_of_the_desk_has_a_label(client_for, reception, ref):
    response = client_for(reception).get("/reception/")

    form = response.context["form"]
    for name in ("full_name", "phone", "iin", "employer", "channel", "question", "action_taken", "kind"):
        assert f'for="{form[name].id_for_label}"' in response.text, name
    assert '<label for="q">' in response.text
    assert '<label for="person-new">' in response.text


# The search box


def test_the_search_finds_a_phone_typed_the_way_people_say_it(client_for, center, reception, ref):
    person = PersonFactory(center=center, phone="+77012345678")
    PersonFactory(center=center, phone="+77479998877")

    response = client_for(reception).get("/reception/persons/", {"q": "8 701 234 56 78"})

    assert response.status_code == 200
    assert [card.person for card in response.context["persons"]] == [person]
    assert response.context["checked"] == str(person.pk)  # a single exact match is pre-selected
    assert f'value="{person.pk}" id="person-{person.pk}" checked' in response.text


def test_the_search_finds_part_of_a_phone_number_while_it_is_typed(client_for, center, reception, ref):
    person = PersonFactory(center=center, phone="+77012345678")

    response = client_for(reception).get("/reception/persons/", {"q": "8 701 234"})

    assert [card.person for card in response.context["persons"]] == [person]
    assert response.context["checked"] == ""  # a partial match is not chosen for the user


def test_the_search_finds_an_iin_its_first_digits_and_a_part_of_a_name(client_for, center, reception, ref):
    iin = make_iin(date(1990, 1, 2), female=True, serial=77)
    by_iin = PersonFactory(center=center, iin=iin, full_name="Dana Omarova")
    by_name = PersonFactory(center=center, full_name="Yerlan Tokayev")
    client = client_for(reception)

    assert [c.person for c in client.get("/reception/persons/", {"q": iin}).context["persons"]] == [by_iin]
    assert [c.person for c in client.get("/reception/persons/", {"q": "tokay"}).context["persons"]] == [
        by_name
    ]
    # An IIN is found by its first digits as they are typed.
    assert [c.person for c in client.get("/reception/persons/", {"q": iin[:6]}).context["persons"]] == [
        by_iin
    ]


def test_the_search_never_shows_another_centers_person(client_for, center, other_center, reception, ref):
    PersonFactory(center=other_center, full_name="Foreign Visitor", phone="+77010000001")

    response = client_for(reception).get("/reception/persons/", {"q": "Foreign"})

    assert response.context["persons"] == []
    assert response.context["checked"] == "new"  # nothing found: a new person
    assert "Foreign Visitor" not in response.text


def test_the_search_shows_at_most_ten_persons(client_for, center, reception, ref):
    PersonFactory.create_batch(12, center=center)

    response = client_for(reception).get("/reception/persons/", {"q": "Applicant"})

    assert len(response.context["persons"]) == 10
    assert "Type more to narrow" in response.text


def test_the_search_partial_updates_the_count_out_of_band(client_for, center, reception, ref):
    PersonFactory(center=center, full_name="Dana Omarova")

    response = client_for(reception).get("/reception/persons/", {"q": "Dana"}, headers={"HX-Request": "true"})

    assert 'id="person-count"' in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert "<html" not in response.text  # a fragment, not a page


def test_without_javascript_the_search_reloads_the_desk_with_its_results(client_for, center, reception, ref):
    person = PersonFactory(center=center, full_name="Dana Omarova")

    response = client_for(reception).get("/reception/", {"q": "Dana"})

    assert response.status_code == 200
    assert [card.person for card in response.context["persons"]] == [person]
    assert 'value="Dana"' in response.text


# Recording a walk-in


def test_a_new_visitor_answered_on_the_spot_in_one_post(client_for, center, reception, ref):
    # when
    response = client_for(reception).post("/reception/", walk_in(), follow=True)
    # then
    assert response.redirect_chain == [("/reception/", 302)]
    person = Person.objects.get()
    assert (person.full_name, person.phone, person.center) == ("Aigerim Seitkali", "+77012345678", center)
    visit = Visit.objects.get()
    assert (visit.person, visit.result, visit.channel_id) == (person, Visit.Result.CONSULTATION, "in_person")
    assert list(visit.topics.values_list("code", flat=True)) == ["wages"]
    assert visit.action_taken.startswith("Explained how to claim")
    assert not Application.objects.exists()
    assert "answered on the spot" in response.text
    assert response.context["visits"][0] == visit  # today's list below the form


def test_a_known_visitor_is_picked_from_the_results(client_for, center, reception, ref):
    person = PersonFactory(center=center)

    response = client_for(reception).post(
        "/reception/", walk_in(person=str(person.pk), full_name="", phone="")
    )

    assert response.status_code == 302
    assert Person.objects.count() == 1
    assert Visit.objects.get().person == person


def test_a_new_visitor_with_an_employer_typed_by_bin(client_for, center, reception, ref):
    employer = EmployerFactory(center=center, name="Kazakhmys Copper LLP")

    response = client_for(reception).post("/reception/", walk_in(employer=employer.bin))

    assert response.status_code == 302
    assert Person.objects.get().employer == employer
    assert Visit.objects.get().employer == employer


def test_an_employer_of_another_center_is_not_found(client_for, center, other_center, reception, ref):
    employer = EmployerFactory(center=other_center)

    response = client_for(reception).post("/reception/", walk_in(employer=employer.bin))

    assert response.status_code == 422
    assert response.context["form"].errors["employer"]
    assert not Person.objects.exists()


def test_opening_a_case_creates_an_application_linked_to_the_visit(
    client_for, center, reception, lawyer, ref
):
    response = client_for(reception).post(
        "/reception/", walk_in(result="case_opened", action_taken="", lawyer=str(lawyer.pk)), follow=True
    )

    assert response.status_code == 200
    visit = Visit.objects.get()
    application = Application.objects.get()
    assert application.visit == visit
    assert visit.result == Visit.Result.CASE_OPENED
    assert (application.person, application.lawyer, application.service_id) == (
        visit.person,
        lawyer,
        "legal_clinic",
    )
    assert (application.kind_id, application.topic_id) == ("written_application", "wages")
    assert application.received_on == timezone.localdate()
    assert application.registration_number in response.text


def test_opening_a_case_needs_a_kind(client_for, reception, ref):
    response = client_for(reception).post("/reception/", walk_in(result="case_opened", kind=""))

    assert response.status_code == 422
    assert response.context["form"].errors["kind"] == ["Needed to open a case."]
    assert not Person.objects.exists()


def test_an_invalid_iin_leaves_nothing_saved_and_is_shown_next_to_the_field(client_for, reception, ref):
    response = client_for(reception).post("/reception/", walk_in(iin="850517400124"))

    assert response.status_code == 422
    assert "check digit" in " ".join(response.context["form"].errors["iin"])
    assert 'aria-invalid="true"' in response.text
    assert not Person.objects.exists()
    assert not Visit.objects.exists()


def test_a_refusal_after_the_person_was_created_rolls_everything_back(client_for, reception, ref):
    # given a new person and a visit that visit_answer_on_spot refuses: nothing was said
    data = walk_in(action_taken="   ")
    # when
    response = client_for(reception).post("/reception/", data)
    # then person_create and visit_register ran, and were undone with the refusal
    assert response.status_code == 422
    assert response.context["form"].errors["action_taken"] == ["Say what the visitor was told."]
    assert not Person.objects.exists()
    assert not Visit.objects.exists()


def test_a_visit_without_a_topic_is_refused_by_the_service(client_for, reception, ref):
    response = client_for(reception).post("/reception/", walk_in(topics=[]))

    assert response.status_code == 422
    assert response.context["form"].errors["topics"] == ["Choose at least one topic."]
    assert not Person.objects.exists()


def test_a_duplicate_iin_names_the_person_already_registered(client_for, center, reception, ref):
    existing = PersonFactory(center=center)

    response = client_for(reception).post("/reception/", walk_in(iin=existing.iin))

    assert response.status_code == 422
    assert existing.full_name in " ".join(response.context["form"].errors["iin"])
    assert Person.objects.count() == 1


def test_a_person_of_another_center_cannot_be_slipped_in(client_for, other_center, reception, ref):
    foreign = PersonFactory(center=other_center)

    response = client_for(reception).post("/reception/", walk_in(person=str(foreign.pk)))

    assert response.status_code == 422
    assert response.context["form"].errors["person"]
    assert not Visit.objects.exists()


def test_the_chosen_person_stays_chosen_when_the_form_comes_back(client_for, center, reception, ref):
    person = PersonFactory(center=center)

    response = client_for(reception).post("/reception/", walk_in(person=str(person.pk), topics=[]))

    assert response.status_code == 422
    assert f'value="{person.pk}" id="person-{person.pk}" checked' in response.text


def test_todays_visits_are_those_of_the_own_center(client_for, center, other_center, reception, ref):
    ours = services.visit_register(
        by=reception, person=PersonFactory(center=center), channel=ref.in_person, topics=[ref.wages]
    )
    other_reception = StaffFactory(role=Role.RECEPTION, center=other_center)
    services.visit_register(
        by=other_reception,
        person=PersonFactory(center=other_center),
        channel=ref.in_person,
        topics=[ref.wages],
    )

    response = client_for(reception).get("/reception/")

    assert list(response.context["visits"]) == [ours]


def test_todays_visits_are_those_of_the_local_calendar_day(client_for, center, reception, ref):
    # given: visits at the first and the last moment of today (local time), and just outside it
    today = timezone.localdate()
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    moments = {
        "yesterday": midnight - timedelta(microseconds=1),
        "first": midnight,
        "last": midnight + timedelta(days=1) - timedelta(microseconds=1),
        "tomorrow": midnight + timedelta(days=1),
    }
    visits = {}
    for name, moment in moments.items():
        visit = services.visit_register(
            by=reception, person=PersonFactory(center=center), channel=ref.in_person, topics=[ref.wages]
        )
        Visit.objects.filter(pk=visit.pk).update(visited_at=moment)
        visits[name] = visit.pk
    # when
    response = client_for(reception).get("/reception/")
    # then
    assert [visit.pk for visit in response.context["visits"]] == [visits["last"], visits["first"]]


def test_the_desk_takes_the_same_number_of_queries_for_1_and_20_visits_today(
    client_for, center, reception, ref
):
    client = client_for(reception)

    def desk_with(count: int) -> int:
        for _ in range(count):
            services.visit_register(
                by=reception, person=PersonFactory(center=center), channel=ref.in_person, topics=[ref.wages]
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/reception/")
        assert len(response.context["visits"]) == Visit.objects.count()
        return len(queries)

    assert desk_with(1) == desk_with(19)


@pytest.mark.parametrize("typed", ["жумабаева", "ЖҰМАБАЕВА", "Zhumabayeva", "жумаба"])
def test_the_search_finds_a_name_in_any_case_and_spelling(client_for, center, reception, ref, typed):
    PersonFactory(center=center, full_name="Жұмабаева Айгүль")
    PersonFactory(center=center, full_name="Серикова Дана")

    response = client_for(reception).get("/reception/persons/", {"q": typed})

    assert [candidate.person.full_name for candidate in response.context["persons"]] == ["Жұмабаева Айгүль"]
