"""Reads of the clinic's records; access scoping comes from CenterScopedQuerySet.visible_to."""

from datetime import date
from typing import Self

from django.db.models import Q
from django.utils import timezone

from organizations.identifiers import normalize_identifier
from organizations.querysets import CenterScopedQuerySet

from .validators import normalize_phone


class PersonQuerySet(CenterScopedQuerySet):
    def matching(self, *, iin: str = "", phone: str = "") -> Self:
        """Persons with this IIN or this phone: the look-up done before creating a person."""
        # Normalised as person_create stores them, so a number typed at the desk finds the person.
        iin, phone = normalize_identifier(iin or ""), normalize_phone(phone or "")
        condition = Q()
        if iin:
            condition |= Q(iin=iin)
        if phone:
            condition |= Q(phone=phone)
        return self.filter(condition) if condition else self.none()


class VisitQuerySet(CenterScopedQuerySet):
    pass


class ApplicationQuerySet(CenterScopedQuerySet):
    def open(self) -> Self:
        from .models import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date | None = None) -> Self:
        """Not decided after the due date."""
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def not_overdue(self, today: date | None = None) -> Self:
        """Everything `overdue()` leaves out: decided or closed cases, and open ones still in time."""
        from .models import OPEN_STATUSES

        # One exclude() with both conditions excludes rows matching both: NOT (open AND late).
        return self.exclude(status__in=OPEN_STATUSES, due_on__lt=today or timezone.localdate())

    def due_between(self, start: date, end: date) -> Self:
        return self.open().filter(due_on__gte=start, due_on__lte=end)

    def assigned_to(self, user) -> Self:
        return self.filter(lawyer=user)


class ApplicationRelatedQuerySet(CenterScopedQuerySet):
    """Notes, documents, status changes and extensions belong to a center through their application."""

    center_lookup = "application__center"


class LaborDisputeQuerySet(CenterScopedQuerySet):
    def resolved(self) -> Self:
        return self.exclude(result="")
