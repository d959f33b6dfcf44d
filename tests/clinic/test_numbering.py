"""Registration numbers: <CODE>-<YEAR>-<00001>, sequential per center and year with no gaps, even
when registrations run in parallel or one of them is rolled back."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from clinic import services
from clinic.models import Application, RegistrationCounter
from organizations.models import Role
from tests.factories import CenterFactory, PersonFactory, StaffFactory, channel, kind, service, topic


@pytest.mark.django_db
def test_number_format_and_sequence_per_center(register_case, center):
    # when
    first, second, third = (register_case(received_on=date(2021, 3, 19)) for _ in range(3))
    # then
    assert [first.registration_number, second.registration_number, third.registration_number] == [
        f"{center.code}-2021-00001",
        f"{center.code}-2021-00002",
        f"{center.code}-2021-00003",
    ]
    assert (third.year, third.sequence) == (2021, 3)


@pytest.mark.django_db
def test_each_center_counts_on_its_own(register_case, center, other_center):
    # given
    register_case(received_on=date(2021, 3, 19))
    register_case(received_on=date(2021, 3, 19))
    # when
    elsewhere = register_case(
        center=other_center,
        registered_by=StaffFactory(role=Role.RECEPTION, center=other_center),
        received_on=date(2021, 3, 19),
    )
    # then
    assert elsewhere.registration_number == f"{other_center.code}-2021-00001"


@pytest.mark.django_db
def test_each_year_starts_from_one(register_case, center):
    # given
    register_case(received_on=date(2021, 12, 30))
    register_case(received_on=date(2021, 12, 31))
    # when
    new_year = register_case(received_on=date(2022, 1, 4))
    # then
    assert new_year.registration_number == f"{center.code}-2022-00001"
    assert register_case(received_on=date(2021, 12, 31)).registration_number == f"{center.code}-2021-00003"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_registration_leaves_no_gap(register_case, center, reception):
    # given
    register_case(received_on=date(2021, 3, 19))
    person = PersonFactory(center=center)

    def register_then_fail() -> None:
        with transaction.atomic():
            services.application_register(
                by=reception,
                person=person,
                service=service(),
                kind=kind(),
                topic=topic(),
                channel=channel(),
                received_on=date(2021, 3, 19),
            )
            raise RuntimeError("the caller failed after registering")

    # when
    with pytest.raises(RuntimeError):
        register_then_fail()
    after = register_case(received_on=date(2021, 3, 19))
    # then
    assert after.registration_number == f"{center.code}-2021-00002"
    assert Application.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_get_consecutive_numbers():
    # given: N desks of one center register at the same moment, in separate transactions
    workers = 8
    center = CenterFactory()
    reception = StaffFactory(role=Role.RECEPTION, center=center)
    persons = PersonFactory.create_batch(workers, center=center)
    references = {"service": service(), "kind": kind(), "topic": topic(), "channel": channel()}
    barrier = threading.Barrier(workers)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def register(person) -> None:
        try:
            barrier.wait(timeout=10)
            application = services.application_register(
                by=reception, person=person, received_on=date(2021, 3, 19), **references
            )
            numbers.append(application.registration_number)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(person,), daemon=True) for person in persons]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then
    assert not errors
    assert sorted(numbers) == [f"{center.code}-2021-{n:05d}" for n in range(1, workers + 1)]
    assert sorted(Application.objects.values_list("sequence", flat=True)) == list(range(1, workers + 1))
    assert RegistrationCounter.objects.get(center=center, year=2021).last_sequence == workers


@pytest.mark.django_db
def test_a_case_without_a_topic_is_refused_on_the_field_and_takes_no_number(reception, center):
    # given a person of the center
    person = PersonFactory(center=center)
    # when a case is registered without a topic (a visit that named none)
    with pytest.raises(ValidationError) as refused:
        services.application_register(
            by=reception, person=person, service=service(), kind=kind(), channel=channel(), topic=None
        )
    # then it is refused on that field, and the next case still gets the first number
    assert set(refused.value.message_dict) == {"topic"}
    case = services.application_register(
        by=reception, person=person, service=service(), kind=kind(), channel=channel(), topic=topic()
    )
    assert case.sequence == 1
