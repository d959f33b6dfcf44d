"""Error pages say in plain words what happened; the API keeps its JSON errors."""

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_an_html_404_in_plain_words(client_for, reception):
    response = client_for(reception).get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "There is nothing here" in response.text
    assert "belongs to another center" in response.text


def test_an_unknown_api_address_stays_a_json_404(client_for, reception):
    response = client_for(reception).get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_forbidden_page_explains_why(client_for, analyst):
    response = client_for(analyst).get("/reception/")

    assert response.status_code == 403
    assert "You cannot do this" in response.text
    assert "registers visitors of a territorial center" in response.text
    assert "Nothing was changed" in response.text


def test_the_500_page_renders_without_a_request_or_a_database():
    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert "{%" not in html
