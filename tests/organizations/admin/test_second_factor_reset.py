"""An administrator resets a staff member's second factor (a lost phone) from the staff admin."""

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.models import Role
from tests.factories import StaffFactory
from tests.organizations.two_factor import (
    code_of,
    enrolled,
    sign_in,
    verify,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference", "two_factor_on")]


def test_an_administrator_resets_a_lost_phone(manager):
    administrator = StaffFactory(role=Role.ADMINISTRATOR, center=manager.center)
    admin_device, _codes = enrolled(administrator)
    device, _codes = enrolled(manager)
    phone_lost = Client()
    sign_in(phone_lost, manager)
    verify(phone_lost, code=code_of(device))
    admin = Client()
    sign_in(admin, administrator)
    verify(admin, code=code_of(admin_device))

    response = admin.post(
        "/admin/organizations/user/", {"action": "reset_second_factor", "_selected_action": [manager.pk]}
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticDevice.objects.filter(user=manager).exists()
    assert phone_lost.get("/dashboard/").url.startswith("/accounts/login/")
    removed = LogEntry.objects.get_for_model(TOTPDevice).filter(action=LogEntry.Action.DELETE)
    assert removed.filter(object_pk=str(device.pk), actor=administrator).exists()
    # at the next sign-in the manager enrols again
    again = Client()
    sign_in(again, manager)
    assert again.get("/").url.startswith("/accounts/two-factor/setup/")


def test_an_administrator_resets_no_one_of_another_center(manager, other_center):
    administrator = StaffFactory(role=Role.ADMINISTRATOR, center=other_center)
    admin_device, _codes = enrolled(administrator)
    enrolled(manager)
    admin = Client()
    sign_in(admin, administrator)
    verify(admin, code=code_of(admin_device))

    admin.post(
        "/admin/organizations/user/", {"action": "reset_second_factor", "_selected_action": [manager.pk]}
    )

    assert TOTPDevice.objects.filter(user=manager).exists()
