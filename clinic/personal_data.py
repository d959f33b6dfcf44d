"""Personal data (IIN, phone): who sees it in full, and how it is masked for everyone else."""

from auditlog.signals import accessed

from organizations.audit import acting_as
from organizations.models import Role, User

PERSONAL_DATA_ROLES = (Role.RECEPTION, Role.LAWYER, Role.MANAGER, Role.ADMINISTRATOR)


def sees_personal_data(user: User, center_id: int | None) -> bool:
    """IIN and phone are shown to the staff of the person's own center who work with applicants;
    federation-level users (analysts included) get them masked."""
    return (
        getattr(user, "role", None) in PERSONAL_DATA_ROLES
        and user.center_id is not None
        and user.center_id == center_id
    )


def mask_iin(value: str) -> str:
    """850517400123 -> 85********23: enough to tell two people apart, not enough to identify one."""
    return value[:2] + "*" * (len(value) - 4) + value[-2:] if len(value) > 4 else "*" * len(value)


def mask_phone(value: str) -> str:
    """+77011234578 -> +7********78."""
    return value[:2] + "*" * (len(value) - 4) + value[-2:] if len(value) > 4 else "*" * len(value)


def log_full_record_access(*, person, user: User) -> None:
    """Write an "access" entry to the audit trail when `user` is shown `person`'s unmasked record."""
    if not sees_personal_data(user, person.center_id):
        return  # a masked record discloses nothing to log
    with acting_as(user):
        accessed.send(sender=type(person), instance=person)
