"""The organization tree: territorial centers and their offices, branch unions, primary
organizations, employers, and the staff who work in them."""

from decimal import Decimal
from typing import Self

from auditlog.registry import auditlog
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.snapshots import Snapshot

from .identifiers import validate_bin
from .querysets import CenterScopedQuerySet, StaffQuerySet, TerritorialCenterQuerySet


class MultilingualName(models.Model):
    """A name in the three working languages; `name` follows the active language."""

    name_en = models.CharField(_("name (English)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en


class TerritorialCenter(MultilingualName):
    """A territorial union of trade unions: one per region or city of republican significance."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        CITY = "city", _("City of republican significance")

    code = models.CharField(
        _("short code"), max_length=8, unique=True, help_text=_("Used in registration numbers, e.g. ALR.")
    )
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=8, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGION)

    objects = TerritorialCenterQuerySet.as_manager()

    class Meta:
        ordering = ["iso_code"]
        verbose_name = _("territorial center")
        verbose_name_plural = _("territorial centers")


class RepresentativeOffice(MultilingualName):
    """A center's office in a town; its cases count toward the center."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    center = models.ForeignKey(
        TerritorialCenter, models.PROTECT, related_name="offices", verbose_name=_("territorial center")
    )

    objects = CenterScopedQuerySet.as_manager()

    class Meta:
        ordering = ["center__iso_code", "code"]
        verbose_name = _("representative office")
        verbose_name_plural = _("representative offices")


class BranchUnion(MultilingualName):
    """A branch (sectoral) trade union: education and science, oil and gas, energy..."""

    code = models.CharField(_("code"), max_length=32, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("branch union")
        verbose_name_plural = _("branch unions")


class RegionalBranch(models.Model):
    """A branch union's organization inside one center's territory."""

    branch_union = models.ForeignKey(
        BranchUnion, models.PROTECT, related_name="regional_branches", verbose_name=_("branch union")
    )
    center = models.ForeignKey(
        TerritorialCenter,
        models.PROTECT,
        related_name="regional_branches",
        verbose_name=_("territorial center"),
    )

    objects = CenterScopedQuerySet.as_manager()

    class Meta:
        ordering = ["center__iso_code", "branch_union__code"]
        constraints = [
            models.UniqueConstraint(fields=["branch_union", "center"], name="one_regional_branch_per_center")
        ]
        verbose_name = _("regional branch")
        verbose_name_plural = _("regional branches")

    def __str__(self) -> str:
        return f"{self.branch_union} — {self.center}"


class Employer(models.Model):
    """An employer (enterprise), identified by its BIN; disputes and complaints are against it."""

    class Size(models.TextChoices):
        LARGE = "large", _("Large")
        MEDIUM = "medium", _("Medium")
        SMALL = "small", _("Small")

    name = models.CharField(_("name"), max_length=255)
    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[validate_bin])
    size = models.CharField(_("size class"), max_length=8, choices=Size.choices, default=Size.SMALL)
    center = models.ForeignKey(
        TerritorialCenter, models.PROTECT, related_name="employers", verbose_name=_("territorial center")
    )

    objects = CenterScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return f"{self.name} ({self.bin})"


class PrimaryOrganization(models.Model):
    """The trade-union unit at an enterprise."""

    name = models.CharField(_("name"), max_length=255)
    center = models.ForeignKey(
        TerritorialCenter,
        models.PROTECT,
        related_name="primary_organizations",
        verbose_name=_("territorial center"),
    )
    employer = models.ForeignKey(
        Employer,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_organizations",
        verbose_name=_("employer"),
    )
    branch_union = models.ForeignKey(
        BranchUnion,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_organizations",
        verbose_name=_("branch union"),
    )
    member_count = models.PositiveIntegerField(_("members"), default=0)
    has_collective_agreement = models.BooleanField(_("collective agreement"), default=False)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    objects = CenterScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("primary organization")
        verbose_name_plural = _("primary organizations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    RECEPTION = "reception", _("Reception staff")
    LAWYER = "lawyer", _("Lawyer")
    MANAGER = "manager", _("Manager")
    ANALYST = "analyst", _("Federation analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


CENTER_ROLES = (Role.RECEPTION, Role.LAWYER, Role.MANAGER)


class StaffManager(UserManager.from_queryset(StaffQuerySet)):
    """Django's user manager (create_user, create_superuser) with StaffQuerySet's visible_to."""


class User(AbstractUser):
    """A staff member: belongs to one center (or to the federation) and has one role."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    center = models.ForeignKey(
        TerritorialCenter,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("territorial center"),
        help_text=_("Empty for federation staff."),
    )
    office = models.ForeignKey(
        RepresentativeOffice,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("representative office"),
    )

    objects = StaffManager()

    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=CENTER_ROLES) | Q(center__isnull=False),
                name="center_staff_have_center",
                violation_error_message=_("Reception staff, lawyers and managers belong to a center."),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.ANALYST) | Q(center__isnull=True),
                name="analysts_belong_to_federation",
                violation_error_message=_("Federation analysts belong to the federation, not to a center."),
            ),
        ]

    @property
    def sees_all_centers(self) -> bool:
        """Federation-level staff (analysts, federation administrators) and superusers see every center."""
        return self.is_superuser or self.center_id is None

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.ANALYST and not self.is_superuser


# Organization statistics (issue 9): yearly returns of centers and branch unions, and the
# federation's annual report built from them.

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
    # reports.queries.percent, imported here because reports imports this module.
    from reports.queries import percent

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
    unions' returns (see organizations.statistics.queries). Entered by the center's manager
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


auditlog.register(StatisticalReturn, exclude_fields=["updated_at", "version"])
