"""Writes to visits of the public reception: registered, answered on the spot, corrected, turned
into a case."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.versioning import assign_changes, locked, save_changes
from organizations.models import Employer, RepresentativeOffice, User

from .. import rules
from ..models import Application, ApplicationKind, Channel, Person, Service, Topic, Visit
from .applications import application_register
from .messages import person_consent_from_submission


def _visit_save(visit: Visit, topics: Iterable[Topic], actor: User | None) -> Visit:
    """Validate and save a visit with its topics: the checks of every way a visit is recorded."""
    topics = list(topics)
    if not topics:
        raise ValidationError({"topics": _("Choose at least one topic.")})
    visit.full_clean()
    if visit.visited_at > timezone.now():
        raise ValidationError({"visited_at": _("A visit cannot be recorded in the future.")})
    if visit.office and visit.office.center_id != visit.center_id:
        raise ValidationError({"office": _("The office belongs to another center.")})
    with acting_as(actor):
        visit.save()
        visit.topics.set(topics)
    return visit


@transaction.atomic
def visit_register(
    *,
    by: User,
    person: Person,
    channel: Channel,
    topics: Iterable[Topic],
    question: str = "",
    employer: Employer | None = None,
    office: RepresentativeOffice | None = None,
    visited_at: datetime | None = None,
    external_key: str | None = None,
) -> Visit:
    """Record who came, when, through which channel and about what."""
    rules.ensure_can_register(by, person.center)
    if person.merged_into_id is not None:
        raise ValidationError({"person": _("This record was merged into another person's: choose that one.")})
    visit = Visit(
        center_id=person.center_id,
        office=office or by.office,
        person=person,
        employer=employer or person.employer,
        channel=channel,
        question=question.strip(),
        visited_at=visited_at or timezone.now(),
        registered_by=by,
        external_key=external_key or None,
    )
    return _visit_save(visit, topics, by)


def _ensure_visit_pending(visit: Visit) -> None:
    if visit.result != Visit.Result.PENDING:
        raise ValidationError(_("This visit has already been dealt with: %s.") % visit.get_result_display())


@transaction.atomic
def visit_answer_on_spot(
    *, visit: Visit, by: User, action_taken: str, expected_version: int | None = None
) -> Visit:
    """Close the visit as a consultation given on the spot."""
    rules.ensure_can_register(by, visit.center)
    visit = locked(visit, expected_version)
    _ensure_visit_pending(visit)
    if not action_taken.strip():
        raise ValidationError({"action_taken": _("Say what the visitor was told.")})
    visit.action_taken, visit.result = action_taken.strip(), Visit.Result.CONSULTATION
    with acting_as(by):
        return save_changes(visit, ["action_taken", "result"])


VISIT_EDITABLE = {"channel", "topics", "question", "employer", "office"}


@transaction.atomic
def visit_update(*, visit: Visit, by: User, expected_version: int | None = None, **changes) -> Visit:
    """Correct what was recorded of a visit: channel, topics, question, employer, office."""
    rules.ensure_can_register(by, visit.center)
    visit = locked(visit, expected_version)
    topics = changes.pop("topics", None)
    if topics is not None and not list(topics):
        raise ValidationError({"topics": _("Choose at least one topic.")})
    assign_changes(visit, changes, editable=VISIT_EDITABLE)
    if visit.office and visit.office.center_id != visit.center_id:
        raise ValidationError({"office": _("The office belongs to another center.")})
    with acting_as(by):
        save_changes(visit, changes)
        if topics is not None:
            visit.topics.set(topics)
    return visit


@transaction.atomic
def visit_open_case(
    *,
    visit: Visit,
    by: User,
    service: Service,
    kind: ApplicationKind,
    topic: Topic | None = None,
    summary: str = "",
    lawyer: User | None = None,
    expected_version: int | None = None,
    confirm_second_case: bool = False,
) -> Application:
    """Turn the visit into a case for a lawyer; the visit and the case are saved together or not at all."""
    rules.ensure_can_register(by, visit.center)
    visit = locked(visit, expected_version)
    _ensure_visit_pending(visit)
    person_consent_from_submission(visit, by=by)
    application = application_register(
        by=by,
        person=visit.person,
        service=service,
        kind=kind,
        topic=topic or visit.topics.order_by("sort_order").first(),
        channel=visit.channel,
        received_on=timezone.localdate(visit.visited_at),
        summary=summary or visit.question,
        employer=visit.employer,
        office=visit.office,
        lawyer=lawyer,
        visit=visit,
        confirm_second_case=confirm_second_case,
    )
    visit.result = Visit.Result.CASE_OPENED
    visit.action_taken = visit.action_taken or _("Case %s opened.") % application.registration_number
    with acting_as(by):
        save_changes(visit, ["result", "action_taken"])
    return application
