"""Behind a reverse proxy one client must not lock out everyone: the sign-in lockout and the online
reception's limits take the client's address from the forwarded header the proxy writes (PROXY_COUNT),
through one function; without proxies a forged header is ignored."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from config.settings.base import client_address_settings
from organizations.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
PROXY = "10.0.0.9"  # nginx, as the app sees it
ALICE, BOB = "198.51.100.11", "198.51.100.12"
PASSWORD = "test-password"  # StaffFactory's


def behind(settings, proxies: int) -> None:
    for name, value in client_address_settings(proxies).items():
        setattr(settings, name, value)


def through_proxy(client_address: str, forged: str = "") -> Client:
    """A browser behind nginx, which appends the address it received from to X-Forwarded-For."""
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def sign_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def post_empty_question(client: Client):
    return client.post("/online/", {})


@pytest.fixture
def lawyer(center):
    return factories.StaffFactory(role=Role.LAWYER, center=center)


def test_behind_a_proxy_one_client_locks_only_itself_out(settings, lawyer):
    # given: one proxy in front of the app (PROXY_COUNT=1)
    behind(settings, 1)
    alice, bob = through_proxy(ALICE), through_proxy(BOB)

    # when: Alice gets the lawyer's password wrong five times
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        assert sign_in(alice, lawyer.username, "wrong-password").status_code in (200, 429)

    # then: Alice is locked out, even with the right password; Bob, behind the same proxy, signs in
    assert sign_in(alice, lawyer.username, PASSWORD).status_code == 429
    assert sign_in(bob, lawyer.username, PASSWORD).status_code == 302


def test_behind_a_proxy_a_forged_header_does_not_escape_the_lockout(settings, lawyer):
    # given
    behind(settings, 1)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(through_proxy(ALICE), lawyer.username, "wrong-password")

    # when: Alice writes another address into X-Forwarded-For (nginx appends her real one after it)
    response = sign_in(through_proxy(ALICE, forged=BOB), lawyer.username, PASSWORD)

    # then: still Alice, still locked out
    assert response.status_code == 429


def test_behind_a_proxy_the_online_limit_counts_per_client(settings, center):
    # given: at most 3 posts per address and hour
    behind(settings, 1)
    settings.CLINIC_ONLINE_SUBMIT_PER_ADDRESS = (3, 3600)
    alice, bob = through_proxy(ALICE), through_proxy(BOB)

    # when: Alice posts empty forms until she is refused
    answers = [post_empty_question(alice).status_code for _post in range(4)]

    # then: only Alice is refused; Bob, behind the same proxy, is still heard
    assert answers == [422, 422, 422, 429]
    assert post_empty_question(bob).status_code == 422
    assert post_empty_question(through_proxy(ALICE, forged=BOB)).status_code == 429


def test_without_a_proxy_a_forged_forwarded_header_is_ignored(settings, lawyer):
    # given: no proxy (PROXY_COUNT=0, the default); one client that writes X-Forwarded-For itself
    behind(settings, 0)
    settings.CLINIC_ONLINE_SUBMIT_PER_ADDRESS = (2, 3600)

    def forging(address: str) -> Client:
        return Client(REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=address)

    # when: every request claims another address
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(forging(f"203.0.113.{n}"), lawyer.username, "wrong-password")
    posts = [post_empty_question(forging(f"203.0.113.{n}")).status_code for n in range(3)]

    # then: all of them count for REMOTE_ADDR
    assert sign_in(forging("203.0.113.99"), lawyer.username, PASSWORD).status_code == 429
    assert posts == [422, 422, 429]
    assert sign_in(Client(REMOTE_ADDR=BOB), lawyer.username, PASSWORD).status_code == 302


@pytest.mark.slow
def test_proxy_count_and_header_come_from_the_environment(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PROXY_COUNT="2",
        PROXY_CLIENT_HEADER="X-Real-Forwarded-For",
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.AXES_IPWARE_PROXY_COUNT, settings.AXES_IPWARE_META_PRECEDENCE_ORDER]))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    assert json.loads(result.stdout.strip().splitlines()[-1]) == [1, ["HTTP_X_REAL_FORWARDED_FOR"]]
