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


def is_center_manager(user: User) -> bool:
    """A manager (or administrator) of one territorial center."""
    return user.role in REPORTING_ROLES and user.center_id is not None and not user.sees_all_centers


def ensure_can_read_the_dashboard(user: User) -> None:
    if not is_center_manager(user):
        raise PermissionDenied(_("The dashboard is the page of a territorial center's manager."))


def ensure_can_read_the_federation_page(user: User) -> None:
    if not user.sees_all_centers:
        raise PermissionDenied(_("The federation page is for federation staff."))


def ensure_can_read_reports(user: User) -> None:
    if not (user.sees_all_centers or is_center_manager(user)):
        raise PermissionDenied(_("Reports are pulled by a center's managers and by federation staff."))
