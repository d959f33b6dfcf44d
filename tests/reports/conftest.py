"""Fixtures for the report tests: cases built and decided through the clinic's services."""

import itertools
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from clinic import services as clinic
from clinic.models import ApplicationKind, Channel, LaborDispute, Service, Status
from organizations.identifiers import make_bin
from organizations.models import Role
from tests.factories import (
    ApplicationFactory,
    EmployerFactory,
    PersonFactory,
    StaffFactory,
    channel,
    kind,
    outcome,
    service,
    topic,
)

_serials = itertools.count(1)


def employer_of(center):
    """An employer with a BIN of its own."""
    # EmployerFactory's sequence can repeat a BIN: a serial with no valid check digit moves to the
    # next serial (make_bin), which the next employer then gets too.
    return EmployerFactory(center=center, bin=make_bin(date(2019, 6, 1), serial=next(_serials) * 10))


def case_make(
    center,
    *,
    received_on: date,
    decided_on: date | None = None,
    outcome_code: str | None = None,
    service_code: str = Service.LEGAL_CLINIC,
    topic_code: str = "wages",
    kind_code: str = ApplicationKind.WRITTEN_APPLICATION,
    channel_code: str = Channel.IN_PERSON,
    recovered_kzt: Decimal = Decimal(0),
    office=None,
):
    """A case registered on `received_on` and, with an outcome, decided on `decided_on` by a manager."""
    manager = StaffFactory(role=Role.MANAGER, center=center)
    application = ApplicationFactory(
        center=center,
        received_on=received_on,
        service=service(service_code),
        topic=topic(topic_code),
        kind=kind(kind_code),
        channel=channel(channel_code),
        office=office,
    )
    if outcome_code:
        clinic.application_change_status(application=application, by=manager, to_status=Status.IN_PROGRESS)
        application = clinic.application_decide(
            application=application,
            by=manager,
            outcome=outcome(outcome_code),
            decided_on=decided_on,
            recovered_kzt=recovered_kzt,
        )
    return application


@pytest.fixture
def make_case():
    return case_make


def local_moment(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def visit_make(person, when: datetime):
    """A reception visit of `person` at a local date and time."""
    reception = StaffFactory(role=Role.RECEPTION, center=person.center)
    return clinic.visit_register(
        by=reception, person=person, channel=channel(), topics=[topic()], visited_at=when
    )


@pytest.fixture
def make_visit():
    return visit_make


def dispute_make(
    center,
    *,
    opened_on: date,
    resolved_on: date | None = None,
    result: str = "",
    recovered_kzt: Decimal = Decimal(0),
    employer=None,
):
    """A labor dispute opened on `opened_on` and, with a result, resolved on `resolved_on`."""
    lawyer = StaffFactory(role=Role.LAWYER, center=center)
    dispute = clinic.dispute_register(
        by=lawyer,
        employer=employer or employer_of(center),
        subject="Unpaid wages",
        opened_on=opened_on,
    )
    if result:
        dispute = clinic.dispute_resolve(
            dispute=dispute,
            by=lawyer,
            result=LaborDispute.Result(result),
            resolved_on=resolved_on,
            recovered_kzt=recovered_kzt,
        )
    return dispute


@pytest.fixture
def make_dispute():
    return dispute_make


def prevented_make(center, *, employer, prevented_on: date):
    manager = StaffFactory(role=Role.MANAGER, center=center)
    return clinic.prevented_dispute_record(
        by=manager, employer=employer, prevented_on=prevented_on, how="Talks with the employer"
    )


@pytest.fixture
def make_prevented():
    return prevented_make


@pytest.fixture
def person_of():
    return lambda center: PersonFactory(center=center)
