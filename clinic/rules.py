"""Who may do what to the clinic's records (DOMAIN.md, "Access"). Each check raises PermissionDenied
with a message that says why, so every caller (API, web, admin, tasks) refuses the same way."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from organizations.models import Role, TerritorialCenter, User

from .models import Application, Event, LaborDispute

REGISTERING_ROLES = (Role.RECEPTION, Role.LAWYER, Role.MANAGER, Role.ADMINISTRATOR)
MANAGING_ROLES = (Role.MANAGER, Role.ADMINISTRATOR)


def _ensure_in_scope(user: User, center_id: int) -> None:
    if not user.sees_all_centers and user.center_id != center_id:
        # Worded like "not found": another center's record must not be confirmed to exist.
        raise PermissionDenied(_("This record does not belong to your center."))


def _ensure_not_read_only(user: User) -> None:
    if user.is_read_only or not user.is_active:
        raise PermissionDenied(_("Your role gives read-only access."))


def ensure_can_register(user: User, center: TerritorialCenter) -> None:
    """Reception, lawyers, managers and administrators register and edit persons, visits and cases."""
    _ensure_not_read_only(user)
    if user.role not in REGISTERING_ROLES and not user.is_superuser:
        raise PermissionDenied(_("Your role may not register records."))
    _ensure_in_scope(user, center.pk)


def ensure_can_work(user: User, application: Application) -> None:
    """Notes, documents, status changes and decisions: the assigned lawyer or a manager."""
    _ensure_not_read_only(user)
    _ensure_in_scope(user, application.center_id)
    if user.role in MANAGING_ROLES or user.is_superuser:
        return
    if user.role == Role.LAWYER and application.lawyer_id == user.pk:
        return
    if user.role == Role.LAWYER:
        raise PermissionDenied(_("Only the lawyer assigned to this case or a manager may change it."))
    raise PermissionDenied(_("Your role may register cases but not work or decide them."))


def ensure_can_manage(user: User, center_id: int) -> None:
    """Assignment, deadline extensions and reopening: managers (and administrators) of the center."""
    _ensure_not_read_only(user)
    _ensure_in_scope(user, center_id)
    if user.role not in MANAGING_ROLES and not user.is_superuser:
        raise PermissionDenied(_("Only a manager may do this."))


def ensure_can_handle_disputes(user: User, center_id: int) -> None:
    """Labor disputes are recorded and worked by the center's lawyers and managers."""
    _ensure_not_read_only(user)
    _ensure_in_scope(user, center_id)
    if user.role not in (Role.LAWYER, *MANAGING_ROLES) and not user.is_superuser:
        raise PermissionDenied(_("Only lawyers and managers record labor disputes."))


def ensure_can_use_the_desk(user: User) -> None:
    """The desk registers visitors of the user's own center: center staff who may register."""
    if user.is_read_only or user.center_id is None or user.role not in REGISTERING_ROLES:
        raise PermissionDenied(
            _(
                "The reception desk registers visitors of a territorial center. Your account reads the "
                "records but does not register them."
            )
        )


def ensure_can_merge_persons(user: User, center_id: int) -> None:
    """Merging two records of one person: a manager (or administrator) of the persons' center
    (organizations.roles grants the admin's `clinic.merge_person` to the same roles)."""
    _ensure_not_read_only(user)
    _ensure_in_scope(user, center_id)
    if user.role not in MANAGING_ROLES and not user.is_superuser:
        raise PermissionDenied(_("Only a manager merges the records of a person."))


def ensure_can_list_cross_center_duplicates(user: User) -> None:
    """The persons registered in two centers are the federation's to find (page and API)."""
    if not user.sees_all_centers:
        raise PermissionDenied(_("The list of duplicates across centers is the federation's."))


def ensure_can_read_destruction_records(user: User) -> None:
    """What the retention runs destroyed is the federation's to read and export (page, API, admin)."""
    if not user.sees_all_centers:
        raise PermissionDenied(_("The record of destroyed personal data is the federation's."))


def ensure_can_keep_letter_templates(user: User) -> None:
    """Managers and administrators upload and change letter templates (ensure_can_keep_letter_template:
    which ones)."""
    _ensure_not_read_only(user)
    if user.role not in MANAGING_ROLES and not user.is_superuser:
        raise PermissionDenied(_("Only a manager keeps the letter templates."))


def ensure_can_keep_letter_template(user: User, center_id: int | None) -> None:
    """A center's templates are kept by its managers and administrators; the federation's (no center,
    offered to every center) by the federation's."""
    ensure_can_keep_letter_templates(user)
    if center_id is None and not user.sees_all_centers:
        raise PermissionDenied(_("The federation's letter templates are kept by the federation."))
    if center_id is not None:
        _ensure_in_scope(user, center_id)


def ensure_can_schedule(user: User, record: Application | LaborDispute) -> None:
    """Hearings and meetings of a case or a dispute: whoever may work it (same center)."""
    if isinstance(record, Application):
        ensure_can_work(user, record)
    else:
        ensure_can_handle_disputes(user, record.center_id)


def ensure_can_change_event(user: User, event: Event) -> None:
    """An event is changed, given its outcome or deleted by whoever may work its case or dispute
    (the event's case or dispute is select_related by the caller)."""
    ensure_can_schedule(user, event.application or event.dispute)  # type: ignore[arg-type]


def ensure_has_calendar(user: User) -> None:
    """The calendar and its feed are the staff's who work cases: lawyers and managers of a center."""
    if user.center_id is None or user.role not in (Role.LAWYER, *MANAGING_ROLES) or not user.is_active:
        raise PermissionDenied(_("The calendar is kept by the lawyers and managers of a center."))


def ensure_can_change_reference(user: User) -> None:
    """Reference lists and rules every center shares (the limitation rules): federation-level staff who
    change things (administrators), not a center's staff, not the analysts."""
    _ensure_not_read_only(user)
    if not (user.sees_all_centers and (user.role == Role.ADMINISTRATOR or user.is_superuser)):
        raise PermissionDenied(_("Only the federation's administrators change the reference lists."))


def ensure_can_import(user: User, center_id: int) -> None:
    """Registers are imported by managers into their center, by the federation's administrators into any."""
    _ensure_not_read_only(user)
    _ensure_in_scope(user, center_id)
    if user.role not in MANAGING_ROLES and not user.is_superuser:
        raise PermissionDenied(_("Only a manager may import registers."))


def may_import(user: User) -> bool:
    """Whether the imports' pages and API are offered: managers and administrators who may write."""
    return user.is_active and not user.is_read_only and (user.role in MANAGING_ROLES or user.is_superuser)
