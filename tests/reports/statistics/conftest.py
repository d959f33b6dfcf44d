"""A statistical return in each state: Almaty Region's 2021 figures, entered by the center's manager;
and the demo's organizations and statistics (DOMAIN.md's figures)."""

import pytest
from django.core.management import call_command

from organizations.models import Role
from reports.statistics import services
from seeds.organizations import demo_organizations_create, demo_statistics_create
from tests.factories import StaffFactory
from tests.module_rows import rows_for_the_module
from tests.reports.statistics.support import FIGURES, YEAR


@pytest.fixture
def federation_admin():
    return StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True)


@pytest.fixture
def draft(manager):
    return services.statistical_return_save(by=manager, year=YEAR, **FIGURES)


@pytest.fixture
def submitted(draft, manager):
    return services.statistical_return_submit(statistical_return=draft, by=manager)


@pytest.fixture
def approved(submitted, analyst):
    return services.statistical_return_approve(statistical_return=submitted, by=analyst)


def _demo_create():
    call_command("seed_reference", verbosity=0)
    demo_organizations_create()
    demo_statistics_create()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The reference data, role groups, organizations and statistical returns of the demo, built once
    for the module's tests (each test's changes to them are rolled back after it)."""
    with rows_for_the_module(django_db_blocker, _demo_create):
        yield
