"""Organization statistics: the yearly returns of centers and branch unions, and the federation's
annual statistical report built from them."""

from decimal import Decimal
from typing import Self

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.snapshots import Snapshot
from organizations.models import BranchUnion, Role, TerritorialCenter, User
from organizations.querysets import CenterScopedQuerySet

from ..queries import percent

STATISTICS_ROLES = (Role.MANAGER, Role.ADMINISTRATOR)  # center staff who enter and read their returns

# The counted figures of a return, in the order of the form. Shares and totals are derived, never typed.
MEMBERSHIP_FIGURES = (
    "members",
    "employed",
    "primary_organizations",
    "new_primary_organizations",
    "new_organization_members",
)
ENTERPRISE_FIGURES = ("large_enterprises", "medium_enterprises", "small_enterprises")
AGREEMENT_FIGURES = ("collective_agreements", "agreements_concluded", "employees_covered", "members_covered")
SAFETY_FIGURES = (
    "labor_protection_councils",
    "technical_inspectors",
    "workplace_accidents",
    "vision_zero_enterprises",
)
RETURN_FIGURES = (*MEMBERSHIP_FIGURES, *ENTERPRISE_FIGURES, *AGREEMENT_FIGURES, *SAFETY_FIGURES)


def _share(part: int, whole: int) -> Decimal | None:
    return percent(part, whole)


class StatisticalReturnQuerySet(CenterScopedQuerySet):
    def visible_to(self, user) -> Self:
        """The federation sees every return; a center's managers see their center's; nobody else any."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.sees_all_centers:
            return self
        if user.role not in STATISTICS_ROLES:
            return self.none()
        # Branch unions' returns have no center: never visible to center staff.
        return self.filter(center_id=user.center_id, center__isnull=False)

    def counted(self) -> Self:
        """Returns that count in the annual report: approved, and submitted ones (flagged as such)."""
        return self.filter(state__in=StatisticalReturn.COUNTED_STATES)

    def of_centers(self) -> Self:
        return self.filter(center__isnull=False)

    def of_branch_unions(self) -> Self:
        return self.filter(branch_union__isnull=False)


class StatisticalReturn(models.Model):
    """The yearly statistical return of one scope: a territorial center, or a branch union.

    Centers report their territory: every collective agreement in force there (also those concluded
    by other workers' representatives), enterprises, membership. Branch unions report their own
    member organizations; the federation's collective-agreement figures are the sum of the branch
    unions' returns (see reports.statistics.queries). Entered by the center's manager
    (draft -> submitted), approved by the federation, then locked for good.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")

    COUNTED_STATES = (State.SUBMITTED, State.APPROVED)

    center = models.ForeignKey(
        TerritorialCenter,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="statistical_returns",
        verbose_name=_("territorial center"),
    )
    branch_union = models.ForeignKey(
        BranchUnion,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="statistical_returns",
        verbose_name=_("branch union"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)

    members = models.PositiveIntegerField(_("union members"), default=0)
    employed = models.PositiveIntegerField(
        _("employed"),
        default=0,
        help_text=_("Employed in the territory (for a branch union: in the branch)."),
    )
    primary_organizations = models.PositiveIntegerField(_("primary organizations"), default=0)
    new_primary_organizations = models.PositiveIntegerField(_("new primary organizations"), default=0)
    new_organization_members = models.PositiveIntegerField(_("members of the new organizations"), default=0)
    large_enterprises = models.PositiveIntegerField(_("large enterprises"), default=0)
    medium_enterprises = models.PositiveIntegerField(_("medium enterprises"), default=0)
    small_enterprises = models.PositiveIntegerField(_("small enterprises"), default=0)
    collective_agreements = models.PositiveIntegerField(_("collective agreements in force"), default=0)
    agreements_concluded = models.PositiveIntegerField(_("of them concluded in the year"), default=0)
    employees_covered = models.PositiveIntegerField(_("employees covered by agreements"), default=0)
    members_covered = models.PositiveIntegerField(_("of them union members"), default=0)
    labor_protection_councils = models.PositiveIntegerField(_("labor-protection councils"), default=0)
    technical_inspectors = models.PositiveIntegerField(_("technical labor inspectors"), default=0)
    workplace_accidents = models.PositiveIntegerField(_("workplace accidents"), default=0)
    vision_zero_enterprises = models.PositiveIntegerField(_("enterprises in Vision Zero"), default=0)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("submitted by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("approved by"),
    )
    returned_at = models.DateTimeField(_("returned to draft at"), null=True, blank=True, editable=False)
    returned_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("returned by"),
    )
    return_reason = models.TextField(_("why it was returned"), blank=True, editable=False)

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StatisticalReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "center__iso_code", "branch_union__code"]
        verbose_name = _("statistical return")
        verbose_name_plural = _("statistical returns")
        # A partial unique index per kind of scope: NULLs are distinct in a plain one.
        constraints = [
            models.CheckConstraint(
                condition=Q(center__isnull=False, branch_union__isnull=True)
                | Q(center__isnull=True, branch_union__isnull=False),
                name="statistical_return_has_one_scope",
                violation_error_message=_("A return is a center's or a branch union's, exactly one of them."),
            ),
            models.UniqueConstraint(
                fields=["center", "year"],
                condition=Q(center__isnull=False),
                name="one_statistical_return_per_center_and_year",
                violation_error_message=_("This center already has a return for this year."),
            ),
            models.UniqueConstraint(
                fields=["branch_union", "year"],
                condition=Q(branch_union__isnull=False),
                name="one_statistical_return_per_branch_union_and_year",
                violation_error_message=_("This branch union already has a return for this year."),
            ),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(approved_at__isnull=False),
                name="approved_statistical_return_has_approval_time",
            ),
        ]
        indexes = [models.Index(fields=["year", "state"])]

    def __str__(self) -> str:
        return f"{self.scope_name} — {self.year}"

    @property
    def scope(self) -> TerritorialCenter | BranchUnion | None:
        return self.center if self.center_id else self.branch_union

    @property
    def scope_name(self) -> str:
        scope = self.scope
        return str(scope) if scope is not None else "—"

    @property
    def is_locked(self) -> bool:
        """Approved: nobody may change it any more."""
        return self.state == self.State.APPROVED

    @property
    def total_enterprises(self) -> int:
        return self.large_enterprises + self.medium_enterprises + self.small_enterprises

    @property
    def member_share(self) -> Decimal | None:
        """Union members, % of the employed."""
        return _share(self.members, self.employed)

    @property
    def agreement_coverage(self) -> Decimal | None:
        """Collective agreements in force, % of the enterprises (DOMAIN: 17,087 of 25,129 = 68%)."""
        return _share(self.collective_agreements, self.total_enterprises)

    @property
    def covered_member_share(self) -> Decimal | None:
        """Union members among the employees covered by agreements, %."""
        return _share(self.members_covered, self.employees_covered)


class StatisticalReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        """The federation's annual report is read by federation staff only."""
        if not (user.is_authenticated and user.is_active) or not user.sees_all_centers:
            return self.none()
        return self


class StatisticalReport(Snapshot):
    """The federation's annual statistical report: one stored snapshot per year, rebuilt as a whole."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000)])

    objects = StatisticalReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual statistical report")
        verbose_name_plural = _("annual statistical reports")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="done") | Q(built_at__isnull=False, data_as_of__isnull=False),
                name="done_statistical_report_has_build_time",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Federation statistics, %(year)s") % {"year": self.year})
