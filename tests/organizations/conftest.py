"""A statistical return in each state: Almaty Region's 2021 figures, entered by the center's manager."""

import pytest

from organizations import services
from organizations.models import Role
from tests.factories import StaffFactory
from tests.organizations.support import FIGURES, YEAR


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
