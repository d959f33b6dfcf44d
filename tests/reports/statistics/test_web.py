"""The statistics' web pages (/statistics/): a center's manager enters a return (the shares derived,
never typed) and submits it, the federation approves it or returns it with a reason, an approved
return is locked, another center's return is a 404; the annual report is built on demand with its
progress, shows DOMAIN.md's 2021 figures from the demo returns, and downloads as CSV, XLSX and a
printable page."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from organizations.models import Role
from reports.exports import XLSX_TYPE
from reports.statistics import services
from reports.statistics.models import RETURN_FIGURES, StatisticalReport, StatisticalReturn
from tests.factories import BranchUnionFactory, CenterFactory, StaffFactory
from tests.reports.statistics.support import FIGURES, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for():
    def sign_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in


def page(statistical_return: StatisticalReturn, action: str = "") -> str:
    return f"/statistics/returns/{statistical_return.pk}/" + (f"{action}/" if action else "")


def version(statistical_return: StatisticalReturn) -> int:
    return StatisticalReturn.objects.get(pk=statistical_return.pk).version


def derived(html: str, figure: str) -> str:
    match = re.search(rf'data-figure="{figure}">([^<]*)<', html)
    assert match, figure
    return match.group(1)


# Entering and submitting


def test_a_manager_enters_a_return_and_sees_the_derived_shares(client_for, manager, center):
    client = client_for(manager)

    form = client.get("/statistics/returns/new/?year=2021")
    response = client.post("/statistics/returns/new/", {"year": YEAR, **FIGURES})

    assert form.status_code == 200
    assert 'name="member_share"' not in form.text  # derived, never typed
    assert 'name="center"' not in form.text  # a manager enters the own center's return
    statistical_return = StatisticalReturn.objects.get()
    assert response.status_code == 302
    assert response.url == page(statistical_return)
    assert (statistical_return.center, statistical_return.state) == (center, StatisticalReturn.State.DRAFT)
    shown = client.get(response.url)
    assert derived(shown.text, "member_share") == "31.1"
    assert derived(shown.text, "agreement_coverage") == "68.0"
    assert derived(shown.text, "total_enterprises") == "25,129"
    assert f'action="{page(statistical_return, "submit")}"' in shown.text
    assert "/approve/" not in shown.text


def test_the_derived_shares_follow_the_figures_as_they_are_typed(client_for, manager):
    response = client_for(manager).get(
        "/statistics/returns/derived/", {"members": "50", "employed": "200", "small_enterprises": "x"}
    )

    assert response.status_code == 200
    assert derived(response.text, "member_share") == "25.0"
    assert derived(response.text, "agreement_coverage") == "—"  # no enterprises: nothing to divide by


def test_the_manager_corrects_the_draft_and_submits_it(client_for, draft, manager):
    client = client_for(manager)
    figures = {**FIGURES, "workplace_accidents": 27}

    saved = client.post(page(draft), {**figures, "version": draft.version})
    submitted = client.post(page(draft, "submit"), {"version": version(draft)})

    assert saved.status_code == 302
    assert submitted.status_code == 302
    draft.refresh_from_db()
    assert (draft.workplace_accidents, draft.state) == (27, StatisticalReturn.State.SUBMITTED)
    assert draft.submitted_by == manager
    # submitted: no longer a form, and nothing more for the manager to do
    shown = client.get(page(draft))
    assert 'name="members"' not in shown.text
    assert "the federation checks it" in shown.text


def test_inconsistent_figures_are_shown_next_to_their_fields(client_for, draft, manager):
    response = client_for(manager).post(
        page(draft), {**FIGURES, "new_primary_organizations": 1_000, "version": draft.version}
    )

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "cannot exceed all of them (932)" in errors["new_primary_organizations"][0]
    draft.refresh_from_db()
    assert draft.new_primary_organizations == 82


def test_an_incomplete_draft_is_not_submitted(client_for, manager):
    statistical_return = services.statistical_return_save(by=manager, year=YEAR, workplace_accidents=3)

    response = client_for(manager).post(page(statistical_return, "submit"), {"version": 1})

    assert response.status_code == 422
    assert "Fill this in before submitting the return." in response.text
    statistical_return.refresh_from_db()
    assert statistical_return.state == StatisticalReturn.State.DRAFT


def test_a_stale_page_does_not_overwrite_a_newer_change(client_for, draft, manager):
    services.statistical_return_save(by=manager, year=YEAR, workplace_accidents=30)

    response = client_for(manager).post(page(draft), {**FIGURES, "version": draft.version})

    assert response.status_code == 422
    assert "Someone else changed this record" in response.text
    draft.refresh_from_db()
    assert draft.workplace_accidents == 30


def test_a_second_return_for_the_same_year_is_refused_on_the_year(client_for, draft, manager):
    response = client_for(manager).post("/statistics/returns/new/", {"year": YEAR, **FIGURES})

    assert response.status_code == 422
    assert "already has a return for 2021" in response.context["form"].errors["year"][0]
    assert StatisticalReturn.objects.count() == 1


# The federation's check


def test_the_federation_approves_a_submitted_return_and_it_is_locked(client_for, submitted, analyst, manager):
    checking = client_for(analyst).get(page(submitted))
    approved = client_for(analyst).post(page(submitted, "approve"), {"version": submitted.version})

    assert f'action="{page(submitted, "approve")}"' in checking.text
    assert f'action="{page(submitted, "return")}"' in checking.text
    assert approved.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.approved_by) == (StatisticalReturn.State.APPROVED, analyst)
    # locked: the manager's edit is refused and nothing changes
    shown = client_for(manager).get(page(submitted))
    assert "the return is locked" in shown.text
    assert 'name="members"' not in shown.text
    refused = client_for(manager).post(
        page(submitted), {**FIGURES, "members": 1, "version": submitted.version}
    )
    assert refused.status_code == 422
    assert "is locked: nobody can change it any more" in refused.text
    submitted.refresh_from_db()
    assert submitted.members == FIGURES["members"]


def test_the_federation_returns_it_to_draft_with_a_reason_the_manager_reads(
    client_for, submitted, analyst, manager
):
    client = client_for(analyst)

    without = client.post(page(submitted, "return"), {"version": submitted.version, "reason": ""})
    returned = client.post(
        page(submitted, "return"), {"version": submitted.version, "reason": "Check accidents."}
    )

    assert without.status_code == 422
    assert returned.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_reason) == (StatisticalReturn.State.DRAFT, "Check accidents.")
    shown = client_for(manager).get(page(submitted))
    assert "Returned by the federation for corrections" in shown.text
    assert "Check accidents." in shown.text
    assert 'name="members"' in shown.text  # a draft again: the manager corrects it


def test_a_manager_may_not_approve(client_for, submitted, manager):
    response = client_for(manager).post(page(submitted, "approve"), {"version": submitted.version})

    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == StatisticalReturn.State.SUBMITTED


def test_an_action_the_state_does_not_allow_is_not_run(client_for, draft, analyst):
    response = client_for(analyst).post(page(draft, "approve"), {"version": draft.version})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == StatisticalReturn.State.DRAFT


# Who sees what


def test_another_centers_return_is_a_404(client_for, draft, other_center):
    for role in (Role.MANAGER, Role.ADMINISTRATOR):
        client = client_for(StaffFactory(role=role, center=other_center))

        assert client.get(page(draft)).status_code == 404
        assert client.post(page(draft), {**FIGURES, "version": 1}).status_code == 404
        for action in ("submit", "approve", "return"):
            assert client.post(page(draft, action), {"version": 1, "reason": "x"}).status_code == 404
        assert client.get("/statistics/").context["page"].paginator.count == 0
    draft.refresh_from_db()
    assert (draft.state, draft.version) == (StatisticalReturn.State.DRAFT, 1)


def test_lawyers_and_reception_get_403(client_for, draft, lawyer, reception):
    for user in (lawyer, reception):
        client = client_for(user)
        assert client.get("/statistics/").status_code == 403
        assert client.get("/statistics/returns/new/").status_code == 403
        assert client.get(page(draft)).status_code == 404
        assert client.get("/statistics/reports/").status_code == 403


def test_an_analyst_reads_and_checks_but_does_not_enter(client_for, analyst, draft):
    client = client_for(analyst)

    assert client.get("/statistics/returns/new/").status_code == 403
    assert 'name="members"' not in client.get(page(draft)).text
    assert client.post(page(draft), {**FIGURES, "version": draft.version}).status_code == 403


def test_the_federation_administrator_enters_a_branch_unions_return(client_for, federation_admin):
    union = BranchUnionFactory()

    response = client_for(federation_admin).post(
        "/statistics/returns/new/", {"year": YEAR, "branch_union": union.pk, **FIGURES}
    )

    assert response.status_code == 302
    assert StatisticalReturn.objects.get().branch_union == union


def test_the_nav_shows_statistics_to_the_roles_that_use_it(client_for, manager, analyst, lawyer):
    assert 'href="/statistics/"' in client_for(manager).get("/statistics/").text
    assert 'href="/statistics/reports/"' not in client_for(manager).get("/statistics/").text
    analysts = client_for(analyst).get("/statistics/").text
    assert 'href="/statistics/"' in analysts
    assert 'href="/statistics/reports/"' in analysts
    assert 'href="/statistics/"' not in client_for(lawyer).get("/cases/").text


# The list


def _approved_returns(count: int, analyst, year: int = YEAR) -> None:
    for _ in range(count):
        manager = StaffFactory(role=Role.MANAGER, center=CenterFactory())
        draft = services.statistical_return_save(by=manager, year=year, **FIGURES)
        draft = services.statistical_return_submit(statistical_return=draft, by=manager)
        services.statistical_return_approve(statistical_return=draft, by=analyst)


def test_the_list_filters_by_year_and_state(client_for, analyst, draft):
    _approved_returns(2, analyst, year=2020)
    client = client_for(analyst)

    def shown(**params) -> int:
        return client.get("/statistics/", params).context["page"].paginator.count

    assert shown() == 3
    assert shown(year=2020) == 2
    assert shown(year=YEAR, state="draft") == 1
    assert shown(state="approved") == 2
    assert client.get("/statistics/", {"year": "soon"}).status_code == 200


def test_the_list_costs_the_same_for_1_return_and_for_15(client_for, analyst):
    _approved_returns(1, analyst)
    client = client_for(analyst)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/statistics/").status_code == 200
        return len(context.captured_queries)

    one = queries()
    _approved_returns(14, analyst)

    assert queries() == one


# The annual report


@pytest.fixture
def built_2021(client_for, demo, analyst, django_capture_on_commit_callbacks) -> StatisticalReport:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(analyst).post("/statistics/reports/build/", {"year": 2021})
    assert response.status_code == 302
    report = StatisticalReport.objects.get(year=2021)
    assert report.state == StatisticalReport.State.DONE, report.error
    return report


def test_the_2021_report_page_shows_the_published_figures(client_for, analyst, built_2021):
    response = client_for(analyst).get(f"/statistics/reports/{built_2021.pk}/")

    assert response.status_code == 200
    text = response.text
    assert "down 10,382, or 0.6%, against 2020" in text  # the headline
    assert "676 new primary organizations with 56,664 members." in text
    assert (
        "16,112 collective agreements, 6,466 of them concluded in 2021, covering 1,461,827 employees of "
        "whom 1,363,237 union members."
    ) in text

    def row(attribute: str, key: str) -> str:
        match = re.search(rf'<tr {attribute}="{key}"[^>]*>(.*?)</tr>', text, re.S)
        assert match, key
        return match.group(1)

    assert "down 10,382, or 0.6%" in row("data-figure", "members")
    assert ">16,112<" in row("data-figure", "collective_agreements")
    almaty = row("data-center", "ALR")
    for figure in (
        ">932<",
        ">82<",
        ">7,394<",
        ">25,129<",
        ">17,087<",
        ">68.0<",
        ">31.1<",
        ">610<",
        ">26<",
        ">52<",
    ):
        assert figure in almaty, figure


def test_a_build_shows_its_progress_until_done(client_for, analyst):
    client = client_for(analyst)

    client.post("/statistics/reports/build/", {"year": 2021})  # on_commit never runs here: stays queued
    report = StatisticalReport.objects.get(year=2021)
    listed = client.get("/statistics/reports/")
    waiting = client.get(f"/statistics/reports/{report.pk}/row/")
    page_while_queued = client.get(f"/statistics/reports/{report.pk}/")

    assert f'id="statistical-report-{report.pk}"' in listed.text
    assert 'hx-trigger="every 2s"' in waiting.text
    assert "Queued" in waiting.text
    assert "not built yet" in page_while_queued.text
    assert client.get(f"/statistics/reports/{report.pk}/download/csv/").status_code == 404
    # when the build is done
    services.statistical_report_build(report_id=report.pk)
    done = client.get(f"/statistics/reports/{report.pk}/row/")
    assert "hx-trigger" not in done.text
    assert f"/statistics/reports/{report.pk}/download/xlsx/" in done.text
    # the report's own page, which waited for the build, reloads to show the figures
    polled = client.get(
        f"/statistics/reports/{report.pk}/row/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver/statistics/reports/{report.pk}/",
    )
    assert polled["HX-Refresh"] == "true"
    assert "HX-Refresh" not in done


def test_a_failed_build_offers_a_retry_that_queues_it_again(client_for, analyst):
    report = services.statistical_report_request(year=2021, by=analyst)
    StatisticalReport.objects.filter(pk=report.pk).update(state="failed", error="OperationalError: gone")
    client = client_for(analyst)

    failed = client.get(f"/statistics/reports/{report.pk}/row/")
    retried = client.post("/statistics/reports/build/", {"year": 2021}, HTTP_HX_REQUEST="true")

    assert "OperationalError: gone" in failed.text
    assert "Retry" in failed.text
    assert 'hx-trigger="every 2s"' in retried.text
    report.refresh_from_db()
    assert (report.state, report.error) == (StatisticalReport.State.QUEUED, "")


def test_a_year_to_come_is_refused_with_a_message(client_for, analyst):
    response = client_for(analyst).post("/statistics/reports/build/", {"year": 2999}, follow=True)

    assert "The report was not requested" in response.text
    assert not StatisticalReport.objects.exists()


@pytest.mark.parametrize(
    ("file_format", "content_type"), [("csv", "text/csv"), ("xlsx", XLSX_TYPE), ("html", "text/html")]
)
def test_the_downloads(client_for, analyst, built_2021, file_format, content_type):
    response = client_for(analyst).get(f"/statistics/reports/{built_2021.pk}/download/{file_format}/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert (
        response["Content-Disposition"] == f'attachment; filename="statistics-federation-2021.{file_format}"'
    )


def test_the_print_page(client_for, analyst, built_2021):
    response = client_for(analyst).get(f"/statistics/reports/{built_2021.pk}/print/")

    assert response.status_code == 200
    assert "<svg" in response.text
    assert "Content-Disposition" not in response


def test_the_annual_report_is_the_federations_only(client_for, manager, center):
    report = StatisticalReport.objects.create(year=2021)
    center_admin = StaffFactory(role=Role.ADMINISTRATOR, center=center)

    for user in (manager, center_admin):
        client = client_for(user)
        assert client.get("/statistics/reports/").status_code == 403
        assert client.post("/statistics/reports/build/", {"year": 2021}).status_code == 403
        for path in ("", "row/", "print/", "download/csv/"):
            assert client.get(f"/statistics/reports/{report.pk}/{path}").status_code == 404, path


def test_every_figure_of_the_form_is_a_field_of_the_return():
    # The form's sections list every counted figure once: none can be left out of the page.
    from reports.statistics.forms import FIGURE_GROUPS

    assert sorted(name for _title, names in FIGURE_GROUPS for name in names) == sorted(RETURN_FIGURES)
