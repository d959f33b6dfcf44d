"""The second factor in a real browser, in Russian: a manager signs in for the first time, is sent to set
up an authenticator app, types the key's code as the app would show it, keeps the recovery codes and
reaches the dashboard. The pages fit a phone (390 px) and pass the accessibility checks."""

import base64
import re

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from playwright.sync_api import expect

from organizations.models import Role, TerritorialCenter
from tests.browser.accessibility import assert_accessible
from tests.factories import StaffFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("two_factor_on"),
]

PHONE = {"width": 390, "height": 844}


def app_code(setup_key: str) -> str:
    """What an authenticator app shows for the key typed into it."""
    secret = setup_key.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_manager_sets_up_the_second_factor_at_the_first_sign_in(sign_in, screenshot):
    # given
    call_command("seed_reference", verbosity=0)
    center = TerritorialCenter.objects.order_by("iso_code").first()
    manager = StaffFactory(role=Role.MANAGER, center=center)

    # when: the password is right
    page = sign_in(manager)
    page.set_viewport_size(PHONE)

    # then: the enrolment page, not the dashboard
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/\?next=%2F$"))
    expect(page.locator("h1")).to_have_text("Настройка приложения-аутентификатора")
    expect(page.locator(".qr svg")).to_be_visible()
    code_field = page.get_by_label("Код из приложения-аутентификатора")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, "two-factor-enrol-ru")
    page.goto(page.url.replace("/accounts/two-factor/setup/?next=%2F", "/dashboard/"))
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/\?next=%2Fdashboard%2F$"))

    # when: the code the app shows for the key typed into it
    code_field.fill(app_code(page.locator("#secret").inner_text()))
    code_field.press("Enter")

    # then: ten recovery codes, once; then the dashboard
    expect(page.locator("h1")).to_have_text("Резервные коды")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert fits_the_phone(page)
    page.get_by_role("link", name="Я сохранил(а) коды, продолжить").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    page.get_by_role("link", name="Безопасность").click()
    expect(page.locator(".sessions li")).to_have_count(1)
    expect(page.locator(".sessions")).to_contain_text("этот сеанс")
    assert fits_the_phone(page)
