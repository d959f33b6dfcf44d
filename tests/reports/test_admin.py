"""The reports admin: scoped list, read-only rows, the Rebuild action and the downloads."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from organizations.models import Role
from reports.models import Report
from reports.periods import PeriodKind
from reports.services import report_build, report_request
from tests.factories import StaffFactory

MARCH = {"period_kind": PeriodKind.MONTH, "period_start": date(2021, 3, 1)}
CHANGELIST = "admin:reports_report_changelist"


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr("reports.tasks.build_report.apply_async", lambda args, task_id: calls.append(args[0]))
    return calls


@pytest.fixture
def reports(center, other_center, sent):
    """Built March reports of two centers and of the federation."""
    analyst = StaffFactory(role=Role.ANALYST, center=None)
    return {
        scope: report_build(report_id=report_request(center=scope, by=analyst, **MARCH).pk)
        for scope in (center, other_center, None)
    }


@pytest.fixture
def login(client):
    def login_as(user):
        # The role groups come from organizations.roles; here only the admin screen is opened.
        user.user_permissions.add(Permission.objects.get(codename="view_report"))
        client.force_login(user)
        return client

    return login_as


@pytest.mark.django_db
def test_managers_list_only_their_centers_reports(login, manager, reports, center):
    response = login(manager).get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert [report.center_id for report in response.context["cl"].result_list] == [center.pk]


@pytest.mark.django_db
def test_analysts_list_every_report_and_filter_by_state(login, reports):
    client = login(StaffFactory(role=Role.ANALYST, center=None))

    assert client.get(reverse(CHANGELIST)).context["cl"].result_count == 3
    assert client.get(reverse(CHANGELIST), {"state__exact": "failed"}).context["cl"].result_count == 0


@pytest.mark.django_db
def test_the_figures_are_shown_read_only(login, manager, reports, center):
    report = reports[center]

    response = login(manager).get(reverse("admin:reports_report_change", args=[report.pk]))

    assert response.status_code == 200
    assert b"<pre" in response.content
    assert b'name="state"' not in response.content  # no editable field
    assert login(manager).get(reverse("admin:reports_report_add")).status_code == 403


@pytest.mark.django_db
def test_the_rebuild_action_queues_the_reports_again(
    login, manager, reports, center, sent, django_capture_on_commit_callbacks
):
    report = reports[center]
    sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = login(manager).post(
            reverse(CHANGELIST), {"action": "rebuild", "_selected_action": [report.pk]}, follow=True
        )

    assert response.status_code == 200
    assert "1 report queued for rebuilding." in [str(message) for message in response.context["messages"]]
    assert sent == [report.pk]
    report.refresh_from_db()
    assert (report.state, report.requested_by) == (Report.State.QUEUED, manager)
    assert Report.objects.count() == 3


@pytest.mark.django_db
def test_downloads_of_own_reports_only(login, manager, reports, center, other_center):
    client = login(manager)

    def download(report, kind):
        return client.get(reverse("admin:reports_report_export", args=[report.pk, kind]))

    response = download(reports[center], "xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert download(reports[center], "html").status_code == 200
    assert download(reports[center], "pdf").status_code == 404
    # another center's report and the federation's are as if they did not exist
    assert download(reports[other_center], "csv").status_code == 404
    assert download(reports[None], "csv").status_code == 404
