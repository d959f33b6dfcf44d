"""/api/v1/statistical-returns/ and /api/v1/statistical-reports/: a center's manager enters and submits
the return, the federation approves it (then it is locked) or returns it, the checks answer 400 on
their fields, another center's return is a 404, and the annual report of 2021 built from the demo
returns shows DOMAIN.md's figures."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from organizations.models import Role
from reports.statistics import services
from reports.statistics.models import StatisticalReport, StatisticalReturn
from tests.factories import BranchUnionFactory, CenterFactory, StaffFactory
from tests.reports.statistics.support import FIGURES, YEAR

pytestmark = pytest.mark.django_db

RETURNS = "/api/v1/statistical-returns/"
REPORTS = "/api/v1/statistical-reports/"


@pytest.fixture
def client_for():
    def sign_in(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return sign_in


def url(statistical_return: StatisticalReturn, action: str = "") -> str:
    return f"{RETURNS}{statistical_return.pk}/" + (f"{action}/" if action else "")


def etag(statistical_return: StatisticalReturn) -> str:
    return f'"{StatisticalReturn.objects.get(pk=statistical_return.pk).version}"'


def post(client, statistical_return, action: str, data: dict | None = None, *, version: str | None = None):
    """POST an action with the return's current ETag (or the one given)."""
    return client.post(
        url(statistical_return, action),
        data or {},
        format="json",
        HTTP_IF_MATCH=version or etag(statistical_return),
    )


def patch(client, statistical_return, data: dict, *, version: str | None = None):
    return client.patch(
        url(statistical_return), data, format="json", HTTP_IF_MATCH=version or etag(statistical_return)
    )


# The whole way: entered, submitted, approved, locked


def test_a_manager_enters_and_submits_and_the_federation_approves(client_for, manager, analyst, center):
    managers = client_for(manager)

    # the manager starts the return with part of the figures, completes it, and submits it
    created = managers.post(RETURNS, {"year": YEAR, "members": 100_812, "employed": 324_155}, format="json")
    assert created.status_code == 201, created.json()
    assert created["ETag"] == '"1"'
    body = created.json()
    assert (body["center"], body["branch_union"], body["state"]) == (center.pk, None, "draft")
    assert body["member_share"] == "31.1"  # derived, never typed
    statistical_return = StatisticalReturn.objects.get(pk=body["id"])

    changed = patch(managers, statistical_return, FIGURES, version=created["ETag"])
    assert changed.status_code == 200, changed.json()
    assert changed.json()["agreement_coverage"] == "68.0"  # 17,087 agreements of 25,129 enterprises
    assert changed["ETag"] == '"2"'

    submitted = post(managers, statistical_return, "submit", version=changed["ETag"])
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["state"] == "submitted"

    # the federation approves it
    approved = post(client_for(analyst), statistical_return, "approve", version=submitted["ETag"])
    assert approved.status_code == 200, approved.json()
    assert (approved.json()["state"], approved.json()["is_locked"]) == ("approved", True)
    assert approved.json()["approved_by"] == analyst.pk
    statistical_return.refresh_from_db()
    assert statistical_return.state == StatisticalReturn.State.APPROVED


def test_an_approved_return_is_locked_for_everyone(client_for, approved, manager, federation_admin):
    for user in (manager, federation_admin):
        response = patch(client_for(user), approved, {"workplace_accidents": 1})

        assert response.status_code == 400, user
        assert "locked" in response.json()["non_field_errors"][0]
    for action in ("submit", "approve"):
        assert post(client_for(federation_admin), approved, action).status_code == 400
    approved.refresh_from_db()
    assert approved.workplace_accidents == 26


def test_a_submitted_return_waits_for_the_federation(client_for, submitted, manager):
    response = patch(client_for(manager), submitted, {"workplace_accidents": 1})

    assert response.status_code == 400
    assert "returns it to draft" in response.json()["non_field_errors"][0]


def test_the_federation_returns_a_submitted_return_to_draft_with_a_reason(
    client_for, submitted, analyst, manager
):
    analysts = client_for(analyst)

    without_reason = post(analysts, submitted, "return-to-draft", {"reason": "  "})
    returned = post(analysts, submitted, "return-to-draft", {"reason": "Check the accidents."})

    assert without_reason.status_code == 400
    assert "reason" in without_reason.json()
    assert returned.status_code == 200, returned.json()
    assert (returned.json()["state"], returned.json()["return_reason"]) == ("draft", "Check the accidents.")
    # the manager corrects it again
    assert patch(client_for(manager), submitted, {"workplace_accidents": 27}).status_code == 200


# The checks: 400 with each refusal on its field


def test_inconsistent_figures_are_refused_on_their_fields(client_for, draft, manager):
    response = patch(
        client_for(manager),
        draft,
        {"new_primary_organizations": 1_000, "members_covered": 300_000, "agreements_concluded": 20_000},
    )

    assert response.status_code == 400
    errors = response.json()
    assert {"new_primary_organizations", "members_covered", "agreements_concluded"} <= set(errors)
    assert "cannot exceed all of them (932)" in errors["new_primary_organizations"][0]
    draft.refresh_from_db()
    assert draft.new_primary_organizations == 82


