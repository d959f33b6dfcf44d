"""Fixtures shared by the whole suite."""

import pytest
from rest_framework.test import APIClient

from organizations.models import Role
from tests.celery_worker import redis_worker  # noqa: F401  (a fixture: a real worker on Redis)
from tests.factories import CenterFactory, StaffFactory


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def center():
    return CenterFactory()


@pytest.fixture
def other_center():
    return CenterFactory()


@pytest.fixture
def reception(center):
    return StaffFactory(role=Role.RECEPTION, center=center)


@pytest.fixture
def lawyer(center):
    return StaffFactory(role=Role.LAWYER, center=center)


@pytest.fixture
def manager(center):
    return StaffFactory(role=Role.MANAGER, center=center)


@pytest.fixture
def analyst():
    return StaffFactory(role=Role.ANALYST, center=None)
