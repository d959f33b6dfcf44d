"""The federation's table: sorted by any column through `sort` (a whitelist), each center's row linking
to that center's case list."""

import pytest
from django.utils import timezone

from organizations.models import TerritorialCenter
from reports.periods import Period, PeriodKind
from tests.factories import ApplicationFactory, CenterFactory

pytestmark = pytest.mark.django_db

LAST_MONTH = Period.containing(PeriodKind.MONTH, timezone.localdate()).previous()


@pytest.fixture
def centers(ref):
    """Three centers that received 2, 0 and 1 cases last month."""
    few, none, one = CenterFactory(), CenterFactory(), CenterFactory()
    ApplicationFactory.create_batch(2, center=few, received_on=LAST_MONTH.start)
    ApplicationFactory(center=one, received_on=LAST_MONTH.start)
    return few, none, one


def received(response) -> list[int]:
    return [row["received"] for row in response.context["rows"]]


@pytest.mark.parametrize(("sort", "expected"), [("-received", [2, 1, 0]), ("received", [0, 1, 2])])
def test_the_table_sorts_by_a_figure(client_for, analyst, centers, sort, expected):
    response = client_for(analyst).get("/federation/", {"sort": sort})

    assert response.status_code == 200
    assert received(response) == expected
    assert f'aria-sort="{"descending" if sort.startswith("-") else "ascending"}"' in response.text


def test_the_table_sorts_by_the_centers_name_both_ways(client_for, analyst, centers):
    names = sorted(str(center).casefold() for center in TerritorialCenter.objects.all())
    client = client_for(analyst)

    ascending = client.get("/federation/", {"sort": "center"})
    descending = client.get("/federation/", {"sort": "-center"})

    assert [str(row["center"]).casefold() for row in ascending.context["rows"]] == names
    assert [str(row["center"]).casefold() for row in descending.context["rows"]] == names[::-1]


def test_a_rate_without_decided_cases_goes_last_either_way(client_for, analyst, centers):
    # no case was decided: every rate is empty, the order stays the centers' own
    response = client_for(analyst).get("/federation/", {"sort": "-positive_rate"})

    assert [row["center"] for row in response.context["rows"]] == list(TerritorialCenter.objects.all())


@pytest.mark.parametrize("sort", ["password", "-", "received;drop", "__class__", ""])
def test_an_unknown_sort_keeps_the_centers_order(client_for, analyst, centers, sort):
    response = client_for(analyst).get("/federation/", {"sort": sort})

    assert response.status_code == 200
    assert [row["center"] for row in response.context["rows"]] == list(TerritorialCenter.objects.all())
    assert "aria-sort=" not in response.text


def test_the_sort_links_keep_the_period_and_turn_the_order_round(client_for, analyst, centers):
    response = client_for(analyst).get(
        "/federation/", {"period_kind": "year", "day": LAST_MONTH.start.isoformat(), "sort": "-received"}
    )

    headers = {header["key"]: header for header in response.context["headers"]}
    assert headers["received"]["aria_sort"] == "descending"
    assert "sort=received" in headers["received"]["query"]
    assert "period_kind=year" in headers["received"]["query"]
    assert "sort=center" in headers["center"]["query"]  # names A to Z first
    assert "sort=-decided" in headers["decided"]["query"]  # figures largest first
    # the drill-down keeps the period, not the order
    assert "sort=" not in response.context["query"]


def test_each_centers_row_links_to_its_case_list(client_for, analyst, centers):
    few, _none, _one = centers

    response = client_for(analyst).get("/federation/")

    assert f'href="/cases/?center={few.pk}"' in response.text
    cases = client_for(analyst).get(f"/cases/?center={few.pk}")
    assert {case.center_id for case in cases.context["paging"].rows} == {few.pk}
    assert len(cases.context["paging"].rows) == 2
