"""Signing in (issue 7, item 2): lockout after failed attempts (django-axes) on the form and the token
endpoint, password rules, a new session at sign-in, sessions of a disabled account, cookie and HSTS
settings, and no caching of API answers."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "test-password"  # StaffFactory's
OFFICE, HOME = "10.0.0.1", "10.0.0.2"


def sign_in(client, username, password, address=OFFICE):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_five_times(client, username, address=OFFICE):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, username, "wrong-password", address)
        assert response.status_code in (200, 429)


def test_five_wrong_passwords_lock_that_username_at_that_address_only(client, lawyer, reception):
    # given
    fail_five_times(client, lawyer.username)

    # when: the right password now
    response = sign_in(client, lawyer.username, PASSWORD)

    # then: locked, with a page that says why and for how long
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    assert "15 minutes" in response.text
    assert "_auth_user_id" not in client.session
    # a colleague behind the same address is not locked out, nor the same person from elsewhere
    assert sign_in(Client(), reception.username, PASSWORD).status_code == 302
    assert sign_in(Client(), lawyer.username, PASSWORD, address=HOME).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, lawyer):
    fail_five_times(client, lawyer.username)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(client, lawyer.username, PASSWORD).status_code == 302


def test_four_wrong_passwords_do_not_lock(client, lawyer):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, lawyer.username, "wrong-password")

    assert sign_in(client, lawyer.username, PASSWORD).status_code == 302


def test_the_token_endpoint_counts_failures_and_locks_with_a_clear_json_answer(lawyer):
    api = APIClient()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = api.post(
            "/api/v1/auth/token/", {"username": lawyer.username, "password": "wrong"}, REMOTE_ADDR=OFFICE
        )
        assert response.status_code in (400, 429)

    response = api.post(
        "/api/v1/auth/token/", {"username": lawyer.username, "password": PASSWORD}, REMOTE_ADDR=OFFICE
    )

    assert response.status_code in (403, 429)
    assert response["Content-Type"].startswith("application/json")
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    assert not Token.objects.filter(user=lawyer).exists()
    assert AccessAttempt.objects.filter(username=lawyer.username).exists()


def test_a_weak_new_password_is_refused_on_the_password_page(client, lawyer):
    client.force_login(lawyer)

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 200
    assert "This password is too common." in response.text or "entirely numeric" in response.text
    lawyer.refresh_from_db()
    assert lawyer.check_password(PASSWORD)


def test_signing_in_starts_a_new_session(client, lawyer):
    # given: a session before signing in (e.g. planted by someone else: session fixation)
    session = client.session
    session["planted"] = True
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    # when
    assert sign_in(client, lawyer.username, PASSWORD).status_code == 302

    # then
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_a_disabled_accounts_session_stops_at_the_next_request(client, lawyer):
    sign_in(client, lawyer.username, PASSWORD)
    assert client.get("/cases/").status_code == 200

    lawyer.is_active = False
    lawyer.save(update_fields=["is_active"])

    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/applications/").status_code in (401, 403)


def test_a_disabled_accounts_token_is_refused(lawyer):
    token = Token.objects.create(user=lawyer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/applications/").status_code == 200

    lawyer.is_active = False
    lawyer.save(update_fields=["is_active"])

    response = api.get("/api/v1/applications/")
    assert response.status_code == 401
    assert "inactive" in response.json()["detail"].lower()


def test_sessions_last_a_working_day_and_end_with_the_browser():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.slow
def test_production_cookies_are_secure_and_hsts_is_on(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x7#Tq2!vLp9@Rz4$Wm8^Ks1&Nd6*Hb3(Yf5)Gc0_Je-Ua+Oi=Pl",
        ALLOWED_HOSTS="clinic.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_AGE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "DEBUG",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values["SESSION_COOKIE_SECURE"]
    assert values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert values["DEBUG"] is False


@pytest.mark.parametrize(
    "path", ["/api/v1/persons/", "/api/v1/persons/{pk}/", "/api/v1/visits/", "/api/v1/applications/"]
)
def test_api_answers_with_personal_data_are_never_stored(client, reception, center, path):
    person = PersonFactory(center=center)
    api = APIClient()
    api.force_authenticate(reception)

    response = api.get(path.format(pk=person.pk))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "no-store" in APIClient().get(path.format(pk=person.pk))["Cache-Control"]  # the 401 too
