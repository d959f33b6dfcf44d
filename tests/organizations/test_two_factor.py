"""The second factor of staff sign-in (issue "Personal data protected", part 1), through HTTP: enrolment
on first sign-in, the code at each sign-in, recovery codes, lockout, the token endpoint, the account's
sessions and API token, the administrator's reset."""

import re

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from organizations.models import Role, StaffSession
from tests.factories import StaffFactory
from tests.organizations.two_factor import (
    OFFICE,
    PASSWORD,
    a_while_later,
    code_of,
    enrolled,
    sign_in,
    verify,
)

pytestmark = pytest.mark.django_db


def test_the_production_settings_require_it_of_administrators_managers_analysts_and_superusers():
    from config.settings import base

    assert sorted(base.TWO_FACTOR_REQUIRED_ROLES) == sorted([Role.ADMINISTRATOR, Role.MANAGER, Role.ANALYST])
    assert base.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS is True


def test_a_manager_enrols_at_first_sign_in_and_reaches_nothing_before(client, manager, two_factor_on):
    # when: the password is right
    response = sign_in(client, manager)
    assert response.status_code == 302

    # then: every staff page, the admin and the API wait for the second factor
    assert client.get("/").url == "/accounts/two-factor/setup/?next=%2F"
    assert (
        client.get("/dashboard/?year=2026").url
        == "/accounts/two-factor/setup/?next=%2Fdashboard%2F%3Fyear%3D2026"
    )
    assert client.get("/admin/").url.startswith("/accounts/two-factor/setup/")
    assert client.get("/account/security/").url.startswith("/accounts/two-factor/setup/")
    api = client.get("/api/v1/centers/", HTTP_ACCEPT_LANGUAGE="ru")
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"
    assert "второй фактор" in api.json()["detail"]
    # what stays open: the online reception, the language switch
    assert client.get("/online/").status_code in (200, 302)
    assert not client.get("/online/").get("Location", "").startswith("/accounts/two-factor/")

    # the enrolment page: a QR code and the key to type, an accessible code field
    page = client.get("/accounts/two-factor/setup/?next=/dashboard/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    text = page.content.decode()
    shown_key = re.search(r'<code id="secret" class="secret">([A-Z2-7 ]+)</code>', text).group(1)
    assert shown_key.replace(" ", "") in device.config_url
    assert "<svg" in text
    assert 'autocomplete="one-time-code"' in text
    assert 'inputmode="numeric"' in text
    assert 'for="id_code"' in text

    # a wrong code is refused by field
    wrong = client.post("/accounts/two-factor/setup/", {"code": "000000", "next": "/dashboard/"})
    assert wrong.status_code == 200
    assert "The code is wrong" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    a_while_later(manager)

    # when: the code the app shows
    done = client.post("/accounts/two-factor/setup/", {"code": code_of(device), "next": "/dashboard/"})

    # then: ten recovery codes shown once, and the pages open
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=manager).values_list("token", flat=True)
    )
    assert 'href="/dashboard/"' in done.content.decode()
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/api/v1/centers/").status_code == 200
    assert LogEntry.objects.get_for_model(TOTPDevice).filter(object_pk=str(device.pk), actor=manager).exists()


def test_the_next_sign_in_asks_for_the_code(manager, two_factor_on):
    device, _codes = enrolled(manager)
    client = Client()

    sign_in(client, manager)

    assert client.get("/dashboard/").url == "/accounts/two-factor/?next=%2Fdashboard%2F"
    page = client.get("/accounts/two-factor/?next=/dashboard/")
    assert 'autocomplete="one-time-code"' in page.content.decode()
    assert 'inputmode="numeric"' in page.content.decode()
    assert verify(client, code="123456").status_code == 200  # wrong: the form again
    a_while_later(manager)
    response = verify(client, code=code_of(device, 1), next_page="/dashboard/")
    assert response.status_code == 302
    assert response.url == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_a_recovery_code_works_once(manager, two_factor_on):
    _device, codes = enrolled(manager)
    first, second = Client(), Client()
    sign_in(first, manager)
    sign_in(second, manager)

    assert verify(first, recovery_code=codes[3]).status_code == 302
    refused = verify(second, recovery_code=codes[3])

    assert refused.status_code == 200
    assert "The code is wrong" in refused.content.decode()
    assert second.get("/dashboard/").status_code == 302
    assert StaticToken.objects.filter(device__user=manager).count() == 9


def test_next_must_be_one_of_our_addresses(manager, two_factor_on):
    device, _codes = enrolled(manager)
    client = Client()
    sign_in(client, manager)

    response = verify(client, code=code_of(device), next_page="https://elsewhere.example/phish")

    assert response.status_code == 302
    assert response.url == "/"


