"""Writes to the organization tree and its staff, and to the organization statistics."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import (
    RepresentativeOffice,
    Role,
    TerritorialCenter,
    User,
)


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    role: Role,
    center: TerritorialCenter | None = None,
    office: RepresentativeOffice | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a staff member with the role's group; everyone with a role may use the admin."""
    user = User(
        username=username,
        role=role,
        center=center,
        office=office,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=True,
        is_superuser=role == Role.ADMINISTRATOR and center is None,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    staff_sync_groups(user=user)
    return user


def staff_sync_groups(*, user: User) -> None:
    """Make the user a member of exactly the group of their role (built by roles_sync)."""
    user.groups.set(Group.objects.filter(name=user.role))
