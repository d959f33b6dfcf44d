"""Who may request which report (DOMAIN.md, "Access")."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from organizations.models import TerritorialCenter, User

from .querysets import REPORTING_ROLES


def ensure_can_request_report(user: User, center: TerritorialCenter | None) -> None:
    """Managers for their own center; federation analysts and administrators for any scope."""
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Sign in to request reports."))
    if user.sees_all_centers:
        return
    if center is None:
        raise PermissionDenied(_("Only federation staff may request the federation report."))
    if center.pk != user.center_id:
        # Worded like "not found": another center's report must not be confirmed to exist.
        raise PermissionDenied(_("This center's reports are not yours to request."))
    if user.role not in REPORTING_ROLES:
        raise PermissionDenied(_("Only a manager may request the center's reports."))
