"""The manager's dashboard and the federation analyst's pages: who may see them, what they count,
and a number of queries that does not grow with the number of cases."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic import services as clinic
from clinic.models import Status
from organizations.models import Role
from organizations.views import ROLE_HOMES
from reports.periods import Period, PeriodKind
from tests.factories import ApplicationFactory, StaffFactory, outcome

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = Period.containing(PeriodKind.MONTH, TODAY)
LAST_MONTH = THIS_MONTH.previous()


def decided(center, *, received_on, recovered=Decimal(0), code="satisfied"):
    """A case received on a day and decided today with an outcome, by the center's manager."""
    manager = StaffFactory(role=Role.MANAGER, center=center)
    case = ApplicationFactory(center=center, received_on=received_on)
    clinic.application_change_status(application=case, by=manager, to_status=Status.IN_PROGRESS)
    return clinic.application_decide(
        application=case, by=manager, outcome=outcome(code), recovered_kzt=recovered
    )


def kpi(response, key):
    return next(item for item in response.context["kpis"] if item.key == key)


# Who may see which page


def test_managers_land_on_the_dashboard_and_analysts_on_the_federation():
    assert ROLE_HOMES[Role.MANAGER] == "dashboard"
    assert ROLE_HOMES[Role.ANALYST] == "federation"


def test_a_manager_is_sent_home_to_the_dashboard(client_for, manager, analyst):
    assert client_for(manager).get("/").url == "/dashboard/"
    assert client_for(analyst).get("/").url == "/federation/"


@pytest.mark.parametrize("path", ["/dashboard/", "/federation/"])
def test_reception_and_lawyers_get_403(client_for, reception, lawyer, path):
    for user in (reception, lawyer):
        assert client_for(user).get(path).status_code == 403


def test_a_manager_may_not_open_the_federation_and_an_analyst_has_no_dashboard(client_for, manager, analyst):
    assert client_for(manager).get("/federation/").status_code == 403
    assert client_for(manager).get(f"/federation/{manager.center_id}/").status_code == 403
    assert client_for(analyst).get("/dashboard/").status_code == 403


