"""The cases' list builds only the filters its query string names (clinic.filters.NamedFiltersFilterSet):
the same rows and the same errors as django-filter's full filter set, for less work per request."""

import pytest
from django.http import QueryDict

from clinic.filters import ApplicationFilter
from clinic.models import Application
from tests.factories import service

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "page=2&page_size=10",
    "status=in_progress&service=legal_clinic&received_after=2026-11-01",
    "status=decided&status=closed&ordering=-due_on",
    "q=ALA-2026&overdue=true&lawyer=7",
    "overdue=false&decided_before=2026-01-31&center=3",
    "service=no_such_service",
    "received_after=yesterday&status=lost",
    "lawyer=seven",
]


def filtered(query: str, *, named_only: bool) -> tuple[str, dict]:
    filterset = ApplicationFilter(
        data=QueryDict(query), queryset=Application.objects.all(), named_only=named_only
    )
    if not filterset.is_valid():
        return "", filterset.errors.get_json_data()
    return str(filterset.qs.query), {}


@pytest.mark.parametrize("query", QUERIES)
def test_the_named_filters_filter_and_refuse_as_all_filters_do(query):
    # given the reference rows a valid filter refers to
    service("legal_clinic")
    # when / then
    assert filtered(query, named_only=True) == filtered(query, named_only=False)


def test_only_the_named_filters_are_built():
    filterset = ApplicationFilter(
        data=QueryDict("status=closed&received_after=2026-01-01&page=3"),
        queryset=Application.objects.all(),
        named_only=True,
    )

    assert set(filterset.filters) == {"status", "received_after"}


def test_the_list_answers_a_bad_filter_with_400(client_for, manager):
    response = client_for(manager).get("/api/v1/applications/", {"service": "no_such_service"})

    assert response.status_code == 400
    assert set(response.json()) == {"service"}
