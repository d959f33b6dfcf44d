"""Helpers shared by the clinic's services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from organizations.models import TerritorialCenter, User


def center_of(user: User, center: TerritorialCenter | None) -> TerritorialCenter:
    """Center staff always work in their own center; federation staff must name one."""
    if user.center is not None:
        return user.center
    if center is None:
        raise ValidationError({"center": _("Choose the territorial center.")})
    return center
