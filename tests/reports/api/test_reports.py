"""The reports API: list and read what visible_to shows, request builds (202), rebuild, download."""

from datetime import date

import pytest
from django.utils import timezone

from reports import services
from reports.exports import XLSX_TYPE
from reports.models import Report
from reports.periods import Period, PeriodKind
from tests.factories import ApplicationFactory, StaffFactory

pytestmark = pytest.mark.django_db

LAST_MONTH = Period.last_completed(PeriodKind.MONTH, timezone.localdate())


def built(center, by, period: Period = LAST_MONTH, capture=None) -> Report:
    """A report requested through the service and built (eager mode) when the request commits."""
    with capture(execute=True):
        report = services.report_request(
            center=center, period_kind=period.kind, period_start=period.start, by=by
        )
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    def make(center, by, period: Period = LAST_MONTH) -> Report:
        return built(center, by, period, capture=django_capture_on_commit_callbacks)

    return make


def test_a_manager_requests_the_centers_report_and_it_is_built(
    client_for, center, manager, django_capture_on_commit_callbacks
):
    # given
    ApplicationFactory(center=center, received_on=LAST_MONTH.start)
    body = {"center": center.pk, "period_kind": "month", "period_start": LAST_MONTH.start.isoformat()}
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post("/api/v1/reports/", body, format="json")
    # then
    assert response.status_code == 202
    assert response.json()["state"] == "queued"
    assert "figures" not in response.json()
    report = Report.objects.get(pk=response.json()["id"])
    assert report.state == Report.State.DONE
    assert report.figures["totals"]["received"] == 1
    detail = client_for(manager).get(f"/api/v1/reports/{report.pk}/")
    assert detail.json()["state"] == "done"
    assert detail.json()["figures"]["totals"]["received"] == 1


def test_a_manager_may_not_request_another_centers_or_the_federation_report(
    client_for, other_center, manager
):
    start = LAST_MONTH.start.isoformat()
    client = client_for(manager)

    foreign = client.post(
        "/api/v1/reports/",
        {"center": other_center.pk, "period_kind": "month", "period_start": start},
        format="json",
    )
    federation = client.post(
        "/api/v1/reports/", {"center": None, "period_kind": "month", "period_start": start}, format="json"
    )

    assert foreign.status_code == 403
    assert federation.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("period_start", "field"),
    [("2024-02-15", "period_start"), ("2999-01-01", "period_start"), ("yesterday", "period_start")],
)
def test_a_bad_period_is_a_400_with_the_field(client_for, center, manager, period_start, field):
    response = client_for(manager).post(
        "/api/v1/reports/",
        {"center": center.pk, "period_kind": "month", "period_start": period_start},
        format="json",
    )

    assert response.status_code == 400
    assert field in response.json()


def test_reception_and_lawyers_may_not_request_reports(client_for, center, reception, lawyer):
    body = {"center": center.pk, "period_kind": "month", "period_start": LAST_MONTH.start.isoformat()}

    for user in (reception, lawyer):
        assert client_for(user).post("/api/v1/reports/", body, format="json").status_code == 403


def test_the_list_shows_the_own_center_to_a_manager_and_everything_to_an_analyst(
    client_for, center, other_center, manager, analyst, build
):
    ours = build(center, manager)
    theirs = build(other_center, analyst)
    federation = build(None, analyst)

    mine = client_for(manager).get("/api/v1/reports/")
    everything = client_for(analyst).get("/api/v1/reports/")

    assert [row["id"] for row in mine.json()["results"]] == [ours.pk]
    assert "figures" not in mine.json()["results"][0]
    assert {row["id"] for row in everything.json()["results"]} == {ours.pk, theirs.pk, federation.pk}
    assert client_for(manager).get(f"/api/v1/reports/{theirs.pk}/").status_code == 404
    assert client_for(manager).get(f"/api/v1/reports/{federation.pk}/").status_code == 404


def test_the_list_filters(client_for, center, other_center, analyst, build):
    month = build(center, analyst)
    year = build(center, analyst, Period(PeriodKind.YEAR, date(LAST_MONTH.start.year - 1, 1, 1)))
    build(other_center, analyst)
    federation = build(None, analyst)
    client = client_for(analyst)

    def ids(**params) -> set[int]:
        return {row["id"] for row in client.get("/api/v1/reports/", params).json()["results"]}

    assert ids(center=center.pk) == {month.pk, year.pk}
    assert ids(center=center.pk, period_kind="year") == {year.pk}
    assert ids(period_start=year.period_start.isoformat()) == {year.pk}
    assert ids(federation="true") == {federation.pk}
    assert month.pk in ids(state="done")
    assert ids(state="failed") == set()


def test_rebuild_queues_the_report_again(
    client_for, center, manager, build, django_capture_on_commit_callbacks
):
    report = build(center, manager)
    ApplicationFactory(center=center, received_on=LAST_MONTH.start)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(f"/api/v1/reports/{report.pk}/rebuild/")

    assert response.status_code == 202
    assert response.json()["state"] == "queued"
    report.refresh_from_db()
    assert report.state == Report.State.DONE
    assert report.figures["totals"]["received"] == 1


def test_an_analyst_cannot_rebuild_what_a_manager_of_another_center_cannot_see(
    client_for, other_center, manager, analyst, build
):
    theirs = build(other_center, analyst)

    assert client_for(manager).post(f"/api/v1/reports/{theirs.pk}/rebuild/").status_code == 404


@pytest.mark.parametrize(
    ("file_format", "content_type", "extension"),
    [("csv", "text/csv", ".csv"), ("xlsx", XLSX_TYPE, ".xlsx"), ("html", "text/html", ".html")],
)
def test_a_built_report_downloads_in_each_format(
    client_for, center, manager, build, file_format, content_type, extension
):
    report = build(center, manager)

    response = client_for(manager).get(f"/api/v1/reports/{report.pk}/export/{file_format}/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].rstrip('"').endswith(extension)


def test_a_report_not_built_is_a_409_to_download(client_for, center, manager):
    report = services.report_request(
        center=center, period_kind=LAST_MONTH.kind, period_start=LAST_MONTH.start, by=manager
    )  # on_commit never runs here: the report stays queued

    response = client_for(manager).get(f"/api/v1/reports/{report.pk}/export/xlsx/")

    assert response.status_code == 409
    assert "not built" in response.json()["detail"]


def test_another_centers_report_cannot_be_downloaded(client_for, other_center, analyst, build):
    theirs = build(other_center, analyst)
    manager = StaffFactory(role="manager")

    assert client_for(manager).get(f"/api/v1/reports/{theirs.pk}/export/csv/").status_code == 404


def test_the_list_runs_a_fixed_number_of_queries(
    client_for, center, other_center, analyst, build, django_assert_max_num_queries
):
    for scope in (center, other_center, None):
        build(scope, analyst)

    with django_assert_max_num_queries(4):
        response = client_for(analyst).get("/api/v1/reports/")

    assert response.json()["count"] == 3
