"""Signing in (token or session with CSRF), error bodies and their language."""

import pytest
from rest_framework.test import APIClient

from clinic import services
from clinic.models import Person
from organizations.models import Role
from tests.factories import ApplicationFactory, PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db


class TestAuthentication:
    def test_a_token_is_obtained_with_the_password_and_opens_the_api(self, center):
        StaffFactory(username="aigul", role=Role.LAWYER, center=center)
        ApplicationFactory(center=center)
        client = APIClient()

        response = client.post(
            "/api/v1/auth/token/", {"username": "aigul", "password": "test-password"}, format="json"
        )
        assert response.status_code == 200, response.json()
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

        assert client.get("/api/v1/applications/").json()["count"] == 1

    def test_a_wrong_password_is_a_400(self, center):
        StaffFactory(username="aigul", role=Role.LAWYER, center=center)

        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "aigul", "password": "nope"}, format="json"
        )

        assert response.status_code == 400
        assert "token" not in response.json()

    def test_no_credentials_is_a_401_asking_for_a_token(self):
        response = APIClient().get("/api/v1/applications/")

        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"

    def test_a_session_needs_the_csrf_token_to_change_anything(self, reception):
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(reception)

        assert client.get("/api/v1/persons/").status_code == 200
        response = client.post("/api/v1/persons/", {"full_name": "Aigerim"}, format="json")
        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]


class TestErrorLanguage:
    @pytest.mark.parametrize(
        ("language", "message"),
        [("en", "This field is required."), ("ru", "Обязательное поле."), ("kk", "Бұл мән міндетті.")],
    )
    def test_drf_messages_follow_accept_language(self, client_for, reception, language, message):
        response = client_for(reception).post(
            "/api/v1/persons/", {}, format="json", HTTP_ACCEPT_LANGUAGE=language
        )

        assert response.status_code == 400
        assert response.json() == {"full_name": [message]}

    def test_an_unknown_api_url_is_a_json_404(self, client_for, reception):
        response = client_for(reception).get("/api/v1/no-such-list/")

        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}


def test_a_unique_constraint_hit_by_a_race_is_a_409(client_for, reception, center, monkeypatch):
    # given a person registered by someone else between our check and our insert

    existing = PersonFactory(center=center)
    monkeypatch.setattr(services.persons, "_ensure_iin_free", lambda person: None)
    monkeypatch.setattr(Person, "validate_constraints", lambda self, exclude=None: None)
    # when
    response = client_for(reception).post(
        "/api/v1/persons/", {"full_name": "Twin", "iin": existing.iin}, format="json"
    )
    # then
    assert response.status_code == 409
    assert "saved at the same time" in response.json()["detail"]