def test_signed_out_users_are_sent_to_sign_in(client):
    for path in ("/dashboard/", "/federation/", "/reports/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login/" in response.url


# The dashboard


def test_the_dashboard_compares_this_month_with_last_month_for_the_own_center_only(
    client_for, center, other_center, manager, ref
):
    # given: this month 2 received (1 decided satisfied with money), last month 1; another center busy
    decided(center, received_on=TODAY, recovered=Decimal("150000.00"))
    ApplicationFactory(center=center, received_on=TODAY)
    ApplicationFactory(center=center, received_on=LAST_MONTH.start)
    ApplicationFactory.create_batch(3, center=other_center, received_on=TODAY)
    # when
    response = client_for(manager).get("/dashboard/")
    # then
    assert response.status_code == 200
    assert response.context["period"] == THIS_MONTH
    assert kpi(response, "received").value == 2
    assert kpi(response, "received").earlier == 1
    assert kpi(response, "decided").value == 1
    assert kpi(response, "positive").value == 1
    assert kpi(response, "positive_rate").value == "100.0"
    assert kpi(response, "recovered_kzt").value == "150000.00"
    html = response.text
    for title in ("Received and positive results, 12 months", "By topic", "By outcome", "By service"):
        assert f"<title>{title}</title>" in html
    assert "/cases/?status=open" in html


def test_the_dashboard_offers_unassigned_open_cases_for_assignment(client_for, center, manager, lawyer, ref):
    unassigned = ApplicationFactory(center=center)
    ApplicationFactory(center=center, lawyer=lawyer)

    response = client_for(manager).get("/dashboard/")

    assert [case.pk for case, _form in response.context["unassigned"]] == [unassigned.pk]
    assert f'action="/cases/{unassigned.pk}/assign/"' in response.text
    assert f'<option value="{lawyer.pk}">' in response.text
    # and the form posts to the case action that assigns
    client_for(manager).post(f"/cases/{unassigned.pk}/assign/", {"lawyer": lawyer.pk})
    unassigned.refresh_from_db()
    assert unassigned.lawyer_id == lawyer.pk


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_dashboards_query_count_does_not_grow_with_the_cases(client_for, center, manager, analyst, ref):
    ApplicationFactory(center=center)
    one = {
        path: _queries(client_for(user), path)
        for path, user in (
            ("/dashboard/", manager),
            ("/federation/", analyst),
            (f"/federation/{center.pk}/", analyst),
        )
    }
    lawyer = StaffFactory(role=Role.LAWYER, center=center)
    for index in range(19):
        ApplicationFactory(
            center=center,
            lawyer=lawyer if index % 2 else None,
            received_on=LAST_MONTH.start if index % 3 else TODAY,
        )

    twenty = {
        path: _queries(client_for(user), path)
        for path, user in (
            ("/dashboard/", manager),
            ("/federation/", analyst),
            (f"/federation/{center.pk}/", analyst),
        )
    }

    assert twenty == one


# The federation


def test_the_federation_shows_every_center_for_last_month_by_default(
    client_for, center, other_center, analyst, ref
):
    ApplicationFactory.create_batch(2, center=center, received_on=LAST_MONTH.start)
    ApplicationFactory(center=other_center, received_on=LAST_MONTH.start)
    ApplicationFactory(center=other_center, received_on=TODAY)  # this month: not counted

    response = client_for(analyst).get("/federation/")

    assert response.status_code == 200
    assert response.context["period"] == LAST_MONTH
    received = {row["center"].pk: row["received"] for row in response.context["rows"]}
    assert received[center.pk] == 2
    assert received[other_center.pk] == 1
    assert response.context["total"]["values"][0] == 3
    assert "<svg" in response.text
    assert f'href="/federation/{center.pk}/' in response.text


def test_the_federation_table_comes_from_one_grouped_query(client_for, center, other_center, analyst, ref):
    ApplicationFactory(center=center)

    with CaptureQueriesContext(connection) as captured:
        client_for(analyst).get("/federation/")

    grouped = [
        q["sql"]
        for q in captured.captured_queries
        if "GROUP BY" in q["sql"] and "clinic_application" in q["sql"]
    ]
    assert len(grouped) == 1


def test_the_period_picker_chooses_a_year(client_for, center, analyst, ref):
    ApplicationFactory(center=center, received_on=LAST_MONTH.start)
    year = Period.containing(PeriodKind.YEAR, LAST_MONTH.start)

    response = client_for(analyst).get(
        "/federation/", {"period_kind": "year", "day": LAST_MONTH.start.isoformat()}
    )

    assert response.context["period"] == year
    assert {row["center"].pk: row["received"] for row in response.context["rows"]}[center.pk] >= 1


def test_the_drill_down_shows_one_center_read_only(client_for, center, other_center, analyst, ref):
    ApplicationFactory.create_batch(2, center=center, received_on=LAST_MONTH.start)
    ApplicationFactory(center=other_center, received_on=LAST_MONTH.start)

    response = client_for(analyst).get(f"/federation/{center.pk}/")

    assert response.status_code == 200
    assert kpi(response, "received").value == 2
    assert "/assign/" not in response.text
    assert "Build report" not in response.text
    assert client_for(analyst).get("/federation/999999/").status_code == 404


def test_the_dashboards_keep_their_figures_for_a_minute_and_count_again_after(
    client_for, center, manager, analyst, ref, settings
):
    # given: the live figures kept for a minute
    settings.REPORTS_LIVE_FIGURES_SECONDS = 60
    cache.clear()
    ApplicationFactory(center=center, received_on=TODAY)
    ApplicationFactory(center=center, received_on=LAST_MONTH.start)
    pages = (("/dashboard/", manager), ("/federation/", analyst))
    first = {path: _queries(client_for(user), path) for path, user in pages}
    ApplicationFactory(center=center, received_on=TODAY)
    ApplicationFactory(center=center, received_on=LAST_MONTH.start)
    # when: opened again within the minute
    again = {path: _queries(client_for(user), path) for path, user in pages}
    dashboard = client_for(manager).get("/dashboard/")
    federation = client_for(analyst).get("/federation/")
    # then: the same figures, without the aggregate queries (4 for the dashboard, 1 for the federation)
    assert again == {"/dashboard/": first["/dashboard/"] - 4, "/federation/": first["/federation/"] - 1}
    assert kpi(dashboard, "received").value == 1
    row = next(row for row in federation.context["rows"] if row["center"] == center)
    assert row["received"] == 1
    # and once the minute is over (the cache emptied), counted again
    cache.clear()
    assert kpi(client_for(manager).get("/dashboard/"), "received").value == 2
    federation = client_for(analyst).get("/federation/")
    assert next(row for row in federation.context["rows"] if row["center"] == center)["received"] == 2
