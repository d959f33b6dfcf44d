"""Personal data (IIN, phone): who sees it in full, and how it is masked for everyone else."""

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
