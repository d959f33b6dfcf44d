"""The federation's annual statistical report: totals and year-over-year change by aggregate queries,
which returns count (approved, submitted flagged), where each federation figure comes from, the build
(idempotent, one snapshot per year), the exports, and the task delivered to a real worker."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from organizations.models import Role
from reports.statistics import services
from reports.statistics.exports import (
    statistical_report_csv,
    statistical_report_html,
    statistical_report_xlsx,
)
from reports.statistics.models import StatisticalReport, StatisticalReturn
from reports.statistics.queries import report_figures, year_totals
from tests.celery_worker import WAIT_SECONDS, wait_until
from tests.factories import BranchUnionFactory, CenterFactory, StaffFactory

BASE = {
    "members": 50_000,
    "employed": 200_000,
    "primary_organizations": 400,
    "new_primary_organizations": 20,
    "new_organization_members": 1_500,
    "large_enterprises": 50,
    "medium_enterprises": 250,
    "small_enterprises": 9_700,
    "collective_agreements": 6_000,
    "agreements_concluded": 2_000,
    "employees_covered": 120_000,
    "members_covered": 40_000,
    "labor_protection_councils": 300,
    "technical_inspectors": 380,
    "workplace_accidents": 10,
    "vision_zero_enterprises": 20,
}


def federation_admin():
    return StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True)


def make_return(*, year: int, state: str = "approved", center=None, branch_union=None, **changes):
    """A return entered, submitted and approved through the services, as far as `state`."""
    by = StaffFactory(role=Role.MANAGER, center=center) if center is not None else federation_admin()
    statistical_return = services.statistical_return_save(
        by=by, center=center, branch_union=branch_union, year=year, **(BASE | changes)
    )
    if state in ("submitted", "approved"):
        statistical_return = services.statistical_return_submit(statistical_return=statistical_return, by=by)
    if state == "approved":
        analyst = StaffFactory(role=Role.ANALYST, center=None)
        statistical_return = services.statistical_return_approve(
            statistical_return=statistical_return, by=analyst
        )
    return statistical_return


@pytest.fixture
def two_years(db):
    """Two centers and a branch union with 2020 and 2021 returns; membership 1,730,000 -> 1,719,618."""
    north, south = CenterFactory(code="NTH", iso_code="KZ-91"), CenterFactory(code="STH", iso_code="KZ-92")
    union = BranchUnionFactory(code="education")
    make_return(center=north, year=2020, members=1_000_000, employed=3_000_000)
    make_return(center=south, year=2020, members=730_000, employed=2_500_000)
    make_return(center=north, year=2021, members=995_000, employed=3_000_000, new_primary_organizations=30)
    make_return(center=south, year=2021, members=724_618, employed=2_500_000, new_organization_members=2_000)
    make_return(branch_union=union, year=2020, collective_agreements=5_000)
    make_return(branch_union=union, year=2021, collective_agreements=4_100, agreements_concluded=1_900)
    return north, south, union


# Totals and the change, by the database


@pytest.mark.django_db
def test_the_totals_of_both_years_are_one_aggregate_query(two_years, django_assert_num_queries):
    with django_assert_num_queries(1):
        totals = year_totals(year=2021)

    centers = totals["centers"]
    assert centers["current"]["members"] == 1_719_618
    assert centers["previous"]["members"] == 1_730_000
    assert centers["current"]["new_primary_organizations"] == 50
    assert centers["current"]["new_organization_members"] == 3_500
    assert (centers["current"]["returns"], centers["current"]["submitted"]) == (2, 0)
    assert totals["branch_unions"]["current"]["collective_agreements"] == 4_100


@pytest.mark.django_db
def test_the_report_figures_take_three_queries_whatever_the_number_of_returns(
    two_years, django_assert_num_queries
):
    with django_assert_num_queries(3):
        report_figures(year=2021, as_of=timezone.now())
    make_return(center=CenterFactory(), year=2021)
    make_return(branch_union=BranchUnionFactory(code="health"), year=2021)

    with django_assert_num_queries(3):
        report_figures(year=2021, as_of=timezone.now())


@pytest.mark.django_db
def test_membership_down_10382_is_0_6_percent(two_years):
    figures = report_figures(year=2021, as_of=timezone.now())

    change = figures["federation_changes"]["members"]
    assert (change["earlier"], change["absolute"], change["percent"]) == (1_730_000, -10_382, "-0.6")
    assert figures["federation"]["members"] == 1_719_618


@pytest.mark.django_db
def test_agreement_figures_come_from_the_branch_unions_and_membership_from_the_centers(two_years):
    figures = report_figures(year=2021, as_of=timezone.now())

    federation, totals = figures["federation"], figures["totals"]
    # The centers count 12,000 agreements in their territories, the branch unions 4,100 of their own.
    assert totals["centers"]["collective_agreements"] == 12_000
    assert federation["collective_agreements"] == 4_100
    assert federation["agreements_concluded"] == 1_900
    assert federation["employees_covered"] == totals["branch_unions"]["employees_covered"] == 120_000
    assert federation["new_primary_organizations"] == totals["centers"]["new_primary_organizations"] == 50
    assert figures["sources"]["collective_agreements"] == "branch_unions"
    assert figures["sources"]["members"] == "centers"


@pytest.mark.django_db
def test_the_shares_are_derived_from_the_sums(two_years):
    figures = report_figures(year=2021, as_of=timezone.now())

    centers = figures["totals"]["centers"]
    assert centers["total_enterprises"] == 20_000
    assert centers["agreement_coverage"] == "60.0"  # 12,000 of 20,000 enterprises
    assert centers["member_share"] == "31.3"  # 1,719,618 of 5,500,000 employed
    assert figures["federation"]["covered_member_share"] == "33.3"  # 40,000 of 120,000 covered
    assert figures["federation_changes"]["member_share"]["absolute"] == "-0.2"  # points
    assert figures["federation_changes"]["member_share"]["percent"] is None


@pytest.mark.django_db
def test_submitted_returns_count_but_are_flagged_drafts_and_missing_ones_do_not(two_years):
    north, south, _union = two_years
    east, west = CenterFactory(code="EST", iso_code="KZ-93"), CenterFactory(code="WST", iso_code="KZ-94")
    CenterFactory(code="FAR", iso_code="KZ-95")
    make_return(center=east, year=2021, state="submitted", members=55_000)
    make_return(center=west, year=2021, state="draft", members=57_000)

    figures = report_figures(year=2021, as_of=timezone.now())

    assert figures["federation"]["members"] == 1_719_618 + 55_000
    assert figures["returns"]["centers"] == {
        "expected": 5,
        "approved": 2,
        "submitted": 1,
        "missing": ["WST", "FAR"],
    }
    assert figures["provisional"] is True
    rows = {row["code"]: row for row in figures["by_center"]}
    assert (rows["EST"]["state"], rows["EST"]["counted"]) == ("submitted", True)
    assert (rows["WST"]["state"], rows["WST"]["counted"], rows["WST"]["figures"]) == ("draft", False, None)
    assert rows["FAR"]["state"] is None
    assert rows["NTH"]["members_change"] == {"earlier": 1_000_000, "absolute": -5_000, "percent": "-0.5"}


# The build


@pytest.mark.django_db
def test_a_federation_analyst_requests_the_report_and_it_is_built_once(
    two_years, django_capture_on_commit_callbacks
):
    analyst = StaffFactory(role=Role.ANALYST, center=None)

    # when (tasks run in-process in the unit tests; the worker test below uses Redis)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.statistical_report_request(year=2021, by=analyst)

    # then
    report.refresh_from_db()
    assert report.state == StatisticalReport.State.DONE, report.error
    assert report.figures["federation"]["members"] == 1_719_618
    assert report.attempts == 1
    # a redelivered task finds it built and does nothing
    services.statistical_report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.attempts == 1


@pytest.mark.django_db
def test_a_rebuild_replaces_the_one_snapshot_of_the_year(two_years, django_capture_on_commit_callbacks):
    analyst = StaffFactory(role=Role.ANALYST, center=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.statistical_report_request(year=2021, by=analyst)
    make_return(center=CenterFactory(), year=2021, members=51_000)

    with django_capture_on_commit_callbacks(execute=True):
        services.statistical_report_request(year=2021, by=analyst)

    report = StatisticalReport.objects.get()
    assert report.figures["federation"]["members"] == 1_770_618


@pytest.mark.django_db
def test_only_the_federation_requests_the_annual_report(manager):
    with pytest.raises(PermissionDenied):
        services.statistical_report_request(year=2021, by=manager)
    with pytest.raises(ValidationError):
        services.statistical_report_request(year=2999, by=StaffFactory(role=Role.ANALYST, center=None))
    assert not StatisticalReport.objects.exists()


@pytest.mark.django_db
def test_the_report_is_read_by_the_federation_only(manager, analyst):
    StatisticalReport.objects.create(year=2021)

    assert not StatisticalReport.objects.visible_to(manager).exists()
    assert StatisticalReport.objects.visible_to(analyst).count() == 1


# The exports


@pytest.fixture
def built_report(two_years, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.statistical_report_request(year=2021, by=federation_admin())
    report.refresh_from_db()
    return report


@pytest.mark.django_db
def test_the_csv_has_every_figure_as_a_row(built_report):
    exported = statistical_report_csv(built_report)

    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert exported.filename == "statistics-federation-2021.csv"
    agreements = ["Collective agreements in force", "4100", "federation.collective_agreements"]
    assert ["Federation", "branch_unions", "branch unions' returns", *agreements] in rows
    centers = ["Federation", "centers", "territorial centers' returns"]
    assert [*centers, "Union members: Change", "-10382", "federation.members.absolute"] in rows
    assert [*centers, "Union members: Change, %", "-0.6", "federation.members.percent"] in rows
    north = ["Territorial centers", "NTH"], ["Union members", "995000", "by_center.members"]
    assert any((row[:2], row[3:]) == north for row in rows)


@pytest.mark.django_db
def test_the_workbook_has_the_federation_centers_and_branch_unions(built_report):
    exported = statistical_report_xlsx(built_report)

    workbook = load_workbook(io.BytesIO(exported.content))
    assert workbook.sheetnames == ["Federation", "Centers", "Branch unions"]
    centers = workbook["Centers"]
    assert [centers.cell(row=row, column=1).value for row in (2, 3)] == ["NTH", "STH"]
    assert centers.cell(row=2, column=4).value == 995_000
    assert len(centers._charts) == 1
    summary_values = [cell.value for row in workbook["Federation"].iter_rows() for cell in row]
    assert any(isinstance(value, str) and "down 10,382, or 0.6%" in value for value in summary_values)


@pytest.mark.django_db
def test_the_printable_page_has_the_headline_and_svg_charts(built_report):
    exported = statistical_report_html(built_report)

    html = exported.content.decode()
    assert exported.content_type.startswith("text/html")
    assert "Membership: 1,719,618 (31.3% of the employed), down 10,382, or 0.6%, against 2020." in html
    assert "4,100 collective agreements, 1,900 of them concluded in 2021" in html
    assert html.count("<svg") == 2
    assert "<script" not in html


@pytest.mark.django_db
def test_an_unbuilt_report_has_nothing_to_export():
    report = StatisticalReport.objects.create(year=2021)

    with pytest.raises(ValueError, match="no built figures"):
        statistical_report_csv(report)


# Through Redis


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_annual_report_is_built_by_a_worker_through_redis(redis_worker):
    # given
    center = CenterFactory()
    make_return(center=center, year=2020, members=60_000)
    make_return(center=center, year=2021, members=59_640)
    make_return(branch_union=BranchUnionFactory(), year=2021)

    # when: the request commits, its on_commit sends the build
    report = services.statistical_report_request(year=2021, by=federation_admin())

    # then a worker on the reports queue builds it
    def finished() -> bool:
        report.refresh_from_db()
        return report.state in (StatisticalReport.State.DONE, StatisticalReport.State.FAILED)

    assert wait_until(finished), f"still {report.state} after {WAIT_SECONDS} s"
    assert report.state == StatisticalReport.State.DONE, report.error
    assert report.figures["federation"]["members"] == 59_640
    assert report.figures["federation_changes"]["members"] == {
        "earlier": 60_000,
        "absolute": -360,
        "percent": "-0.6",
    }
    assert report.attempts == 1
    assert ("reports.tasks.build_statistical_report", "reports") in redis_worker.deliveries
    assert StatisticalReturn.objects.count() == 3
