"""Helpers of the second factor's tests: a device enrolled, the code its app shows, signing in through
the forms."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "test-password"  # StaffFactory's
OFFICE = "10.0.0.1"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36"


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows (steps_ahead=1: the next one, which the device accepts as well; a code is
    accepted once only)."""
    device.refresh_from_db()
    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + steps_ahead
    )
    return f"{code:0{device.digits}d}"


def a_while_later(user) -> None:
    """django-otp slows down quick retries after a wrong code (1 s, 2 s, 4 s...): the time passes."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user, throttling_failure_count__gt=0).update(
            throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
        )


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery codes")
    codes = [f"code{index:04d}" for index in range(10)]
    for code in codes:
        StaticToken.objects.create(device=static, token=code)
    return device, codes


def sign_in(client: Client, user, address: str = OFFICE):
    return client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=BROWSER,
    )


def verify(client: Client, *, code: str = "", recovery_code: str = "", next_page: str = "/"):
    return client.post(
        "/accounts/two-factor/",
        {"code": code, "recovery_code": recovery_code, "next": next_page},
        REMOTE_ADDR=OFFICE,
    )
