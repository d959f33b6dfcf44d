"""Fixtures shared by the whole suite."""

import ast
from pathlib import Path

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


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A module whose tests are all slow (`pytestmark` holds `pytest.mark.slow`) is not even imported
    when -m leaves out the slow tests: collecting the schemathesis module alone (it loads the schema and
    builds a test per operation) costs each worker seconds."""
    if (
        collection_path.suffix == ".py"
        and collection_path.name.startswith("test_")
        and _leaves_out_slow(config.getoption("markexpr"))
        and _all_slow(collection_path)
    ):
        return True
    return None


def _leaves_out_slow(markexpr: str) -> bool:
    """Whether -m is the fast run's `not slow` (other expressions collect everything, as pytest does)."""
    return " ".join(markexpr.split()) == "not slow"


def _all_slow(path: Path) -> bool:
    for node in ast.parse(path.read_bytes()).body:
        names = [getattr(target, "id", None) for target in getattr(node, "targets", ())]
        if isinstance(node, ast.Assign) and "pytestmark" in names:
            marks = node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
            return any(ast.unparse(mark) == "pytest.mark.slow" for mark in marks)
    return False


@pytest.fixture(autouse=True)
def fresh_test_state():
    """Each test starts in the default language, whatever the test before it (a page in Russian, say)
    left active in the worker's thread, and with no reference rows remembered by the factories: neither
    a test's nor those a module's rows (a module-scoped fixture, set up before this one) left, which
    are rolled back after it."""
    translation.activate(settings.LANGUAGE_CODE)
    factories.reference_rows.clear()
    yield
    factories.reference_rows.clear()
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
