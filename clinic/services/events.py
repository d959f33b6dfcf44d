"""Writes to the hearings and meetings of cases and labor disputes, and to the calendar feeds."""

import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.versioning import assign_changes, locked, save_changes
from organizations.models import User

from .. import rules
from ..models import Application, CalendarFeed, Event, LaborDispute
from .applications import _ensure_lawyer_of

EVENT_EDITABLE = {"kind", "starts_at", "duration_minutes", "place", "notes", "lawyer"}


def _locked_event(event: Event, expected_version: int | None) -> Event:
    fresh = locked(event, expected_version)
    # The rule reads the case or dispute: the same ones, not fetched again.
    fresh.application, fresh.dispute = event.application, event.dispute
    return fresh


@transaction.atomic
def event_create(
    *,
    by: User,
    record: Application | LaborDispute,
    kind: Event.Kind,
    starts_at: datetime,
    duration_minutes: int = 60,
    place: str = "",
    notes: str = "",
    lawyer: User | None = None,
) -> Event:
    """Schedule a hearing or a meeting of a case or a dispute; its lawyer is the record's by default."""
    rules.ensure_can_schedule(by, record)
    lawyer = lawyer or record.lawyer
    _ensure_lawyer_of(record.center_id, lawyer)
    event = Event(
        center_id=record.center_id,
        application=record if isinstance(record, Application) else None,
        dispute=record if isinstance(record, LaborDispute) else None,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place.strip(),
        notes=notes.strip(),
        lawyer=lawyer,
        created_by=by,
    )
    event.full_clean()
    with acting_as(by):
        event.save()
    return event


@transaction.atomic
def event_update(*, event: Event, by: User, expected_version: int | None = None, **changes) -> Event:
    """Move or correct an event (kind, time, duration, place, notes, lawyer)."""
    rules.ensure_can_change_event(by, event)
    event = _locked_event(event, expected_version)
    for field in ("place", "notes"):
        if field in changes:
            changes[field] = changes[field].strip()
    assign_changes(event, changes, editable=EVENT_EDITABLE)
    if "lawyer" in changes:
        _ensure_lawyer_of(event.center_id, event.lawyer)
    with acting_as(by):
        return save_changes(event, changes)


@transaction.atomic
def event_record_outcome(
    *, event: Event, by: User, outcome: str, expected_version: int | None = None
) -> Event:
    """What came of a hearing or a meeting, written once it took place."""
    rules.ensure_can_change_event(by, event)
    event = _locked_event(event, expected_version)
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": _("Describe what came of it.")})
    event.outcome = outcome
    with acting_as(by):
        return save_changes(event, ["outcome"])


@transaction.atomic
def event_delete(*, event: Event, by: User, expected_version: int | None = None) -> None:
    """Cancel an event: it leaves the calendar and the feeds (the audit trail keeps it)."""
    rules.ensure_can_change_event(by, event)
    event = _locked_event(event, expected_version)
    with acting_as(by):
        event.delete()


@transaction.atomic
def calendar_feed_renew(*, by: User) -> CalendarFeed:
    """Give the user a new secret feed URL; the old one stops answering (a 404)."""
    rules.ensure_has_calendar(by)
    token = secrets.token_urlsafe(32)
    with acting_as(by):
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(
            user=by, defaults={"token": token}
        )
        if not created:
            feed.token = token
            feed.save(update_fields=["token"])
    return feed
