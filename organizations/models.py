"""The organization tree: territorial centers and their offices, branch unions, primary
organizations, employers, and the staff who work in them."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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
    # The letterhead of the center's letters.
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)

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
    address = models.CharField(_("address"), max_length=255, blank=True, help_text=_("Where letters go."))

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


# django-stubs cannot build from_queryset() on UserManager in the user model's own module (the manager
# is generic over this very model), inline or through a module-level name: the base stays dynamic for mypy.
class StaffManager(UserManager.from_queryset(StaffQuerySet)):  # type: ignore[misc]
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

    objects: ClassVar[StaffManager] = StaffManager()

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


class StaffSession(models.Model):
    """A signed-in session of a staff member, recorded at sign-in so they can see where they are signed in
    and end a session (organizations.two_factor). The session itself lives in Django's session store;
    the key here is its SHA-256, so this table alone signs nobody in."""

    user = models.ForeignKey(User, models.CASCADE, related_name="sessions", verbose_name=_("staff member"))
    session_key = models.CharField(_("session"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"))
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="staffsession_user_seen")]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"
