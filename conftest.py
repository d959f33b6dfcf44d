"""Fixtures shared by the whole suite."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from organizations.models import Role
from tests import factories
from tests.celery_worker import redis_worker  # noqa: F401  (a fixture: a real worker on Redis)
from tests.factories import CenterFactory, StaffFactory
from tests.module_rows import rows_for_the_module


@pytest.fixture(autouse=True)
def fresh_test_state():
    """Each test starts in the default language, whatever the test before it (a page in Russian, say)
    left active in the worker's thread, and with no reference rows remembered by the factories."""
    translation.activate(settings.LANGUAGE_CODE)
    factories.reference_rows.clear()
    yield
    translation.deactivate()
    factories.reference_rows.clear()  # a transactional test's flush deletes the rows remembered


@pytest.fixture(scope="module")
def seeded_reference(django_db_setup, django_db_blocker):
    """The reference lists, the 20 centers and the role groups of seed_reference, loaded once for the
    tests of a module (`pytest.mark.usefixtures("seeded_reference")`) and rolled back after them."""
    with rows_for_the_module(django_db_blocker, lambda: call_command("seed_reference", verbosity=0)):
        yield


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


@pytest.fixture
def two_factor_on(settings):
    """The second factor as in production (config.settings.base): required of administrators, managers,
    federation analysts and superusers. The test settings turn it off, so the tests that sign staff in
    with force_login need no device; the tests of the second factor turn it on with this fixture."""
    settings.TWO_FACTOR_REQUIRED_ROLES = ["administrator", "manager", "analyst"]
    settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = True
