"""Statistical returns and the annual report in the Django admin: the same services, rules and audit
trail as everywhere else; approved returns are read-only; the federation approves from the list."""

import pytest
from auditlog.models import LogEntry

from organizations.models import Role
from reports.statistics import services
from reports.statistics.models import StatisticalReport, StatisticalReturn
from tests.factories import StaffFactory
from tests.reports.statistics.support import FIGURES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference")]

CHANGELIST = "/admin/reports/statisticalreturn/"



def login(client, user):
    client.force_login(user)
    return client


def test_a_manager_adds_the_centers_return_through_the_service(client, manager, center):
    response = login(client, manager).post(f"{CHANGELIST}add/", {"year": 2021, **FIGURES})

    assert response.status_code == 302, response.context["adminform"].form.errors
    statistical_return = StatisticalReturn.objects.get()
    assert (statistical_return.center, statistical_return.state) == (center, StatisticalReturn.State.DRAFT)
    assert LogEntry.objects.get_for_object(statistical_return).get().actor == manager


def test_an_inconsistent_figure_is_shown_next_to_its_field(client, manager):
    response = login(client, manager).post(
        f"{CHANGELIST}add/", {"year": 2021, **FIGURES, "agreements_concluded": 17_088}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "cannot exceed those in force (17087)" in str(errors["agreements_concluded"])
    assert not StatisticalReturn.objects.exists()


def test_the_list_filters_by_year_center_and_state(client, analyst, submitted):
    response = login(client, analyst).get(CHANGELIST, {"year": 2021, "state": "submitted"})

    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [submitted]
    filters = {spec.title for spec in response.context["cl"].filter_specs}
    assert {"year", "state", "territorial center"} <= {str(title) for title in filters}


def test_an_analyst_approves_from_the_list(client, analyst, submitted):
    response = login(client, analyst).post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [submitted.pk], "index": 0}
    )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.approved_by) == (StatisticalReturn.State.APPROVED, analyst)


def test_a_manager_is_not_offered_the_approve_action(client, manager, submitted):
    response = login(client, manager).get(CHANGELIST)

    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "approve_selected" not in actions
    assert "submit_selected" in actions


def test_an_approved_return_is_read_only_even_for_the_federation_administrator(client, submitted, analyst):
    services.statistical_return_approve(statistical_return=submitted, by=analyst)
    administrator = StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True)
    url = f"{CHANGELIST}{submitted.pk}/change/"

    page = login(client, administrator).get(url)
    posted = client.post(url, {**FIGURES, "workplace_accidents": 1})

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert posted.status_code == 403
    submitted.refresh_from_db()
    assert submitted.workplace_accidents == 26


def test_the_federation_returns_a_submitted_return_to_draft_with_a_reason(client, analyst, submitted):
    url = f"{CHANGELIST}{submitted.pk}/action/return/"

    page = login(client, analyst).get(url)
    response = client.post(url, {"reason": "Check the accidents."})

    assert page.status_code == 200
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_reason) == (
        StatisticalReturn.State.DRAFT,
        "Check the accidents.",
    )


def test_the_analyst_builds_the_annual_report_and_downloads_it(
    client, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, analyst).post("/admin/reports/statisticalreport/add/", {"year": 2021})

    assert response.status_code == 302
    report = StatisticalReport.objects.get()
    assert report.state == StatisticalReport.State.DONE, report.error
    for kind in ("csv", "xlsx", "html"):
        download = client.get(f"/admin/reports/statisticalreport/{report.pk}/export/{kind}/")
        assert download.status_code == 200, kind
        assert f"statistics-federation-2021.{kind}" in download["Content-Disposition"]


def test_a_manager_cannot_reach_the_annual_report(client, manager):
    report = StatisticalReport.objects.create(year=2021)

    assert login(client, manager).get("/admin/reports/statisticalreport/").status_code == 403
    assert client.get(f"/admin/reports/statisticalreport/{report.pk}/export/csv/").status_code in (
        403,
        404,
    )


def test_a_drafts_page_offers_the_manager_to_submit_it(client, manager):
    draft = services.statistical_return_save(by=manager, year=2021, **FIGURES)

    page = login(client, manager).get(f"{CHANGELIST}{draft.pk}/change/")
    submitted = client.post(f"{CHANGELIST}{draft.pk}/action/submit/")

    assert page.status_code == 200
    assert f"{CHANGELIST}{draft.pk}/action/submit/" in page.text
    assert "/action/approve/" not in page.text
    assert "31.1" in page.text  # the derived share of the employed
    assert submitted.status_code == 302
    draft.refresh_from_db()
    assert draft.state == StatisticalReturn.State.SUBMITTED