def test_a_lawyer_is_not_asked_unless_enrolled(lawyer, two_factor_on):
    client = Client()
    sign_in(client, lawyer)
    assert client.get("/").url == "/cases/"
    assert client.get("/cases/").status_code == 200

    enrolled(lawyer)
    again = Client()
    sign_in(again, lawyer)
    assert again.get("/cases/").url == "/accounts/two-factor/?next=%2Fcases%2F"


def test_a_lawyer_enrols_from_the_security_page_and_may_remove_it(lawyer, two_factor_on):
    client = Client()
    sign_in(client, lawyer)
    page = client.get("/account/security/")
    assert 'href="/accounts/two-factor/setup/"' in page.content.decode()
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=lawyer)

    assert client.post("/accounts/two-factor/setup/", {"code": code_of(device)}).status_code == 200
    assert client.get("/cases/").status_code == 200
    response = client.post("/account/security/authenticator/remove/")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=lawyer).exists()
    assert not StaticDevice.objects.filter(user=lawyer).exists()
    removed = LogEntry.objects.get_for_model(TOTPDevice).filter(action=LogEntry.Action.DELETE)
    assert removed.filter(object_pk=str(device.pk), actor=lawyer).exists()


def test_a_manager_may_not_remove_the_required_second_factor(manager, two_factor_on):
    device, _codes = enrolled(manager)
    client = Client()
    sign_in(client, manager)
    verify(client, code=code_of(device))

    client.post("/account/security/authenticator/remove/")

    assert TOTPDevice.objects.filter(user=manager).exists()


def test_five_wrong_codes_lock_out_like_five_wrong_passwords(manager, two_factor_on):
    device, _codes = enrolled(manager)
    client = Client()
    sign_in(client, manager)

    answers = [
        verify(client, code=f"{index:06d}").status_code for index in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert AccessAttempt.objects.get(username=manager.username).failures_since_start == 5
    # the verification step answers the lockout, even to the right code
    a_while_later(manager)
    locked = verify(client, code=code_of(device))
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert client.get("/dashboard/").status_code == 302
    # and so does the password
    assert sign_in(Client(), manager).status_code == 429


def test_signing_in_again_does_not_clear_the_count_of_wrong_codes(manager, two_factor_on):
    _device, _codes = enrolled(manager)
    client = Client()
    sign_in(client, manager)
    for index in range(3):
        verify(client, code=f"{index:06d}")

    sign_in(Client(), manager)

    assert AccessAttempt.objects.get(username=manager.username).failures_since_start == 3


def test_a_superuser_is_asked_whatever_the_role(two_factor_on):
    superuser = StaffFactory(role=Role.LAWYER, is_superuser=True)
    client = Client()
    sign_in(client, superuser)

    assert client.get("/admin/").url.startswith("/accounts/two-factor/setup/")


# The token endpoint ----------------------------------------------------------------------------------


def ask_token(user, **extra):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD, **extra}, REMOTE_ADDR=OFFICE
    )


def test_the_token_endpoint_asks_a_manager_to_enrol_first(manager, two_factor_on):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": manager.username, "password": PASSWORD},
        REMOTE_ADDR=OFFICE,
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 400
    assert "веб-приложение" in response.json()["otp"][0]
    assert not Token.objects.filter(user=manager).exists()


def test_the_token_endpoint_needs_the_code_of_an_enrolled_manager(manager, two_factor_on):
    device, codes = enrolled(manager)

    missing = ask_token(manager)
    wrong = ask_token(manager, otp="000000")
    a_while_later(manager)
    right = ask_token(manager, otp=code_of(device))
    recovery = ask_token(manager, otp=codes[0])

    assert missing.status_code == 400
    assert "otp" in missing.json()
    assert wrong.status_code == 400
    assert "otp" in wrong.json()
    assert right.status_code == 200
    assert right.json()["token"] == Token.objects.get(user=manager).key
    assert recovery.status_code == 200
    assert ask_token(manager, otp=codes[0]).status_code == 400  # used up
    assert AccessAttempt.objects.get(username=manager.username).failures_since_start == 2


def test_wrong_codes_at_the_token_endpoint_lock_out(manager, two_factor_on):
    device, _codes = enrolled(manager)
    for index in range(settings.AXES_FAILURE_LIMIT):
        assert ask_token(manager, otp=f"{index:06d}").status_code in (400, 429)

    a_while_later(manager)
    response = ask_token(manager, otp=code_of(device))

    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_the_token_endpoint_asks_nothing_more_of_a_lawyer_without_a_second_factor(lawyer, two_factor_on):
    assert ask_token(lawyer).status_code == 200


