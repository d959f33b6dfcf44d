"""GET /api/v1/search/ (the search box's answer) and keyset paging of the lists: `next` reaches the
last row of a list longer than the bounded count, a cursor's page costs what the first page costs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.api import common
from tests.clinic.search_data import IIN, PHONE, searched_rows
from tests.factories import ApplicationFactory, PersonFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(ref, center, other_center):
    return searched_rows(center, other_center)


def _ids(group: dict) -> list[int]:
    return [row["id"] for row in group["results"]]


@pytest.mark.parametrize("query", ["Zhumabayeva", "жұмабаева", "8 (701) 123-45-67", IIN[:6]])
def test_search_finds_the_person_and_the_case(client_for, lawyer, found, query):
    response = client_for(lawyer).get("/api/v1/search/", {"q": query})
    assert response.status_code == 200
    body = response.json()
    assert _ids(body["persons"]) == [found.person.pk]
    assert body["persons"]["results"][0]["iin"] == IIN  # the own center: in full
    assert _ids(body["cases"]) == [found.case.pk]
    assert body["persons"]["more"] is None


def test_search_finds_notes_and_employers(client_for, lawyer, found):
    client = client_for(lawyer)
    assert _ids(client.get("/api/v1/search/", {"q": "уволили"}).json()["notes"]) == [found.note.pk]
    assert _ids(client.get("/api/v1/search/", {"q": "АҚЖОЛ"}).json()["cases"]) == [found.case.pk]


def test_search_for_the_federation_is_masked_and_not_by_phone(client_for, analyst, found):
    client = client_for(analyst)
    body = client.get("/api/v1/search/", {"q": "Жумабаева"}).json()
    assert set(_ids(body["persons"])) == {found.person.pk, found.stranger.pk}
    assert all(row["phone"] != PHONE and row["iin"] != IIN for row in body["persons"]["results"])
    assert _ids(client.get("/api/v1/search/", {"q": PHONE}).json()["persons"]) == []


def test_search_never_shows_another_center(client_for, lawyer, found):
    body = client_for(lawyer).get("/api/v1/search/", {"q": "Жумабаева уволили"}).json()
    assert found.stranger.pk not in _ids(body["persons"])
    assert found.stranger_case.pk not in _ids(body["cases"])


def test_search_needs_a_text(client_for, lawyer):
    response = client_for(lawyer).get("/api/v1/search/")
    assert response.status_code == 400
    assert "q" in response.json()


def test_the_case_lists_filter_finds_by_every_key(client_for, lawyer, found):
    client = client_for(lawyer)
    for query in ("Zhumabayeva", "+7 701 123 45 67", IIN[:8], "ақжол", found.case.employer.bin):
        response = client.get("/api/v1/applications/", {"q": query})
        assert [row["id"] for row in response.json()["results"]] == [found.case.pk], query


def test_more_links_lead_to_every_row(client_for, manager, center, ref):
    for n in range(12):
        ApplicationFactory(center=center, person=PersonFactory(center=center, full_name=f"Серикова {n}"))
    client = client_for(manager)
    body = client.get("/api/v1/search/", {"q": "серикова"}).json()
    assert len(body["persons"]["results"]) == 10
    persons = client.get(body["persons"]["more"] + "&page_size=5").json()
    ids = _ids(persons)
    while persons["next"]:
        persons = client.get(persons["next"]).json()
        ids += _ids(persons)
    assert len(set(ids)) == 12
    assert len(client.get(body["cases"]["more"]).json()["results"]) == 12


def test_the_search_costs_the_same_for_1_and_for_10_rows(client_for, manager, center, ref):
    client = client_for(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/api/v1/search/", {"q": "Серикова"}).status_code == 200
        return len(context.captured_queries)

    ApplicationFactory(center=center, person=PersonFactory(center=center, full_name="Серикова 0"))
    one = queries()
    for n in range(1, 11):
        ApplicationFactory(center=center, person=PersonFactory(center=center, full_name=f"Серикова {n}"))
    assert queries() == one


# Keyset paging


def _walk(client, first: str, params: dict) -> tuple[list[int], list[dict]]:
    """Every row of a list, following `next` from its first page."""
    pages = [client.get(first, params).json()]
    while pages[-1]["next"]:
        assert len(pages) < 50
        pages.append(client.get(pages[-1]["next"]).json())
    return [row["id"] for page in pages for row in page["results"]], pages


def _rows(kind, center, manager):
    if kind == "applications":
        return [ApplicationFactory(center=center).pk for _ in range(30)]
    if kind == "persons":
        return [PersonFactory(center=center, full_name=f"Same Name {n % 3}").pk for n in range(30)]
    return [VisitFactory(person=PersonFactory(center=center), registered_by=manager).pk for _ in range(30)]


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("applications", {}),
        ("applications", {"ordering": "due_on"}),
        ("applications", {"ordering": "-received_on"}),
        ("persons", {}),
        ("visits", {}),
    ],
)
def test_next_reaches_the_last_row_past_the_bounded_count(
    client_for, manager, center, ref, monkeypatch, kind, params
):
    # given 30 rows, a count bounded at 10 and pages of 4
    monkeypatch.setattr(common, "COUNT_LIMIT", 10)
    expected = set(_rows(kind, center, manager))
    client = client_for(manager)
    # when following `next` from the first page
    ids, pages = _walk(client, f"/api/v1/{kind}/", {**params, "page_size": 4})
    # then every row comes once, and the pages past the count are cursor pages
    assert len(ids) == len(set(ids)) == 30
    assert set(ids) == expected
    assert pages[0]["count"] == 10
    assert pages[0]["count_capped"] is True
    assert "page=3" in pages[1]["next"]
    assert "cursor=" in pages[2]["next"]
    # and `previous` from the last page walks back to the first row
    back, page = [], pages[-1]
    while page["previous"]:
        page = client.get(page["previous"]).json()
        back = [row["id"] for row in page["results"]] + back
    assert back + [row["id"] for row in pages[-1]["results"]] == ids


@pytest.mark.parametrize("ordering", ["-opened_on", "resolved_on", "-resolved_on"])
def test_disputes_page_by_cursor_also_by_a_date_that_may_be_empty(
    client_for, manager, center, ref, monkeypatch, ordering
):
    from datetime import timedelta

    from django.utils import timezone

    from clinic import services
    from clinic.models import LaborDispute
    from tests.fixtures.api_support import new_employer

    # given 9 disputes, 4 of them resolved (two on the same day), the rest not: NULLs in the order
    employer = new_employer(center=center)
    created = [
        services.dispute_register(by=manager, employer=employer, subject=f"Wages {n}").pk for n in range(9)
    ]
    today = timezone.localdate()
    for index, pk in enumerate(created[:4]):
        LaborDispute.objects.filter(pk=pk).update(
            result=LaborDispute.Result.IN_FAVOR, resolved_on=today - timedelta(days=index // 2)
        )
    client = client_for(manager)
    whole = client.get("/api/v1/labor-disputes/", {"ordering": ordering, "page_size": 20}).json()
    # when following `next` with pages of 2 past a count bounded at 4, then `previous` back
    monkeypatch.setattr(common, "COUNT_LIMIT", 4)
    ids, pages = _walk(client, "/api/v1/labor-disputes/", {"ordering": ordering, "page_size": 2})
    back, page = [], pages[-1]
    while page["previous"]:
        page = client.get(page["previous"]).json()
        back = [row["id"] for row in page["results"]] + back
    # then every dispute comes once, in the order of the whole list
    assert ids == [row["id"] for row in whole["results"]]
    assert sorted(ids) == sorted(created)
    assert back + [row["id"] for row in pages[-1]["results"]] == ids


@pytest.mark.parametrize("kind", ["applications", "persons", "visits"])
def test_a_cursor_page_costs_what_the_first_page_costs(client_for, manager, center, ref, monkeypatch, kind):
    monkeypatch.setattr(common, "COUNT_LIMIT", 5)
    _rows(kind, center, manager)
    client = client_for(manager)
    with CaptureQueriesContext(connection) as first:
        page = client.get(f"/api/v1/{kind}/", {"page_size": 3}).json()
    page = client.get(client.get(page["next"]).json()["next"]).json()  # past the count: a cursor
    assert "cursor=" in page["next"]
    with CaptureQueriesContext(connection) as deep:
        assert client.get(page["next"]).status_code == 200
    assert len(deep.captured_queries) == len(first.captured_queries)


def test_a_forged_cursor_is_a_400(client_for, manager):
    response = client_for(manager).get("/api/v1/applications/", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "cursor" in response.json()