def test_an_incomplete_return_cannot_be_submitted(client_for, manager):
    started = client_for(manager).post(RETURNS, {"year": YEAR, "workplace_accidents": 3}, format="json")
    statistical_return = StatisticalReturn.objects.get(pk=started.json()["id"])

    response = post(client_for(manager), statistical_return, "submit")

    assert response.status_code == 400
    assert {"members", "employed", "primary_organizations"} <= set(response.json())


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year": YEAR, "members": -1}, "members"),
        ({"year": YEAR, "members": 2**31}, "members"),
        ({"year": YEAR, "members": "many"}, "members"),
        ({"year": 1999}, "year"),
        ({"year": 2999}, "year"),
        ({}, "year"),
    ],
)
def test_malformed_input_is_a_400_on_its_field(client_for, manager, data, field):
    response = client_for(manager).post(RETURNS, data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not StatisticalReturn.objects.exists()


def test_a_second_return_for_the_same_year_is_refused(client_for, draft, manager):
    response = client_for(manager).post(RETURNS, {"year": YEAR, "members": 1}, format="json")

    assert response.status_code == 400
    assert "already has a return for 2021" in response.json()["year"][0]
    draft.refresh_from_db()
    assert draft.members == FIGURES["members"]


# Conflict-safe changes


def test_a_change_needs_if_match_and_a_stale_one_is_refused(client_for, draft, manager):
    client = client_for(manager)

    missing = client.patch(url(draft), {"workplace_accidents": 1}, format="json")
    stale = patch(client, draft, {"workplace_accidents": 1}, version='"0"')

    assert missing.status_code == 428
    assert stale.status_code == 412
    assert stale.json()["current_version"] == draft.version
    assert stale["ETag"] == f'"{draft.version}"'
    draft.refresh_from_db()
    assert draft.workplace_accidents == 26


def test_reading_a_return_gives_its_etag(client_for, draft, manager):
    response = client_for(manager).get(url(draft))

    assert response.status_code == 200
    assert response["ETag"] == f'"{draft.version}"'
    assert response.json()["covered_member_share"] == "38.4"


# Who may do what


def test_another_centers_return_is_a_404_for_every_method(client_for, draft, other_center):
    for role in (Role.MANAGER, Role.ADMINISTRATOR):
        client = client_for(StaffFactory(role=role, center=other_center))

        assert client.get(url(draft)).status_code == 404
        assert patch(client, draft, {"members": 1}).status_code == 404
        for action in ("submit", "approve", "return-to-draft"):
            assert post(client, draft, action, {"reason": "x"}).status_code == 404
        assert client.get(RETURNS).json()["count"] == 0
    draft.refresh_from_db()
    assert (draft.state, draft.members) == (StatisticalReturn.State.DRAFT, FIGURES["members"])


def test_a_manager_cannot_approve_or_return_their_own_return(client_for, submitted, manager):
    client = client_for(manager)

    assert post(client, submitted, "approve").status_code == 403
    assert post(client, submitted, "return-to-draft", {"reason": "x"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == StatisticalReturn.State.SUBMITTED


def test_an_analyst_approves_but_does_not_enter(client_for, draft, analyst, center):
    client = client_for(analyst)

    assert client.get(url(draft)).status_code == 200
    assert client.post(RETURNS, {"year": YEAR, "center": center.pk}, format="json").status_code == 403
    assert patch(client, draft, {"members": 1}).status_code == 403
    assert post(client, draft, "submit").status_code == 403


def test_a_manager_cannot_start_another_centers_return(client_for, manager, other_center):
    response = client_for(manager).post(RETURNS, {"year": YEAR, "center": other_center.pk}, format="json")

    assert response.status_code == 403
    assert not StatisticalReturn.objects.exists()


def test_lawyers_and_reception_see_no_returns_and_enter_none(client_for, draft, lawyer, reception):
    for user in (lawyer, reception):
        client = client_for(user)

        assert client.get(RETURNS).json()["count"] == 0
        assert client.get(url(draft)).status_code == 404
        assert client.post(RETURNS, {"year": 2020}, format="json").status_code == 403


def test_the_federation_administrator_enters_a_branch_unions_return(client_for, federation_admin):
    union = BranchUnionFactory()

    response = client_for(federation_admin).post(
        RETURNS, {"year": YEAR, "branch_union": union.pk, **FIGURES}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["branch_union"], response.json()["center"]) == (union.pk, None)


def test_signed_out_requests_get_401(api_client, draft):
    assert api_client.get(RETURNS).status_code == 401
    assert api_client.get(url(draft)).status_code == 401


# The list: filters and a constant number of queries


def _returns_of_centers(count: int, year: int, analyst) -> None:
    for _ in range(count):
        manager = StaffFactory(role=Role.MANAGER, center=CenterFactory())
        draft = services.statistical_return_save(by=manager, year=year, **FIGURES)
        submitted = services.statistical_return_submit(statistical_return=draft, by=manager)
        services.statistical_return_approve(statistical_return=submitted, by=analyst)


def test_the_list_filters_by_year_center_branch_union_and_state(client_for, draft, analyst, center):
    _returns_of_centers(2, 2020, analyst)
    union = BranchUnionFactory()
    services.statistical_return_save(
        by=StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True),
        branch_union=union,
        year=YEAR,
        members=10,
    )
    client = client_for(analyst)

    def ids(**params) -> set[int]:
        response = client.get(RETURNS, params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert len(ids()) == 4
    assert ids(year=YEAR, scope="center") == {draft.pk}
    assert ids(center=center.pk) == {draft.pk}
    assert len(ids(state="approved")) == 2
    assert len(ids(branch_union=union.pk)) == 1
    assert client.get(RETURNS, {"year": "soon"}).status_code == 400
    assert client.get(RETURNS, {"state": "lost"}).status_code == 400


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, {"page_size": 100})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_list_costs_the_same_for_1_return_and_for_20(client_for, analyst):
    _returns_of_centers(1, YEAR, analyst)
    client = client_for(analyst)
    one = _queries(client, RETURNS)

    _returns_of_centers(19, YEAR, analyst)

    assert client.get(RETURNS).json()["count"] == 20
    assert _queries(client, RETURNS) == one
    assert one <= 2  # the count and the rows


def test_the_reports_list_costs_the_same_for_1_report_and_for_5(client_for, analyst):
    StatisticalReport.objects.create(year=2020)
    client = client_for(analyst)
    one = _queries(client, REPORTS)

    StatisticalReport.objects.bulk_create(StatisticalReport(year=year) for year in range(2015, 2019))

    assert client.get(REPORTS).json()["count"] == 5
    assert _queries(client, REPORTS) == one


# The annual report


def test_the_2021_report_built_from_the_demo_shows_the_published_figures(
    client_for, demo, analyst, django_capture_on_commit_callbacks
):
    client = client_for(analyst)

    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post(REPORTS, {"year": 2021}, format="json")

    assert requested.status_code == 202, requested.json()
    assert requested.json()["state"] == "queued"
    report = client.get(f"{REPORTS}{requested.json()['id']}/").json()
    assert (report["state"], report["provisional"]) == ("done", False)
    federation = report["figures"]["federation"]
    assert federation["new_primary_organizations"] == 676
    assert federation["new_organization_members"] == 56_664
    assert federation["collective_agreements"] == 16_112
    assert federation["agreements_concluded"] == 6_466
    assert federation["employees_covered"] == 1_461_827
    assert federation["members_covered"] == 1_363_237
    members = report["figures"]["federation_changes"]["members"]
    assert (members["absolute"], members["percent"]) == (-10_382, "-0.6")
    almaty = next(row for row in report["figures"]["by_center"] if row["code"] == "ALR")
    assert almaty["figures"]["primary_organizations"] == 932
    assert almaty["figures"]["agreement_coverage"] == "68.0"
    assert almaty["figures"]["member_share"] == "31.1"
    # and the downloads
    rows = list(csv.reader(io.StringIO(client.get(f"{REPORTS}{report['id']}/export/csv/").content.decode())))
    agreements = ["Collective agreements in force", "16112", "federation.collective_agreements"]
    assert ["Federation", "branch_unions", "branch unions' returns", *agreements] in rows
    xlsx = client.get(f"{REPORTS}{report['id']}/export/xlsx/")
    assert xlsx.status_code == 200
    assert 'filename="statistics-federation-2021.xlsx"' in xlsx["Content-Disposition"]
    html = client.get(f"{REPORTS}{report['id']}/export/html/")
    assert "down 10,382, or 0.6%, against 2020" in html.content.decode()


def test_an_unbuilt_report_has_nothing_to_download(client_for, analyst):
    report = StatisticalReport.objects.create(year=2021)

    response = client_for(analyst).get(f"{REPORTS}{report.pk}/export/csv/")

    assert response.status_code == 409
    assert "not built" in response.json()["detail"]


def test_the_annual_report_is_the_federations_only(client_for, manager, analyst):
    report = StatisticalReport.objects.create(year=2021)
    center_admin = StaffFactory(role=Role.ADMINISTRATOR, center=manager.center)

    for user in (manager, center_admin):
        client = client_for(user)
        assert client.get(REPORTS).json()["count"] == 0
        assert client.get(f"{REPORTS}{report.pk}/").status_code == 404
        assert client.post(REPORTS, {"year": 2021}, format="json").status_code == 403
    assert client_for(analyst).get(REPORTS).json()["count"] == 1


def test_a_report_for_a_year_to_come_is_refused_on_the_year(client_for, analyst):
    response = client_for(analyst).post(REPORTS, {"year": 2999}, format="json")

    assert response.status_code == 400
    assert "year" in response.json()
    assert not StatisticalReport.objects.exists()
