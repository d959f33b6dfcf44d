"""Fixtures of the API tests: signed-in clients, reference rows, private media in a temp dir."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from clinic.models import ApplicationKind, Outcome, Service
from tests import factories


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client_for():
    """A fresh API client signed in as the given user (each user gets their own client)."""

    def sign_in(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return sign_in


@pytest.fixture
def ref(db) -> SimpleNamespace:
    """The reference rows the tests use, created like seed_reference would."""
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
