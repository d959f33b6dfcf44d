"""The search box: persons, cases and notes found by every kind of key, in the user's centers only,
with personal data masked as the user may see it. Runs on PostgreSQL and on SQLite alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.personal_data import mask_iin
from tests.clinic.search_data import IIN, PHONE, searched_rows
from tests.factories import ApplicationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(ref, center, other_center):
    return searched_rows(center, other_center)


def _search(client, query: str, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response


def _kinds(response) -> dict:
    return {group["kind"]: group["rows"] for group in response.context["groups"]}


@pytest.mark.parametrize(
    "query",
    ["Жұмабаева", "жумабаева", "ЖУМАБАЕВА", "Zhumabayeva", "zhumabaeva aigul", "Айгуль"],
)
def test_a_name_in_any_spelling_and_case_finds_the_person_and_the_case(client_for, lawyer, found, query):
    rows = _kinds(_search(client_for(lawyer), query))
    assert [card.person for card in rows["persons"]] == [found.person]
    assert rows["cases"] == [found.case]


@pytest.mark.parametrize(
    "query", [PHONE, "8 701 123 45 67", "+7 (701) 123-45-67", "7011234567", "8701123", "701 123"]
)
def test_a_phone_typed_any_way_finds_the_person_and_the_case(client_for, lawyer, found, query):
    rows = _kinds(_search(client_for(lawyer), query))
    assert [card.person for card in rows["persons"]] == [found.person]
    assert rows["cases"] == [found.case]


@pytest.mark.parametrize("query", [IIN, IIN[:6], IIN[:4]])
def test_the_start_of_an_iin_finds_the_person(client_for, lawyer, found, query):
    rows = _kinds(_search(client_for(lawyer), query))
    assert [card.person for card in rows["persons"]] == [found.person]
    assert rows["cases"] == [found.case]


def test_a_part_of_the_case_number_finds_the_case(client_for, lawyer, found):
    number = found.case.registration_number
    for query in (number, number.lower(), number[-7:]):
        assert _kinds(_search(client_for(lawyer), query))["cases"] == [found.case], query


@pytest.mark.parametrize("query", ["Ақжол", "АҚЖОЛ", "ақжол құрылыс"])
def test_the_employers_name_finds_the_case(client_for, lawyer, found, query):
    assert _kinds(_search(client_for(lawyer), query))["cases"] == [found.case]


def test_the_employers_bin_finds_the_case(client_for, lawyer, found):
    assert _kinds(_search(client_for(lawyer), found.case.employer.bin))["cases"] == [found.case]


@pytest.mark.parametrize("query", ["уволили", "УВОЛИЛИ без приказа", "Приказа", "расчёт уволили"])
def test_the_words_of_a_note_find_the_note(client_for, lawyer, found, query):
    rows = _kinds(_search(client_for(lawyer), query))
    assert rows["notes"] == [found.note]


def test_another_centers_rows_never_appear(client_for, lawyer, found):
    # given the same name, a similar phone and a note with the same words in another center
    for query in ("Жумабаева", "Уволили", "+7701123456", found.stranger_case.registration_number):
        page = _search(client_for(lawyer), query)
        rows = _kinds(page)
        assert found.stranger not in [card.person for card in rows["persons"]], query
        assert found.stranger_case not in rows["cases"], query
        assert all(note.application.center_id == found.person.center_id for note in rows["notes"]), query
        assert f"/cases/{found.stranger_case.pk}/" not in page.content.decode()


def test_the_federation_sees_every_center_masked_and_finds_nobody_by_iin(client_for, analyst, found):
    client = client_for(analyst)
    page = _search(client, "Жумабаева")
    persons = [card.person for card in _kinds(page)["persons"]]
    assert set(persons) == {found.person, found.stranger}
    assert IIN not in page.content.decode()
    assert PHONE not in page.content.decode()
    assert mask_iin(IIN) in page.content.decode()
    # a match by IIN or phone would tell whose number it is
    assert _kinds(_search(client, IIN)) == {"persons": [], "cases": [], "notes": []}
    assert _kinds(_search(client, PHONE))["persons"] == []


def test_the_own_center_sees_personal_data(client_for, lawyer, found):
    assert IIN in _search(client_for(lawyer), "Zhumabayeva").content.decode()


def test_each_group_shows_ten_and_links_to_all(client_for, manager, center, ref):
    people = [PersonFactory(center=center, full_name=f"Серикова {n}") for n in range(12)]
    for person in people:
        ApplicationFactory(center=center, person=person)
    page = _search(client_for(manager), "серикова")
    rows = _kinds(page)
    assert len(rows["persons"]) == len(rows["cases"]) == 10
    html = page.content.decode()
    assert "/search/?kind=persons&amp;q=%D1%81%D0%B5%D1%80%D0%B8%D0%BA%D0%BE%D0%B2%D0%B0" in html
    assert "/cases/?scope=center&amp;q=" in html
    # the full list of one kind, page by page
    all_persons = _search(client_for(manager), "серикова", kind="persons")
    assert len(_kinds(all_persons)["persons"]) == 12


def test_the_search_page_costs_the_same_for_1_and_for_10_rows(client_for, manager, center, ref):
    client = client_for(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            _search(client, "Серикова")
        return len(context.captured_queries)

    ApplicationFactory(center=center, person=PersonFactory(center=center, full_name="Серикова 0"))
    one = queries()
    for n in range(1, 11):
        ApplicationFactory(center=center, person=PersonFactory(center=center, full_name=f"Серикова {n}"))
    assert queries() == one


def test_an_empty_search_finds_nothing(client_for, lawyer, found):
    assert _kinds(_search(client_for(lawyer), "  ")) == {"persons": [], "cases": [], "notes": []}


def test_the_navigation_has_the_search_box(client_for, lawyer):
    html = client_for(lawyer).get("/cases/").content.decode()
    assert 'action="/search/"' in html
    assert 'name="q"' in html


def test_the_case_list_pages_on_past_the_bounded_count(client_for, manager, center, ref, monkeypatch):
    # given 30 cases, a count bounded at 10 and pages of 4
    import re

    from clinic import views
    from core.api import common

    monkeypatch.setattr(common, "COUNT_LIMIT", 10)
    monkeypatch.setattr(views, "CASES_PER_PAGE", 4)
    expected = {ApplicationFactory(center=center).pk for _ in range(30)}
    client = client_for(manager)
    seen, url, pages = [], "/cases/?order=due", 0
    # when following Next
    while url:
        page = client.get(url.replace("&amp;", "&"))
        assert page.status_code == 200
        seen += [case.pk for case in page.context["paging"].rows]
        found = re.search(r'href="([^"]*)" rel="next"', page.content.decode())
        url = "/cases/" + found.group(1) if found else ""
        pages += 1
    # then every case comes once
    assert len(seen) == len(set(seen)) == 30
    assert set(seen) == expected
    assert pages == 8


def test_all_of_one_kind_pages_on_to_the_last_row(client_for, manager, center, ref, monkeypatch):
    import re

    from clinic import views

    monkeypatch.setattr(views, "SEARCH_PAGE_SIZE", 4)
    expected = {PersonFactory(center=center, full_name=f"Серикова {n % 2}").pk for n in range(11)}
    client = client_for(manager)
    seen, url = [], "/search/?kind=persons&q=%D0%A1%D0%B5%D1%80%D0%B8%D0%BA%D0%BE%D0%B2%D0%B0"
    while url:
        page = client.get(url.replace("&amp;", "&"))
        seen += [card.person.pk for card in _kinds(page)["persons"]]
        found = re.search(r'href="([^"]*)" rel="next"', page.content.decode())
        url = "/search/" + found.group(1) if found else ""
    assert sorted(seen) == sorted(expected)


def test_a_cursor_page_of_the_case_list_costs_what_the_first_costs(
    client_for, manager, center, ref, monkeypatch
):
    import re

    from clinic import views
    from core.api import common

    monkeypatch.setattr(common, "COUNT_LIMIT", 4)
    monkeypatch.setattr(views, "CASES_PER_PAGE", 2)
    for _ in range(9):
        ApplicationFactory(center=center)
    client = client_for(manager)
    with CaptureQueriesContext(connection) as first:
        page = client.get("/cases/")
    second = client.get("/cases/" + re.search(r'href="([^"]*)" rel="next"', page.content.decode()).group(1))
    next_link = re.search(r'href="([^"]*)" rel="next"', second.content.decode()).group(1)
    assert "cursor=" in next_link
    with CaptureQueriesContext(connection) as deep:
        assert client.get("/cases/" + next_link.replace("&amp;", "&")).status_code == 200
    assert len(deep.captured_queries) == len(first.captured_queries)


def test_a_mangled_cursor_shows_the_first_page_of_the_case_list(client_for, manager, center, ref):
    case = ApplicationFactory(center=center)
    for cursor in ("not-a-cursor", "eyJvIjogWyJ4Il19", "W10"):
        response = client_for(manager).get("/cases/", {"cursor": cursor})
        assert response.status_code == 200
        assert response.context["paging"].rows == [case]
