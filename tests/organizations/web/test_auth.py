"""Signing in and out, each role's first page, and pages that hold personal data kept out of caches."""

import pytest

from organizations.models import Role
from tests.factories import ApplicationFactory, StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "test-password"  # StaffFactory's


def test_the_root_address_leads_an_anonymous_visitor_to_the_sign_in_form(client):
    response = client.get("/", follow=True)

    assert response.redirect_chain == [("/accounts/login/?next=/", 302)]
    assert 'name="username"' in response.text
    assert 'name="password"' in response.text


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.RECEPTION, "/reception/"),
        (Role.LAWYER, "/cases/"),
        (Role.MANAGER, "/dashboard/"),
        (Role.ANALYST, "/federation/"),
        (Role.ADMINISTRATOR, "/admin/"),
    ],
)
def test_signing_in_lands_each_role_on_its_home(client, ref, role, home):
    # given
    federation = role in (Role.ANALYST, Role.ADMINISTRATOR)
    user = StaffFactory(
        role=role, is_superuser=role == Role.ADMINISTRATOR, **({"center": None} if federation else {})
    )
    # when
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, follow=True)
    # then
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == home
    assert [url for url, _status in response.redirect_chain][0] == "/"


def test_a_wrong_password_is_refused_on_the_form(client, reception):
    response = client.post("/accounts/login/", {"username": reception.username, "password": "wrong"})

    assert response.status_code == 200
    assert "correct username and password" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "url",
    [
        "/reception/",
        "/reception/persons/?q=a",
        "/cases/",
        "/cases/1/",
        "/documents/1/download/",
        "/accounts/password/",
    ],
)
def test_every_page_asks_to_sign_in_first(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_signing_out_takes_a_post(client_for, reception):
    client = client_for(reception)

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/cases/").status_code == 302  # signed out


def test_a_user_changes_their_password(client_for, lawyer):
    client = client_for(lawyer)
    assert client.get("/accounts/password/").status_code == 200

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    lawyer.refresh_from_db()
    assert lawyer.check_password("a-new-long-passphrase")


def test_a_wrong_old_password_is_shown_next_to_its_field(client_for, lawyer):
    response = client_for(lawyer).post(
        "/accounts/password/",
        {
            "old_password": "nope",
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert 'aria-invalid="true"' in response.text


@pytest.mark.parametrize("page", ["reception", "search", "cases", "case", "home"])
def test_pages_with_personal_data_are_not_stored_by_browsers(client_for, reception, center, ref, page):
    case = ApplicationFactory(center=center)
    url = {
        "reception": "/reception/",
        "search": "/reception/persons/?q=Applicant",
        "cases": "/cases/",
        "case": f"/cases/{case.pk}/",
        "home": "/",
    }[page]

    response = client_for(reception).get(url)

    assert response.status_code in (200, 302)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_an_expired_session_sends_htmx_to_the_sign_in_page_instead_of_swapping_it_in(client):
    response = client.get(
        "/reception/persons/",
        {"q": "Dana"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/reception/"},
    )

    assert response.status_code == 200
    assert response.content == b""
    assert response["HX-Redirect"] == "/accounts/login/?next=http%3A//testserver/reception/"
