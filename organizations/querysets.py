"""Access scoping shared by every model that belongs to a territorial center."""

from typing import Self

from django.db import models


class CenterScopedQuerySet(models.QuerySet):
    """Rows owned by a territorial center; `center_lookup` names the path to that center."""

    center_lookup = "center"

    def visible_to(self, user) -> Self:
        """Rows this user may see: the own center, or all of them for federation-level staff."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.sees_all_centers:
            return self
        return self.filter(**{self.center_lookup: user.center_id})

    def of_center(self, center_id: int) -> Self:
        """Rows of one center (offices included)."""
        return self.filter(**{self.center_lookup: center_id})


class TerritorialCenterQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        """The centers this user works in: every one for federation-level staff, else their own."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.sees_all_centers:
            return self
        return self.filter(pk=user.center_id)


class StaffQuerySet(CenterScopedQuerySet):
    """Staff belong to a center (or to the federation, center empty: seen by federation-level staff only)."""
