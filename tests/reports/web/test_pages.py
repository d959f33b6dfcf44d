"""The reports list: who sees which reports, building on demand, the progress row that polls until
the build is done or failed (with a Retry), and the downloads."""

import pytest
from django.utils import timezone

from reports import services
from reports.exports import XLSX_TYPE
from reports.models import Report
from reports.periods import Period, PeriodKind
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

LAST_MONTH = Period.last_completed(PeriodKind.MONTH, timezone.localdate())


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """A report requested through the service and built (eager mode) when the request commits."""

    def make(center, by) -> Report:
        with django_capture_on_commit_callbacks(execute=True):
            report = services.report_request(
                center=center, period_kind=LAST_MONTH.kind, period_start=LAST_MONTH.start, by=by
            )
        return Report.objects.get(pk=report.pk)

    return make


def queued(center, by) -> Report:
    """A requested report whose build has not run (on_commit never fires in these tests)."""
    return services.report_request(
        center=center, period_kind=LAST_MONTH.kind, period_start=LAST_MONTH.start, by=by
    )


def reports_of(response) -> list[int]:
    return [report.pk for report in response.context["page"]]


# Who sees which reports


def test_a_manager_sees_the_own_centers_reports_only(
    client_for, center, other_center, manager, analyst, build
):
    ours, theirs, federation = build(center, manager), build(other_center, analyst), build(None, analyst)

    response = client_for(manager).get("/reports/")

    assert response.status_code == 200
    assert reports_of(response) == [ours.pk]
    assert 'name="scope"' not in response.text
    for report in (theirs, federation):
        assert client_for(manager).get(f"/reports/{report.pk}/row/").status_code == 404
        assert client_for(manager).get(f"/reports/{report.pk}/download/csv/").status_code == 404


def test_an_analyst_sees_every_report_and_the_federation_roll_up(
    client_for, center, other_center, manager, analyst, build
):
    reports = {build(center, manager).pk, build(other_center, analyst).pk, build(None, analyst).pk}

    response = client_for(analyst).get("/reports/")

    assert set(reports_of(response)) == reports
    assert 'name="scope"' in response.text  # the analyst chooses the center or the federation
    assert "Federation (all centers)" in response.text


def test_reception_and_lawyers_get_403(client_for, reception, lawyer):
    for user in (reception, lawyer):
        assert client_for(user).get("/reports/").status_code == 403
        assert client_for(user).post("/reports/build/", {}).status_code == 403


# Building on demand


def test_a_manager_builds_a_report_and_it_is_done(
    client_for, center, manager, django_capture_on_commit_callbacks
):
    ApplicationFactory(center=center, received_on=LAST_MONTH.start)
    form = {"period_kind": "month", "day": LAST_MONTH.end.isoformat(), "next": "/dashboard/"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post("/reports/build/", form)

    assert response.status_code == 302
    assert response.url == "/dashboard/"
    report = Report.objects.get(center=center, period_kind="month", period_start=LAST_MONTH.start)
    assert report.state == Report.State.DONE
    assert report.requested_by == manager
    assert report.figures["totals"]["received"] == 1


def test_an_analyst_builds_the_federation_roll_up(client_for, analyst, django_capture_on_commit_callbacks):
    form = {"scope": "", "period_kind": "quarter", "day": LAST_MONTH.start.isoformat()}

    with django_capture_on_commit_callbacks(execute=True):
        client_for(analyst).post("/reports/build/", form)

    report = Report.objects.get(center=None)
    assert report.period == Period.containing(PeriodKind.QUARTER, LAST_MONTH.start)
    assert report.state == Report.State.DONE


def test_a_future_period_is_refused_with_a_message(client_for, manager):
    next_year = timezone.localdate().replace(year=timezone.localdate().year + 1)

    response = client_for(manager).post(
        "/reports/build/", {"period_kind": "year", "day": next_year}, follow=True
    )

    assert not Report.objects.exists()
    assert "The period has not started yet." in response.text


def test_an_unsafe_next_is_ignored(client_for, manager):
    form = {"period_kind": "month", "day": LAST_MONTH.start.isoformat(), "next": "https://evil.example/"}

    response = client_for(manager).post("/reports/build/", form)

    assert response.url == "/reports/"


# Progress


def test_the_row_polls_while_queued_and_stops_when_done(client_for, center, manager, build):
    report = queued(center, manager)

    waiting = client_for(manager).get(f"/reports/{report.pk}/row/")

    assert 'hx-trigger="every 2s"' in waiting.text
    assert f'hx-get="/reports/{report.pk}/row/"' in waiting.text
    assert "Queued" in waiting.text
    # when the build is done
    build(center, manager)
    done = client_for(manager).get(f"/reports/{report.pk}/row/")
    assert "hx-trigger" not in done.text
    assert "Done" in done.text
    assert f"/reports/{report.pk}/download/xlsx/" in done.text


def test_a_failed_build_shows_its_error_and_a_retry_that_rebuilds(
    client_for, center, manager, django_capture_on_commit_callbacks
):
    report = queued(center, manager)
    Report.objects.filter(pk=report.pk).update(state=Report.State.FAILED, error="OperationalError: gone")

    failed = client_for(manager).get(f"/reports/{report.pk}/row/")

    assert "hx-trigger" not in failed.text
    assert "OperationalError: gone" in failed.text
    assert "Retry" in failed.text
    # when the manager retries (htmx)
    with django_capture_on_commit_callbacks(execute=True):
        retried = client_for(manager).post(f"/reports/{report.pk}/rebuild/", HTTP_HX_REQUEST="true")
    assert retried.status_code == 200
    assert 'hx-trigger="every 2s"' in retried.text  # queued again: the row polls until the build ends
    report.refresh_from_db()
    assert report.state == Report.State.DONE
    assert report.error == ""


def test_the_dashboard_lists_the_centers_reports_with_the_build_form(client_for, center, manager):
    report = queued(center, manager)

    response = client_for(manager).get("/dashboard/")

    assert f'id="report-{report.pk}"' in response.text
    assert 'hx-trigger="every 2s"' in response.text
    assert 'action="/reports/build/"' in response.text


# Downloads


@pytest.mark.parametrize(
    ("file_format", "content_type", "extension"),
    [("csv", "text/csv", "csv"), ("xlsx", XLSX_TYPE, "xlsx"), ("html", "text/html", "html")],
)
def test_downloads_have_the_right_content_type(
    client_for, center, manager, build, file_format, content_type, extension
):
    report = build(center, manager)

    response = client_for(manager).get(f"/reports/{report.pk}/download/{file_format}/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="report-{center.iso_code}-{report.period}.{extension}"'
    )


def test_the_print_page_shows_the_report_in_the_browser(client_for, center, manager, build):
    report = build(center, manager)

    response = client_for(manager).get(f"/reports/{report.pk}/print/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert "<svg" in response.text


def test_a_report_not_built_has_nothing_to_download(client_for, center, manager):
    report = queued(center, manager)

    assert client_for(manager).get(f"/reports/{report.pk}/download/xlsx/").status_code == 404
    assert client_for(manager).get(f"/reports/{report.pk}/download/pdf/").status_code == 404
