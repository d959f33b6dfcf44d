"""Who may enter, submit, approve and return statistical returns, and the checks their figures pass.

Each permission check raises PermissionDenied with a message that says why; the figure checks raise
one ValidationError keyed by field, so a form shows each refusal next to its field.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import Role, User

from .models import RETURN_FIGURES, STATISTICS_ROLES, StatisticalReturn

REVIEWING_ROLES = (Role.ANALYST, Role.ADMINISTRATOR)


def _ensure_active(user: User) -> None:
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Sign in to work with statistical returns."))


def _is_federation_administrator(user: User) -> bool:
    return user.is_superuser or (user.sees_all_centers and user.role == Role.ADMINISTRATOR)


def ensure_can_enter(user: User, *, center_id: int | None) -> None:
    """A center's return: its managers (and administrators); a branch union's: federation administrators."""
    _ensure_active(user)
    if user.is_read_only:
        raise PermissionDenied(_("Federation analysts check and approve returns; they do not enter them."))
    if _is_federation_administrator(user):
        return
    if center_id is None:
        raise PermissionDenied(_("Branch unions' returns are entered by the federation's administrators."))
    if user.center_id != center_id:
        # Worded like "not found": another center's return must not be confirmed to exist.
        raise PermissionDenied(_("This return does not belong to your center."))
    if user.role not in STATISTICS_ROLES:
        raise PermissionDenied(_("Only the center's manager enters its statistical return."))


def ensure_can_review(user: User) -> None:
    """Approving a submitted return, or sending it back: federation analysts and administrators.

    The one write a federation analyst makes: checking the centers' figures is their job."""
    _ensure_active(user)
    if user.is_superuser or (user.sees_all_centers and user.role in REVIEWING_ROLES):
        return
    raise PermissionDenied(_("Only the federation (an analyst or an administrator) approves returns."))


def ensure_can_request_statistics_report(user: User) -> None:
    """The federation's annual report: federation staff only."""
    _ensure_active(user)
    if not user.sees_all_centers:
        raise PermissionDenied(_("Only federation staff may build the federation's annual report."))


# The figures' consistency: (field the error is shown on, the check, the message).
CHECKS = (
    (
        "new_primary_organizations",
        lambda r: r.new_primary_organizations <= r.primary_organizations,
        gettext_lazy("New primary organizations cannot exceed all of them (%(primary_organizations)s)."),
    ),
    (
        "new_organization_members",
        lambda r: r.new_organization_members <= r.members,
        gettext_lazy("Members of the new organizations cannot exceed all union members (%(members)s)."),
    ),
    (
        "new_organization_members",
        lambda r: r.new_organization_members == 0 or r.new_primary_organizations > 0,
        gettext_lazy("Members of new organizations are given, but no new primary organization."),
    ),
    (
        "members",
        lambda r: r.employed == 0 or r.members <= r.employed,
        gettext_lazy("Union members cannot exceed the employed (%(employed)s)."),
    ),
    (
        "agreements_concluded",
        lambda r: r.agreements_concluded <= r.collective_agreements,
        gettext_lazy(
            "Agreements concluded in the year cannot exceed those in force (%(collective_agreements)s)."
        ),
    ),
    (
        "employees_covered",
        lambda r: r.employed == 0 or r.employees_covered <= r.employed,
        gettext_lazy("Employees covered by agreements cannot exceed the employed (%(employed)s)."),
    ),
    (
        "members_covered",
        lambda r: r.members_covered <= r.employees_covered,
        gettext_lazy("Union members covered cannot exceed the employees covered (%(employees_covered)s)."),
    ),
    (
        "members_covered",
        lambda r: r.members_covered <= r.members,
        gettext_lazy("Union members covered cannot exceed all union members (%(members)s)."),
    ),
)
# Needed before a return is submitted: without them the shares cannot be derived.
REQUIRED_TO_SUBMIT = ("members", "employed", "primary_organizations")


def check_figures(statistical_return: StatisticalReturn, *, complete: bool = False) -> None:
    """Refuse inconsistent figures (every failed check at once, each on its field); `complete`: to submit."""
    # Negative counts are refused by the fields themselves (PositiveIntegerField) in full_clean.
    errors: dict[str, list[str]] = {}
    values = {name: getattr(statistical_return, name) for name in RETURN_FIGURES}
    if any(not isinstance(value, int) for value in values.values()):
        return  # a missing or mistyped figure: full_clean names the field
    if any(value < 0 for value in values.values()):
        return
    for field, holds, message in CHECKS:
        if not holds(statistical_return):
            errors.setdefault(field, []).append(message % values)
    if complete:
        for field in REQUIRED_TO_SUBMIT:
            if not values[field]:
                errors.setdefault(field, []).append(_("Fill this in before submitting the return."))
    if errors:
        raise ValidationError(errors, code="inconsistent")


def ensure_can_open_returns(user: User) -> None:
    """The returns' pages: a center's managers (and administrators) and federation staff."""
    if user.sees_all_centers or (user.role in STATISTICS_ROLES and user.center_id is not None):
        return
    raise PermissionDenied(
        _("Statistical returns are entered by a center's manager and checked by the federation.")
    )


def ensure_can_read_the_annual_report(user: User) -> None:
    if not user.sees_all_centers:
        raise PermissionDenied(_("The annual statistical report is read by federation staff."))
