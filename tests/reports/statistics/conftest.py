"""A statistical return in each state: Almaty Region's 2021 figures, entered by the center's manager;
and the demo's organizations and statistics (DOMAIN.md's figures)."""

import pytest
from django.core.management import call_command

from organizations.models import Role
from reports.statistics import services
from seeds.organizations import demo_organizations_create, demo_statistics_create
from tests.factories import StaffFactory
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


@pytest.fixture
def demo(db):
    """The reference data, role groups, organizations and statistical returns of the demo."""
    call_command("seed_reference", verbosity=0)
    demo_organizations_create()
    demo_statistics_create()
