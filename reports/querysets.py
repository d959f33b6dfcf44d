"""Who may read which report."""

from typing import Self

from organizations.models import Role
from organizations.querysets import CenterScopedQuerySet

# Center staff who pull their center's reports (DOMAIN.md: "managers ... pull its reports").
REPORTING_ROLES = (Role.MANAGER, Role.ADMINISTRATOR)


class ReportQuerySet(CenterScopedQuerySet):
    def visible_to(self, user) -> Self:
        """Federation staff see every report; a center's managers see that center's, never the roll-up."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.sees_all_centers:
            return self
        if user.role not in REPORTING_ROLES:
            return self.none()
        # center = X never matches the NULL-center (federation) rows, but say it anyway.
        return self.filter(center_id=user.center_id, center__isnull=False)

    def federation(self) -> Self:
        return self.filter(center__isnull=True)

    def done(self) -> Self:
        from .models import Report

        return self.filter(state=Report.State.DONE)