def test_a_token_serves_the_api_without_a_session(manager, two_factor_on):
    device, _codes = enrolled(manager)
    token = ask_token(manager, otp=code_of(device)).json()["token"]

    assert APIClient().get("/api/v1/centers/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


# Sessions and the API token ------------------------------------------------------------------------


def test_sessions_are_listed_and_one_can_be_ended(lawyer):
    here, there = Client(), Client()
    sign_in(here, lawyer)
    sign_in(there, lawyer, address="10.0.0.9")

    page = here.get("/account/security/")
    text = page.content.decode()
    assert text.count("Chrome/140.0") == 2
    assert "10.0.0.9" in text
    assert "this session" in text
    other = StaffSession.objects.get(user=lawyer, ip_address="10.0.0.9")
    assert f'action="/account/security/sessions/{other.pk}/revoke/"' in text

    response = here.post(f"/account/security/sessions/{other.pk}/revoke/")

    assert response.status_code == 302
    assert there.get("/cases/").url.startswith("/accounts/login/")  # signed out
    assert here.get("/cases/").status_code == 200
    ended = LogEntry.objects.get_for_model(StaffSession).filter(action=LogEntry.Action.DELETE)
    assert ended.filter(object_pk=str(other.pk), actor=lawyer).exists()


def test_nobody_ends_another_persons_session(lawyer, reception):
    mine, theirs = Client(), Client()
    sign_in(mine, lawyer)
    sign_in(theirs, reception)
    session = StaffSession.objects.get(user=reception)

    refused = mine.post(f"/account/security/sessions/{session.pk}/revoke/")

    assert refused.status_code == 404  # another's session is not confirmed to exist
    assert theirs.get("/reception/").status_code == 200


def test_sign_out_everywhere_else(lawyer):
    here, first, second = Client(), Client(), Client()
    for client in (here, first, second):
        sign_in(client, lawyer)

    here.post("/account/security/sessions/revoke-others/")

    assert here.get("/cases/").status_code == 200
    assert first.get("/cases/").status_code == 302
    assert second.get("/cases/").status_code == 302
    assert StaffSession.objects.filter(user=lawyer).count() == 1


def test_the_session_gets_a_new_key_with_the_second_factor_and_stays_listed(manager, two_factor_on):
    device, _codes = enrolled(manager)
    client = Client()
    sign_in(client, manager)
    before = client.session.session_key

    verify(client, code=code_of(device))
    page = client.get("/account/security/")

    assert client.session.session_key != before
    assert page.content.decode().count("this session") == 1
    assert list(StaffSession.objects.filter(user=manager).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]


def test_a_password_change_keeps_the_session_listed_once(lawyer):
    client = Client()
    sign_in(client, lawyer)
    new_password = "Zhanaozen-2011-clinic"

    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    page = client.get("/account/security/")

    assert page.content.decode().count("this session") == 1
    assert StaffSession.objects.get(user=lawyer).session_key == client.session.session_key


def test_signing_out_forgets_the_session(lawyer):
    client = Client()
    sign_in(client, lawyer)

    client.post("/accounts/logout/")

    assert not StaffSession.objects.filter(user=lawyer).exists()


def test_the_security_page_reads_a_fixed_number_of_queries(lawyer, django_assert_max_num_queries):
    def queries_with(sessions: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        clients = [Client() for _index in range(sessions)]
        for client in clients:
            sign_in(client, lawyer)
        with CaptureQueriesContext(connection) as captured:
            assert clients[0].get("/account/security/").status_code == 200
        return len(captured)

    assert queries_with(2) == queries_with(4)


def test_the_api_token_is_shown_and_revoked(lawyer):
    token = Token.objects.create(user=lawyer)
    client = Client()
    sign_in(client, lawyer)
    assert "Revoke the token" in client.get("/account/security/").content.decode()

    client.post("/account/security/token/revoke/")

    assert not Token.objects.filter(user=lawyer).exists()
    assert APIClient().get("/api/v1/centers/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401
    revoked = LogEntry.objects.get_for_object(lawyer).filter(action=LogEntry.Action.UPDATE).latest("pk")
    assert revoked.changes == {"API token": ["(issued)", "(revoked)"]}
    assert revoked.actor == lawyer
    assert not LogEntry.objects.get_for_model(Token).exists()  # the secret never names an entry


def test_recovery_codes_are_made_again_and_the_old_ones_stop_working(manager, two_factor_on):
    device, old = enrolled(manager)
    client = Client()
    sign_in(client, manager)
    verify(client, code=code_of(device))

    page = client.post("/account/security/recovery-codes/")

    new = re.findall(r"<li><code>(\w+)</code></li>", page.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert ask_token(manager, otp=old[1]).status_code == 400
    a_while_later(manager)
    assert ask_token(manager, otp=new[1]).status_code == 200
    static = StaticDevice.objects.get(user=manager)
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(StaticDevice), object_pk=str(static.pk), actor=manager
    ).exists()
