"""Persons: the IIN is validated and unique per center, the phone is normalised, and a person is
found by IIN or phone before a new one is created."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from clinic import services
from clinic.models import Person
from organizations.identifiers import make_iin
from organizations.models import Role
from tests.factories import StaffFactory

VALID_IIN = make_iin(date(1985, 5, 17), female=False, serial=4321)


def _with_wrong_check_digit(iin: str) -> str:
    return iin[:11] + str((int(iin[11]) + 1) % 10)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "iin",
    [
        pytest.param(_with_wrong_check_digit(VALID_IIN), id="typo in the check digit"),
        pytest.param("8505174", id="too short"),
        pytest.param("851317300012", id="month 13"),
    ],
)
def test_person_create_refuses_an_invalid_iin(reception, iin):
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(by=reception, full_name="Aigerim Seitkali", iin=iin)
    # then
    assert "iin" in excinfo.value.message_dict
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_person_create_normalises_phone_iin_name_and_email(reception, center):
    # when
    person = services.person_create(
        by=reception,
        full_name="  Aigerim   Seitkali ",
        iin=f"{VALID_IIN[:6]} {VALID_IIN[6:]}",
        phone="8 (701) 234-56-78",
        email=" Aigerim@Example.KZ ",
    )
    # then
    person.refresh_from_db()
    assert person.center == center
    assert person.full_name == "Aigerim Seitkali"
    assert person.iin == VALID_IIN
    assert person.phone == "+77012345678"
    assert person.email == "aigerim@example.kz"


@pytest.mark.django_db
def test_person_create_refuses_a_phone_that_is_not_kazakh(reception):
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(by=reception, full_name="Aigerim Seitkali", phone="+44 20 7946 0958")

    assert "phone" in excinfo.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    "phone",
    ["+7٠١٢٣٤٥٦٧٨٩", "+7７０１２３４５６７８", "8 ٧٠١ ٢٣٤ ٥٦ ٧٨"],
    ids=["arabic-indic digits", "fullwidth digits", "arabic-indic after 8"],
)
def test_person_create_refuses_a_phone_in_digits_a_search_would_not_find(reception, phone):
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(by=reception, full_name="Aigerim Seitkali", phone=phone)

    assert "phone" in excinfo.value.message_dict


@pytest.mark.django_db
def test_person_update_tidies_the_name_as_registration_does(reception):
    # given
    person = services.person_create(by=reception, full_name="Aigerim Seitkali")

    # when
    services.person_update(
        person=person, by=reception, expected_version=person.version, full_name="  Nurlan   Abenov "
    )

    # then
    person.refresh_from_db()
    assert person.full_name == "Nurlan Abenov"


@pytest.mark.django_db
def test_person_update_refuses_a_blank_name(reception):
    person = services.person_create(by=reception, full_name="Aigerim Seitkali")

    with pytest.raises(ValidationError) as excinfo:
        services.person_update(person=person, by=reception, expected_version=person.version, full_name="   ")

    assert "full_name" in excinfo.value.message_dict


@pytest.mark.django_db
def test_second_person_with_the_same_iin_in_the_center_is_refused_naming_the_first(reception):
    # given
    first = services.person_create(by=reception, full_name="Aigerim Seitkali", iin=VALID_IIN)
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(by=reception, full_name="Aigerim Seitkalieva", iin=VALID_IIN)
    # then
    [message] = excinfo.value.message_dict["iin"]
    assert "Aigerim Seitkali" in message
    assert str(first.pk) in message
    assert Person.objects.filter(iin=VALID_IIN).count() == 1


@pytest.mark.django_db
def test_changing_a_person_to_an_iin_already_taken_is_refused(reception):
    # given
    services.person_create(by=reception, full_name="Aigerim Seitkali", iin=VALID_IIN)
    other = services.person_create(by=reception, full_name="Dauren Abenov")
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.person_update(person=other, by=reception, iin=VALID_IIN)
    # then
    assert "Aigerim Seitkali" in excinfo.value.message_dict["iin"][0]
    other.refresh_from_db()
    assert other.iin == ""


@pytest.mark.django_db
def test_the_same_iin_in_another_center_is_allowed(reception, other_center):
    # given
    here = services.person_create(by=reception, full_name="Aigerim Seitkali", iin=VALID_IIN)
    reception_elsewhere = StaffFactory(role=Role.RECEPTION, center=other_center)
    # when
    there = services.person_create(by=reception_elsewhere, full_name="Aigerim Seitkali", iin=VALID_IIN)
    # then
    assert here.pk != there.pk
    assert {here.center_id, there.center_id} == {reception.center_id, other_center.pk}


@pytest.mark.django_db
def test_persons_without_iin_are_not_duplicates_once_confirmed(reception):
    services.person_create(by=reception, full_name="Aigerim Seitkali")
    with pytest.raises(ValidationError) as refused:
        services.person_create(by=reception, full_name="Aigerim Seitkali")
    assert "Aigerim Seitkali" in refused.value.message_dict["full_name"][0]

    services.person_create(by=reception, full_name="Aigerim Seitkali", confirm_not_duplicate=True)

    assert Person.objects.filter(iin="").count() == 2


@pytest.mark.django_db
def test_look_up_by_iin_or_phone_before_creating(reception, other_center):
    # given
    by_iin = services.person_create(by=reception, full_name="Aigerim Seitkali", iin=VALID_IIN)
    by_phone = services.person_create(by=reception, full_name="Dauren Abenov", phone="+77012345678")
    services.person_create(by=reception, full_name="Someone Else", phone="+77019999999")
    elsewhere = StaffFactory(role=Role.RECEPTION, center=other_center)
    services.person_create(by=elsewhere, full_name="Aigerim Seitkali", iin=VALID_IIN)
    own_center = Person.objects.visible_to(reception)
    # when / then: the look-up accepts the number as typed at the desk
    assert list(own_center.matching(iin=VALID_IIN)) == [by_iin]
    assert list(own_center.matching(iin=f"{VALID_IIN[:6]} {VALID_IIN[6:]}")) == [by_iin]
    assert list(own_center.matching(phone="8 (701) 234-56-78")) == [by_phone]
    assert set(own_center.matching(iin=VALID_IIN, phone="+77012345678")) == {by_iin, by_phone}
    assert not own_center.matching().exists()
    assert Person.objects.matching(iin=VALID_IIN).count() == 2  # one per center
