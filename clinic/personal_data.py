"""Personal data (IIN, phone, e-mail): who sees it in full, and how it is masked for everyone else.

One rule for every place that shows a person (web pages, the API, the admin, the audit trail):
`sees_personal_data` decides, `shown` applies it to one value. Finding a person by IIN or phone is
seeing it too (a match tells whose number it is): `searches_by_personal_data` says who may.
"""

from collections.abc import Callable

from auditlog.signals import accessed
from django.contrib.auth.models import AnonymousUser

from core.audit import acting_as
from organizations.models import Role, User

PERSONAL_DATA_ROLES = (Role.RECEPTION, Role.LAWYER, Role.MANAGER, Role.ADMINISTRATOR)
PERSONAL_FIELDS = ("iin", "phone", "email")


# Whoever a request carries: a staff member, the anonymous user, or nobody (a filter set without a request).
AnyUser = User | AnonymousUser | None


def sees_personal_data(user: AnyUser, center_id: int | None) -> bool:
    """IIN, phone and e-mail are shown to the staff of the person's own center who work with applicants;
    federation-level users (analysts included) get them masked."""
    user_center_id = getattr(user, "center_id", None)
    return (
        getattr(user, "role", None) in PERSONAL_DATA_ROLES
        and user_center_id is not None
        and user_center_id == center_id
    )


def searches_by_personal_data(user: AnyUser) -> bool:
    """Whether the user may look persons up by IIN or phone: only where they would see them, in their
    own center (the only persons a center's staff see at all)."""
    return sees_personal_data(user, getattr(user, "center_id", None))


def mask_iin(value: str) -> str:
    """850517400123 -> 85********23: enough to tell two people apart, not enough to identify one."""
    return value[:2] + "*" * (len(value) - 4) + value[-2:] if len(value) > 4 else "*" * len(value)


def mask_phone(value: str) -> str:
    """+77011234578 -> +7********78."""
    return value[:2] + "*" * (len(value) - 4) + value[-2:] if len(value) > 4 else "*" * len(value)


def mask_email(value: str) -> str:
    """aigerim.s@mail.kz -> a***@***.kz: neither the name nor the provider."""
    if not value:
        return ""
    local, _at, domain = value.partition("@")
    top_level = domain.rsplit(".", 1)[-1] if "." in domain else ""
    return f"{local[:1]}***@***" + (f".{top_level}" if top_level else "")


MASKS: dict[str, Callable[[str], str]] = {"iin": mask_iin, "phone": mask_phone, "email": mask_email}


def shown(user: AnyUser, center_id: int | None, field: str, value: str) -> str:
    """`value` of the personal field `field` of a person of `center_id`, as `user` may see it."""
    if not value or sees_personal_data(user, center_id):
        return value
    return MASKS[field](value)


def mask_in_audit_trail(value: str) -> str:
    """The audit trail is read by federation staff too: it keeps personal data masked, for everyone."""
    return mask_email(value) if "@" in value else mask_iin(value)


def log_full_record_access(*, person, user: User) -> None:
    """Write an "access" entry to the audit trail when `user` is shown `person`'s unmasked record."""
    if not sees_personal_data(user, person.center_id):
        return  # a masked record discloses nothing to log
    with acting_as(user):
        accessed.send(sender=type(person), instance=person)


def recipient_shown(user: AnyUser, message) -> str:
    """An outgoing message's address (an e-mail address or a phone), masked as the person's own would be."""
    return shown(
        user, message.center_id, "email" if message.channel == "email" else "phone", message.recipient
    )
