"""One person, one record: duplicates are found before creating (the same IIN, the same phone, a similar
name in any spelling) and merged by a manager, keeping every record and its audit trail."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from clinic import services
from clinic.models import Application, Person, Visit
from clinic.selectors import cross_center_duplicates, persons_found
from organizations.identifiers import make_iin
from organizations.models import Role
from tests.factories import ApplicationFactory, PersonFactory, StaffFactory, VisitFactory

pytestmark = pytest.mark.django_db

IIN = make_iin(date(1988, 3, 14), female=False, serial=101)


# The duplicate check before creating a person


def test_the_same_iin_is_refused_even_when_confirmed(reception):
    existing = services.person_create(by=reception, full_name="Dauren Abenov", iin=IIN)

    with pytest.raises(ValidationError) as refused:
        services.person_create(by=reception, full_name="Other Name", iin=IIN, confirm_not_duplicate=True)

    assert existing.full_name in refused.value.message_dict["iin"][0]


def test_the_same_phone_is_named_and_created_only_once_confirmed(reception):
    existing = services.person_create(by=reception, full_name="Dauren Abenov", phone="+77012345678")

    with pytest.raises(ValidationError) as refused:
        services.person_create(by=reception, full_name="Aliya Abenova", phone="8 701 234 56 78")

    message = refused.value.message_dict["phone"][0]
    assert "Dauren Abenov" in message
    assert f"record {existing.pk}" in message
    assert "full_name" not in refused.value.message_dict  # another name: only the phone matched
    services.person_create(
        by=reception, full_name="Aliya Abenova", phone="8 701 234 56 78", confirm_not_duplicate=True
    )
    assert Person.objects.filter(phone="+77012345678").count() == 2


@pytest.mark.parametrize("typed", ["Нурлан Серикулы", "Nurlan Serikuly", "НҰРЛАН СЕРІКҰЛЫ"])
def test_a_name_in_another_spelling_is_a_possible_duplicate(reception, typed):
    existing = services.person_create(by=reception, full_name="Нұрлан Серікұлы")

    with pytest.raises(ValidationError) as refused:
        services.person_create(by=reception, full_name=typed)

    assert f"Нұрлан Серікұлы (record {existing.pk})" in refused.value.message_dict["full_name"][0]


def test_a_misspelt_name_is_a_possible_duplicate_and_another_name_is_not(reception):
    services.person_create(by=reception, full_name="Жумабаева Айгуль Сериковна")

    with pytest.raises(ValidationError):
        services.person_create(by=reception, full_name="Жумабаева Айгул Серикова")
    services.person_create(by=reception, full_name="Ахметов Данияр")  # nothing alike: no question asked

    assert Person.objects.count() == 2


def test_another_centers_person_is_not_a_duplicate(reception, other_center):
    StaffFactory(role=Role.RECEPTION, center=other_center)
    PersonFactory(center=other_center, full_name="Нурлан Сериков", phone="+77012345678")

    services.person_create(by=reception, full_name="Нурлан Сериков", phone="+77012345678")

    assert Person.objects.filter(full_name="Нурлан Сериков").count() == 2


# The desk's search


def test_a_misspelt_name_is_found_most_similar_first(center):
    wanted = PersonFactory(center=center, full_name="Жұмабаева Айгүль")
    PersonFactory(center=center, full_name="Серикова Дана")
    less_alike = PersonFactory(center=center, full_name="Жумагалиева Айгерим")

    found = persons_found(Person.objects.filter(center=center), "Жумабоева")

    assert found[0] == wanted
    assert less_alike not in found[:1]


def test_an_iin_is_found_by_its_first_digits(center):
    person = PersonFactory(center=center, iin=IIN)
    PersonFactory(center=center, iin=make_iin(date(1990, 3, 14), female=False, serial=5))

    assert list(Person.objects.filter(center=center).search(IIN[:4])) == [person]
    assert list(Person.objects.filter(center=center).search(IIN[:8])) == [person]
    assert list(Person.objects.filter(center=center).search(IIN[:3])) == []  # too short to mean an IIN


# Merging


@pytest.fixture
def pair(center, reception):
    """Two records of one person: the survivor (IIN, no phone) and the duplicate (phone, e-mail,
    employer, a member), each with a visit and a case."""
    survivor = PersonFactory(center=center, full_name="Нұрлан Серікұлы", iin=IIN, phone="")
    duplicate = PersonFactory(
        center=center,
        full_name="Nurlan Serikuly",
        iin=make_iin(date(1988, 3, 14), female=False, serial=102),
        phone="+77015550000",
        email="nurlan@mail.kz",
        is_union_member=True,
    )
    for person in (survivor, duplicate):
        VisitFactory(person=person, registered_by=reception)
        ApplicationFactory(center=center, person=person, registered_by=reception)
    return survivor, duplicate


def test_a_merge_keeps_every_record_and_fills_what_the_survivor_lacks(pair, manager):
    survivor, duplicate = pair
    case_ids = set(Application.objects.values_list("pk", flat=True))
    visit_ids = set(Visit.objects.values_list("pk", flat=True))

    merged = services.persons_merge(survivor=survivor, duplicate=duplicate, by=manager)

    assert set(merged.applications.values_list("pk", flat=True)) == case_ids
    assert set(merged.visits.values_list("pk", flat=True)) == visit_ids
    assert (merged.iin, merged.phone, merged.email, merged.is_union_member) == (
        IIN,
        "+77015550000",
        "nurlan@mail.kz",
        True,
    )
    assert merged.full_name == "Нұрлан Серікұлы"  # the survivor keeps its own values
    duplicate.refresh_from_db()
    assert duplicate.merged_into == merged
    assert duplicate.iin == ""
    assert list(Person.objects.active()) == [merged]


def test_a_merge_is_audited_with_its_actor(pair, manager):
    survivor, duplicate = pair
    moved = [*Visit.objects.filter(person=duplicate), *Application.objects.filter(person=duplicate)]
    before = set(LogEntry.objects.values_list("pk", flat=True))

    services.persons_merge(survivor=survivor, duplicate=duplicate, by=manager)

    entries = LogEntry.objects.exclude(pk__in=before).select_related("content_type", "actor")
    assert {entry.actor for entry in entries} == {manager}
    changed = {(entry.content_type.model, entry.object_pk) for entry in entries}
    assert {(type(record)._meta.model_name, str(record.pk)) for record in moved} <= changed
    assert ("person", str(duplicate.pk)) in changed
    assert ("person", str(survivor.pk)) in changed


def test_a_merge_takes_a_duplicates_iin_without_breaking_the_one_iin_rule(center, manager):
    survivor = PersonFactory(center=center, iin="", full_name="Dana Omarova")
    duplicate = PersonFactory(center=center, iin=IIN, full_name="Dana Omarova")

    merged = services.persons_merge(survivor=survivor, duplicate=duplicate, by=manager)

    assert merged.iin == IIN
    assert Person.objects.get(pk=duplicate.pk).iin == ""


def test_a_merge_is_refused_to_a_lawyer_and_across_centers(pair, lawyer, manager, other_center):
    survivor, duplicate = pair
    foreign = PersonFactory(center=other_center)

    with pytest.raises(PermissionDenied):
        services.persons_merge(survivor=survivor, duplicate=duplicate, by=lawyer)
    with pytest.raises(ValidationError) as refused:
        services.persons_merge(survivor=survivor, duplicate=foreign, by=manager)

    assert "duplicate" in refused.value.message_dict
    assert not Person.objects.exclude(merged_into=None).exists()


def test_a_tombstone_is_merged_no_more_and_found_nowhere(pair, manager):
    survivor, duplicate = pair
    services.persons_merge(survivor=survivor, duplicate=duplicate, by=manager)

    with pytest.raises(ValidationError):
        services.persons_merge(survivor=survivor, duplicate=Person.objects.get(pk=duplicate.pk), by=manager)
    assert duplicate not in Person.objects.search("Nurlan")
    assert duplicate not in Person.objects.matching(phone="+77015550000")


def test_a_stale_version_is_refused(pair, manager):
    survivor, duplicate = pair

    with pytest.raises(services.VersionConflict):
        services.persons_merge(
            survivor=survivor, duplicate=duplicate, by=manager, expected_version=survivor.version + 1
        )


# The federation's duplicates across centers


def test_the_same_iin_and_a_like_name_with_the_same_birth_date_across_centers(center, other_center, analyst):
    same_iin = PersonFactory(center=center, iin=IIN, full_name="Dana Omarova")
    PersonFactory(center=other_center, iin=IIN, full_name="Dana Omarova")
    alike = PersonFactory(
        center=center, iin=make_iin(date(1979, 6, 1), female=True, serial=1), full_name="Жұмабаева Айгүль"
    )
    PersonFactory(
        center=other_center,
        iin=make_iin(date(1979, 6, 1), female=True, serial=2),
        full_name="Zhumabayeva Aigul",
    )
    PersonFactory(
        center=other_center, iin=make_iin(date(1979, 6, 1), female=True, serial=3), full_name="Other"
    )

    pairs = cross_center_duplicates(analyst)

    assert {(pair.first.pk, pair.reason) for pair in pairs} == {
        (same_iin.pk, "same_iin"),
        (alike.pk, "similar_name_and_birth_date"),
    }
