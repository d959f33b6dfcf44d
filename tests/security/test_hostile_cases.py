"""Each hostile input found on the clinic's pages and API, with the answer it gets now: a 400 or a form
error in the user's language (Russian here), never a 500, and nothing saved."""

import json

import pytest
from django.test import Client

from clinic.models import Person, Visit
from reports.models import Report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference")]

RUSSIAN = {"HTTP_ACCEPT_LANGUAGE": "ru"}
NUL_MESSAGE = "В запросе есть нулевой символ (код 0)"



def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/reception/?q=a%00b", "/reception/persons/?q=a%00b"])
def test_a_nul_in_the_desks_search_is_a_400_in_russian(reception, path):
    response = signed_in(reception).get(path, **RUSSIAN)

    assert response.status_code == 400
    assert NUL_MESSAGE in response.text


def test_a_nul_in_a_form_field_is_a_400_and_nothing_is_saved(reception):
    response = signed_in(reception).post(
        "/reception/", {"person": "new", "full_name": "Aigerim\x00", "question": "?"}, **RUSSIAN
    )

    assert response.status_code == 400
    assert NUL_MESSAGE in response.text
    assert (Person.objects.count(), Visit.objects.count()) == (0, 0)


def test_a_nul_in_the_api_answers_json(client_for_api, reception):
    response = client_for_api(reception).get("/api/v1/persons/?q=a%00b", **RUSSIAN)

    assert response.status_code == 400
    assert NUL_MESSAGE in response.json()["detail"]


@pytest.fixture
def client_for_api():
    from rest_framework.test import APIClient

    def sign_in(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return sign_in


@pytest.mark.parametrize("person", ["²", str(2**63), "-1", "0", "1" * 40])
def test_a_person_id_that_is_no_id_is_a_form_error(reception, person):
    response = signed_in(reception).post("/reception/", {"person": person, "question": "?"}, **RUSSIAN)

    assert response.status_code == 422
    assert "Выберите лицо из результатов поиска или «Новое лицо»." in response.text
    assert Visit.objects.count() == 0


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        (str(2**63), "/reports/"),
        ("reports:list", "/reports/"),
        ("https://elsewhere.example/", "/reports/"),
        ("//elsewhere.example/", "/reports/"),
        ("/dashboard/?page=2", "/dashboard/?page=2"),
    ],
)
def test_the_report_builds_next_is_a_local_path_only(manager, target, landing):
    response = signed_in(manager).post(
        "/reports/build/", {"period_kind": "month", "day": "2025-01-15", "next": target}
    )

    assert response.status_code == 302
    assert response.url == landing


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"])
def test_a_report_of_a_year_out_of_range_is_refused_in_russian(manager, day):
    client = signed_in(manager)

    response = client.post("/reports/build/", {"period_kind": "year", "day": day}, follow=True, **RUSSIAN)

    assert response.status_code == 200
    assert "Выберите день в 2000–2099 годах." in response.text
    assert not Report.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("kind", ["month", "quarter", "year"])
def test_the_federation_page_shows_a_form_error_for_year_1_or_9999(analyst, day, kind):
    response = signed_in(analyst).get(f"/federation/?period_kind={kind}&day={day}", **RUSSIAN)

    assert response.status_code == 200
    assert "Выберите день в 2000–2099 годах." in response.text


def test_the_report_api_refuses_a_period_out_of_range(client_for_api, manager):
    response = client_for_api(manager).post(
        "/api/v1/reports/",
        {"center": manager.center_id, "period_kind": "month", "period_start": "9999-12-01"},
        format="json",
        **RUSSIAN,
    )

    assert response.status_code == 400
    assert "Выберите день в 2000–2099 годах." in str(response.json())
    assert not Report.objects.exists()


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/persons/", "/api/v1/applications/"])
def test_deeply_nested_json_is_a_400_in_russian(client_for_api, lawyer, path):
    response = client_for_api(lawyer).post(path, DEEP, content_type="application/json", **RUSSIAN)

    assert response.status_code == 400
    assert "вложено слишком глубоко" in response.json()["detail"]


def test_the_token_endpoint_refuses_deep_json_without_an_account():
    response = Client().post("/api/v1/auth/token/", DEEP, content_type="application/json", **RUSSIAN)

    assert response.status_code == 400
    assert "вложено слишком глубоко" in response.json()["detail"]


@pytest.mark.parametrize("body", ['{"username": "a", ', "{'username': 'a'}", '{"username": NaN}', "\udcff"])
def test_malformed_json_is_a_400_in_russian(body):
    response = Client().post(
        "/api/v1/auth/token/",
        body.encode("utf-8", "surrogateescape"),
        content_type="application/json",
        **RUSSIAN,
    )

    assert response.status_code == 400
    assert "Тело запроса" in response.json()["detail"]


@pytest.mark.parametrize("length", [151, 256, 2**20])
def test_an_overlong_username_on_the_token_endpoint_is_a_field_error(length):
    body = json.dumps({"username": "a" * length, "password": "secret"})

    response = Client().post("/api/v1/auth/token/", body, content_type="application/json", **RUSSIAN)

    assert response.status_code == 400
    assert "username" in response.json()


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_an_overlong_username_on_the_sign_in_pages_is_a_refusal(path):
    response = Client().post(path, {"username": "a" * 300, "password": "secret"}, **RUSSIAN)

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_the_expired_form_page_speaks_russian(reception):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reception)

    response = client.post("/reception/", {"person": "new"}, **RUSSIAN)

    assert response.status_code == 403
    assert "Срок действия формы истёк" in response.text
    assert "Ничего не изменено" in response.text


def test_an_overlong_address_is_a_400_in_russian(reception):
    response = signed_in(reception).get("/reception/?q=" + "x" * 10_000, **RUSSIAN)

    assert response.status_code == 400
    assert "Адрес слишком длинный" in response.text


def test_a_hostile_id_in_the_path_is_a_404(lawyer):
    for path in (f"/cases/{2**63}/", f"/admin/clinic/application/{2**63}/change/", "/api/v1/persons/%C2%B2/"):
        assert signed_in(lawyer).get(path).status_code in (302, 404), path
