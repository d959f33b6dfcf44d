"""Fixtures of the web page tests: reference rows, signed-in clients, private media in a temp dir."""

from types import SimpleNamespace

import pytest
from django.test import Client

from clinic import services
from clinic.models import ApplicationKind, Outcome, Service, Status
from organizations.models import Role
from tests import factories


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ref(db) -> SimpleNamespace:
    """The reference rows the pages offer, created like seed_reference would."""
    return SimpleNamespace(
        legal_clinic=factories.service(Service.LEGAL_CLINIC),
        reception=factories.service(Service.PUBLIC_RECEPTION),
        wages=factories.topic("wages"),
        dismissal=factories.topic("dismissal"),
        in_person=factories.channel("in_person"),
        phone=factories.channel("phone"),
        written=factories.kind(ApplicationKind.WRITTEN_APPLICATION),
        oral=factories.kind(ApplicationKind.ORAL_CONSULTATION),
        satisfied=factories.outcome(Outcome.SATISFIED),
        rejected=factories.outcome(Outcome.REJECTED),
    )


@pytest.fixture
def client_for():
    """A fresh test client signed in as the given user (each user gets their own client)."""

    def sign_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def administrator(db):
    return factories.StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True)


@pytest.fixture
def case_of(ref):
    """A case of `center`, registered by its reception, optionally assigned and taken into work."""

    def make(center, *, lawyer=None, start: bool = False, **kwargs):
        application = factories.ApplicationFactory(center=center, lawyer=lawyer, **kwargs)
        if start:
            application = services.application_change_status(
                application=application, by=lawyer, to_status=Status.IN_PROGRESS
            )
        return application

    return make
