"""Statistical returns: the figures' checks, the derived shares, draft -> submitted -> approved (and
locked), sending back to draft, who may do what, and the audit trail."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from clinic.services import VersionConflict
from organizations.models import Role
from reports.statistics import services
from reports.statistics.models import StatisticalReturn
from tests.factories import BranchUnionFactory, StaffFactory
from tests.reports.statistics.support import FIGURES, YEAR

pytestmark = pytest.mark.django_db


# Entering and the checks


def test_a_manager_enters_the_return_of_their_own_center(manager, center):
    statistical_return = services.statistical_return_save(by=manager, year=YEAR, **FIGURES)

    assert (statistical_return.center, statistical_return.branch_union) == (center, None)
    assert statistical_return.state == StatisticalReturn.State.DRAFT
    assert statistical_return.members == 100_812


def test_saving_again_changes_the_same_draft_and_bumps_its_version(draft, manager):
    changed = services.statistical_return_save(by=manager, year=YEAR, workplace_accidents=27)

    assert changed.pk == draft.pk
    assert (changed.workplace_accidents, changed.members, changed.version) == (27, 100_812, draft.version + 1)
    assert StatisticalReturn.objects.count() == 1


def test_a_stale_version_is_refused(draft, manager):
    services.statistical_return_save(by=manager, year=YEAR, workplace_accidents=27)

    with pytest.raises(VersionConflict):
        services.statistical_return_save(
            by=manager, year=YEAR, expected_version=draft.version, workplace_accidents=28
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"members_covered": 231_481}, "members_covered"),  # more than the employees covered
        ({"members_covered": 100_813, "employees_covered": 300_000}, "members_covered"),  # than members
        ({"new_primary_organizations": 933}, "new_primary_organizations"),  # than primary organizations
        ({"agreements_concluded": 17_088}, "agreements_concluded"),  # than the agreements in force
        ({"new_organization_members": 100_813}, "new_organization_members"),  # than all members
        ({"new_primary_organizations": 0}, "new_organization_members"),  # members of no new organization
        ({"members": 324_156, "new_organization_members": 0}, "members"),  # more than the employed
        ({"employees_covered": 324_156}, "employees_covered"),  # more than the employed
        ({"workplace_accidents": -1}, "workplace_accidents"),  # a negative count
        ({"small_enterprises": -5}, "small_enterprises"),
    ],
)
def test_inconsistent_figures_are_refused_on_their_field(manager, changes, field):
    with pytest.raises(ValidationError) as refused:
        services.statistical_return_save(by=manager, year=YEAR, **(FIGURES | changes))

    assert field in refused.value.message_dict
    assert not StatisticalReturn.objects.exists()


def test_every_failed_check_is_reported_at_once(manager):
    with pytest.raises(ValidationError) as refused:
        services.statistical_return_save(
            by=manager,
            year=YEAR,
            **(FIGURES | {"new_primary_organizations": 933, "agreements_concluded": 17_088}),
        )

    assert {"new_primary_organizations", "agreements_concluded"} <= set(refused.value.message_dict)
    assert "932" in refused.value.message_dict["new_primary_organizations"][0]


def test_a_year_in_the_future_is_refused(manager):
    with pytest.raises(ValidationError) as refused:
        services.statistical_return_save(by=manager, year=2999, **FIGURES)

    assert "year" in refused.value.message_dict


def test_unknown_figures_are_a_programming_error(manager):
    with pytest.raises(ValueError, match="state"):
        services.statistical_return_save(by=manager, year=YEAR, state="approved")


# The derived figures


def test_the_shares_are_derived_never_typed(draft):
    assert draft.total_enterprises == 25_129
    assert draft.member_share == Decimal("31.1")  # 100,812 of 324,155 employed
    assert draft.agreement_coverage == Decimal("68.0")  # 17,087 agreements for 25,129 enterprises
    assert draft.covered_member_share == Decimal("38.4")  # 88,917 of 231,480 covered


def test_shares_of_nothing_are_empty_not_zero(manager):
    statistical_return = services.statistical_return_save(by=manager, year=YEAR, members=0)

    assert statistical_return.member_share is None
    assert statistical_return.agreement_coverage is None


# Submitting, approving, locking


def test_a_submitted_return_waits_for_the_federation(submitted, manager):
    assert submitted.state == StatisticalReturn.State.SUBMITTED
    assert (submitted.submitted_by, submitted.submitted_at is not None) == (manager, True)

    with pytest.raises(ValidationError, match="awaits the federation"):
        services.statistical_return_save(by=manager, year=YEAR, workplace_accidents=30)


def test_an_incomplete_draft_cannot_be_submitted(manager):
    statistical_return = services.statistical_return_save(by=manager, year=YEAR, members=1_000)

    with pytest.raises(ValidationError) as refused:
        services.statistical_return_submit(statistical_return=statistical_return, by=manager)

    assert {"employed", "primary_organizations"} <= set(refused.value.message_dict)


def test_an_analyst_approves_a_submitted_return(approved, analyst):
    assert approved.state == StatisticalReturn.State.APPROVED
    assert (approved.approved_by, approved.approved_at is not None) == (analyst, True)
    assert approved.is_locked


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMINISTRATOR])
def test_nobody_changes_an_approved_return(approved, center, role):
    user = StaffFactory(
        role=role, center=center if role == Role.MANAGER else None, is_superuser=role != Role.MANAGER
    )

    with pytest.raises(
        ValidationError, match="approved on .* and is locked: nobody can change it"
    ) as refused:
        services.statistical_return_save(by=user, center=center, year=YEAR, workplace_accidents=1)

    assert refused.value.code == "locked"
    approved.refresh_from_db()
    assert approved.workplace_accidents == 26


def test_an_approved_return_is_neither_resubmitted_reapproved_nor_returned(approved, manager, analyst):
    with pytest.raises(ValidationError, match="locked"):
        services.statistical_return_submit(statistical_return=approved, by=manager)
    with pytest.raises(ValidationError, match="locked"):
        services.statistical_return_approve(statistical_return=approved, by=analyst)
    with pytest.raises(ValidationError, match="locked"):
        services.statistical_return_return_to_draft(statistical_return=approved, by=analyst, reason="Typo")


def test_a_draft_cannot_be_approved(draft, analyst):
    with pytest.raises(ValidationError, match="not submitted it yet"):
        services.statistical_return_approve(statistical_return=draft, by=analyst)


def test_the_federation_returns_a_submitted_return_to_draft_with_a_reason(submitted, analyst, manager):
    with pytest.raises(ValidationError) as refused:
        services.statistical_return_return_to_draft(statistical_return=submitted, by=analyst, reason="  ")
    assert "reason" in refused.value.message_dict

    returned = services.statistical_return_return_to_draft(
        statistical_return=submitted, by=analyst, reason="Accidents: 26 or 29?"
    )

    assert returned.state == StatisticalReturn.State.DRAFT
    assert (returned.returned_by, returned.return_reason) == (analyst, "Accidents: 26 or 29?")
    corrected = services.statistical_return_save(by=manager, year=YEAR, workplace_accidents=29)
    assert corrected.workplace_accidents == 29


# Who may do what


def test_a_manager_of_another_center_is_refused(draft, other_center):
    stranger = StaffFactory(role=Role.MANAGER, center=other_center)

    with pytest.raises(PermissionDenied, match="does not belong to your center"):
        services.statistical_return_save(by=stranger, center=draft.center, year=YEAR, members=1)
    with pytest.raises(PermissionDenied):
        services.statistical_return_submit(statistical_return=draft, by=stranger)


def test_a_manager_without_a_center_given_enters_their_own(manager, other_center):
    services.statistical_return_save(by=manager, year=YEAR, **FIGURES)

    assert not StatisticalReturn.objects.filter(center=other_center).exists()


@pytest.mark.parametrize("role", [Role.LAWYER, Role.RECEPTION])
def test_other_center_staff_cannot_enter(center, role):
    user = StaffFactory(role=role, center=center)

    with pytest.raises(PermissionDenied, match="Only the center's manager"):
        services.statistical_return_save(by=user, year=YEAR, **FIGURES)


def test_an_analyst_cannot_enter(analyst, center):
    with pytest.raises(PermissionDenied, match="do not enter them"):
        services.statistical_return_save(by=analyst, center=center, year=YEAR, **FIGURES)


def test_a_manager_cannot_approve_or_return_their_own_return(submitted, manager):
    with pytest.raises(PermissionDenied, match="Only the federation"):
        services.statistical_return_approve(statistical_return=submitted, by=manager)
    with pytest.raises(PermissionDenied, match="Only the federation"):
        services.statistical_return_return_to_draft(statistical_return=submitted, by=manager, reason="No")


def test_a_center_administrator_cannot_approve(submitted, center):
    center_admin = StaffFactory(role=Role.ADMINISTRATOR, center=center)

    with pytest.raises(PermissionDenied):
        services.statistical_return_approve(statistical_return=submitted, by=center_admin)


def test_a_federation_administrator_approves_too(submitted, federation_admin):
    approved = services.statistical_return_approve(statistical_return=submitted, by=federation_admin)

    assert approved.state == StatisticalReturn.State.APPROVED


def test_branch_union_returns_are_entered_by_the_federation_administrators(federation_admin, manager):
    union = BranchUnionFactory()

    statistical_return = services.statistical_return_save(
        by=federation_admin, branch_union=union, year=YEAR, **FIGURES
    )

    assert (statistical_return.center, statistical_return.branch_union) == (None, union)
    with pytest.raises(PermissionDenied, match="federation's administrators"):
        services.statistical_return_save(by=manager, branch_union=union, year=YEAR, members=1)


def test_a_return_has_one_scope_only(federation_admin, center):
    with pytest.raises(ValidationError) as refused:
        services.statistical_return_save(
            by=federation_admin, center=center, branch_union=BranchUnionFactory(), year=YEAR, **FIGURES
        )

    assert "branch_union" in refused.value.message_dict


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMINISTRATOR])
def test_center_managers_see_their_own_centers_returns_only(draft, other_center, role):
    StaffFactory(role=Role.MANAGER, center=other_center)
    services.statistical_return_save(
        by=StaffFactory(role=Role.MANAGER, center=other_center), year=YEAR, **FIGURES
    )
    user = StaffFactory(role=role, center=draft.center)

    assert list(StatisticalReturn.objects.visible_to(user)) == [draft]


def test_lawyers_see_no_returns_and_the_federation_sees_all(draft, lawyer, analyst, federation_admin):
    services.statistical_return_save(
        by=federation_admin, branch_union=BranchUnionFactory(), year=YEAR, **FIGURES
    )

    assert not StatisticalReturn.objects.visible_to(lawyer).exists()
    assert StatisticalReturn.objects.visible_to(analyst).count() == 2


# The audit trail


def test_every_step_is_in_the_audit_trail_with_its_actor(approved, manager, analyst):
    entries = LogEntry.objects.get_for_object(approved).order_by("timestamp", "pk")

    assert [entry.actor for entry in entries] == [manager, manager, analyst]
    assert entries.last().changes_dict["state"] == ["submitted", "approved"]
