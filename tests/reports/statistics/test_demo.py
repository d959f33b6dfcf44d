"""The demo statistics reproduce DOMAIN.md: Almaty Region's 2021 return, and the federation's 2021
figures in the annual report built from every center's and branch union's returns."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from organizations.models import BranchUnion, TerritorialCenter
from reports.statistics import rules
from reports.statistics.exports import headline
from reports.statistics.models import RETURN_FIGURES, StatisticalReturn
from reports.statistics.queries import report_figures
from seeds.organizations import demo_statistics_create

pytestmark = pytest.mark.django_db


def test_almaty_region_2021_has_the_published_figures(demo):
    almaty = StatisticalReturn.objects.get(center__code="ALR", year=2021)

    assert almaty.state == StatisticalReturn.State.APPROVED
    assert almaty.primary_organizations == 932
    assert almaty.members > 100_000
    assert almaty.member_share == Decimal("31.1")
    assert (almaty.new_primary_organizations, almaty.new_organization_members) == (82, 7_394)
    assert (almaty.large_enterprises, almaty.medium_enterprises, almaty.small_enterprises) == (
        125,
        535,
        24_469,
    )
    assert almaty.total_enterprises == 25_129
    assert almaty.collective_agreements == 17_087
    assert almaty.agreement_coverage == Decimal("68.0")
    assert almaty.labor_protection_councils == 610
    assert almaty.technical_inspectors == 932
    assert almaty.workplace_accidents == 26
    assert almaty.vision_zero_enterprises == 52


def test_the_federation_2021_report_has_the_published_figures(demo):
    figures = report_figures(year=2021, as_of=timezone.now())

    federation = figures["federation"]
    assert federation["new_primary_organizations"] == 676
    assert federation["new_organization_members"] == 56_664
    assert federation["collective_agreements"] == 16_112
    assert federation["agreements_concluded"] == 6_466
    assert federation["employees_covered"] == 1_461_827
    assert federation["members_covered"] == 1_363_237
    members = figures["federation_changes"]["members"]
    assert (members["absolute"], members["percent"]) == (-10_382, "-0.6")
    # Every center's and branch union's 2021 return is approved: nothing provisional.
    assert figures["returns"]["centers"] == {"expected": 20, "approved": 20, "submitted": 0, "missing": []}
    assert figures["returns"]["branch_unions"]["approved"] == BranchUnion.objects.count()
    assert figures["provisional"] is False
    # Almaty alone counts more agreements in its territory than the federation's member organizations.
    almaty = next(row for row in figures["by_center"] if row["code"] == "ALR")
    assert almaty["figures"]["collective_agreements"] == 17_087 > federation["collective_agreements"]


def test_every_center_and_branch_union_has_approved_2020_and_2021_returns_that_pass_the_checks(demo):
    approved = StatisticalReturn.objects.filter(state=StatisticalReturn.State.APPROVED)

    for year in (2020, 2021):
        assert approved.filter(year=year, center__isnull=False).count() == TerritorialCenter.objects.count()
        assert approved.filter(year=year, branch_union__isnull=False).count() == BranchUnion.objects.count()
    for statistical_return in approved:
        rules.check_figures(statistical_return, complete=True)
        assert statistical_return.approved_at is not None


def test_a_few_centers_have_a_draft_for_this_year(demo):
    drafts = StatisticalReturn.objects.filter(state=StatisticalReturn.State.DRAFT)

    assert set(drafts.values_list("center__code", flat=True)) == {"ALR", "AST", "SHY"}
    assert set(drafts.values_list("year", flat=True)) == {timezone.localdate().year}


def test_running_the_demo_twice_changes_nothing(demo):
    columns = ("center_id", "branch_union_id", "year", "state", *RETURN_FIGURES)
    before = list(StatisticalReturn.objects.order_by("pk").values_list("pk", *columns))

    count = demo_statistics_create()

    assert count == len(before)
    assert list(StatisticalReturn.objects.order_by("pk").values_list("pk", *columns)) == before


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "down 10,382, or 0.6%, against 2020"),
        ("ru", "10\xa0382"),
        ("kk", "0,6%"),
    ],
)
def test_the_headline_writes_numbers_as_the_language_does(demo, language, expected):
    figures = report_figures(year=2021, as_of=timezone.now())

    with translation.override(language):
        text = " ".join(headline(figures))

    assert expected in text
