"""The OpenAPI document: valid, without warnings, and its UI served without a CDN."""

import io

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient


def test_the_schema_validates_without_warnings_or_errors(capsys):
    out, err = io.StringIO(), io.StringIO()

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=out, stderr=err)

    captured = capsys.readouterr()
    messages = out.getvalue() + err.getvalue() + captured.out + captured.err
    assert "Warning" not in messages
    assert "Error" not in messages


@pytest.fixture(scope="module")
def schema() -> dict:
    """The document as served, read once for the module (with libyaml's parser when it is there)."""
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    return yaml.load(response.content, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def test_conditional_operations_document_if_match_412_and_428(schema):
    decide = schema["paths"]["/api/v1/applications/{id}/decide/"]["post"]

    assert any(p["name"] == "If-Match" and p["required"] for p in decide["parameters"])
    assert {"200", "400", "401", "403", "404", "412", "428"} <= set(decide["responses"])
    assert "ETag" in decide["responses"]["200"]["headers"]
    retrieve = schema["paths"]["/api/v1/persons/{id}/"]["get"]
    assert "ETag" in retrieve["responses"]["200"]["headers"]
    assert "412" not in schema["paths"]["/api/v1/persons/"]["post"]["responses"]


def test_every_operation_has_a_summary_and_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path}"
            if path != "/api/v1/auth/token/":
                assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"


@pytest.mark.django_db
def test_swagger_ui_uses_local_assets():
    response = APIClient().get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_lists_document_cursor_paging_and_the_search(schema):
    for path in ("/api/v1/applications/", "/api/v1/persons/", "/api/v1/visits/", "/api/v1/labor-disputes/"):
        names = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
        assert {"page", "page_size", "cursor"} <= names, path
    search = schema["paths"]["/api/v1/search/"]["get"]
    assert {parameter["name"] for parameter in search["parameters"]} == {"q"}
    assert "/api/v1/search/persons/" in schema["paths"]
    assert "/api/v1/search/notes/" in schema["paths"]
