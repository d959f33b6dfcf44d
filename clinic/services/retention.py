"""Retention: anonymise the personal data that the rules of clinic.retention say is due, keeping every
figure the reports count (dates, statuses, outcomes, money, topics, channels, centers, employers,
membership), and record what went.

A run works in batches of BATCH records, each in its own transaction with its count added to the
run's destruction record, so a failure keeps what was done and the record says exactly that; files
are deleted only after their batch commits. Anonymised records are marked (anonymised_at), so a
second run finds nothing more. The changes bypass the audit trail's per-save entries, which would copy
the very values being destroyed into it; instead the trail's entries of those records lose their
values (who did what, and when, stays).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from .. import retention
from ..models import (
    Application,
    DeadlineExtension,
    DestructionRecord,
    Document,
    Event,
    Note,
    OnlineAttachment,
    OnlineSubmission,
    OutgoingMessage,
    Person,
    RetentionRun,
    StatusChange,
    Visit,
)

BATCH = 500
# What an anonymised person is called: no name, in any language.
ANONYMISED_NAME = "—"
Kind = DestructionRecord.Kind


@dataclass(frozen=True)
class PlannedLine:
    """What a run would anonymise now under one rule (the dry run)."""

    rule: str
    kind: str
    years: int
    cutoff: date
    count: int
    examples: list[str]


def _scrub_audit_trail(model: type[models.Model], ids: Iterable[int]) -> None:
    """The trail's entries of these records keep who did what and when, not the values."""
    entries = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=list(ids)
        )
    )
    for entry in entries:
        entry.object_repr = ""
        entry.changes_text = ""
        entry.serialized_data = None
        entry.changes = {field: ["", ""] for field in (entry.changes or {})}
    LogEntry.objects.bulk_update(entries, ["object_repr", "changes_text", "serialized_data", "changes"])


def _delete_files_after_commit(names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


def _anonymise_messages(messages: QuerySet[OutgoingMessage]) -> None:
    """The outbox keeps that a message went, when and how, not to whom or what it said."""
    messages.update(recipient="", subject="", body="", last_error="", secret="")


def anonymise_visits(visits: QuerySet[Visit], now: datetime) -> None:
    ids = list(visits.values_list("pk", flat=True))
    Visit.objects.filter(pk__in=ids).update(question="", action_taken="", anonymised_at=now)
    _scrub_audit_trail(Visit, ids)


def anonymise_cases(ids: list[int], now: datetime) -> int:
    """The cases' texts, notes and reasons emptied, their documents destroyed; returns the documents."""
    documents = Document.objects.filter(application_id__in=ids)
    files = [name for name in documents.values_list("file", flat=True) if name]
    _scrub_audit_trail(Document, documents.values_list("pk", flat=True))
    documents.delete()
    notes = Note.objects.filter(application_id__in=ids)
    _scrub_audit_trail(Note, notes.values_list("pk", flat=True))
    notes.update(text="")
    StatusChange.objects.filter(application_id__in=ids).update(reason="")
    events = Event.objects.filter(application_id__in=ids)
    _scrub_audit_trail(Event, events.values_list("pk", flat=True))
    events.update(notes="", outcome="")
    _anonymise_messages(OutgoingMessage.objects.filter(application_id__in=ids))
    extensions = DeadlineExtension.objects.filter(application_id__in=ids)
    _scrub_audit_trail(DeadlineExtension, extensions.values_list("pk", flat=True))
    extensions.update(reason="")
    Application.objects.filter(pk__in=ids).update(
        summary="", decision="", public_answer="", anonymised_at=now
    )
    _scrub_audit_trail(Application, ids)
    anonymise_visits(Visit.objects.filter(application__in=ids), now)
    _delete_files_after_commit(files)
    return len(files)


def _anonymise_consultations(ids: list[int], now: datetime) -> int:
    anonymise_visits(Visit.objects.filter(pk__in=ids), now)
    return 0


def anonymise_online_questions(ids: list[int], now: datetime) -> int:
    attachments = OnlineAttachment.objects.filter(submission_id__in=ids)
    files = [name for name in attachments.values_list("file", flat=True) if name]
    _scrub_audit_trail(OnlineAttachment, attachments.values_list("pk", flat=True))
    attachments.delete()
    OnlineSubmission.objects.filter(pk__in=ids).update(
        full_name="",
        phone="",
        iin="",
        email="",
        employer_name="",
        primary_organization_name="",
        anonymised_at=now,
    )
    _scrub_audit_trail(OnlineSubmission, ids)
    anonymise_visits(Visit.objects.filter(online_submission__in=ids), now)
    _delete_files_after_commit(files)
    return len(files)


def anonymise_persons(ids: list[int], now: datetime) -> int:
    Person.objects.filter(pk__in=ids).update(
        full_name=ANONYMISED_NAME, name_key="", iin="", phone="", email="", anonymised_at=now
    )
    _scrub_audit_trail(Person, ids)
    _anonymise_messages(OutgoingMessage.objects.filter(person_id__in=ids))
    return 0


# The rules whose records carry files (documents, online attachments): their runs count them too.
DESTROYS_FILES = {"closed_cases", "online_questions"}
ANONYMISE: dict[str, Callable[[list[int], datetime], int]] = {
    "closed_cases": anonymise_cases,
    "consultations": _anonymise_consultations,
    "online_questions": anonymise_online_questions,
}


def _in_batches(
    due: Callable[[], QuerySet],
    anonymise: Callable[[list[int], datetime], int],
    counted: DestructionRecord,
    files: DestructionRecord | None = None,
) -> None:
    """Anonymise what `due` selects, BATCH at a time, each batch counted in its own transaction.
    skip_locked: a record another run is anonymising at this moment is left to that run."""
    while True:
        with transaction.atomic(), disable_auditlog():
            ids = list(
                due().select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                return
            destroyed_files = anonymise(ids, timezone.now())
            DestructionRecord.objects.filter(pk=counted.pk).update(count=F("count") + len(ids))
            if files is not None and destroyed_files:
                DestructionRecord.objects.filter(pk=files.pk).update(count=F("count") + destroyed_files)


def _record(
    run: RetentionRun, rule: retention.Rule, kind: str, today: date, code: str = ""
) -> DestructionRecord:
    return DestructionRecord.objects.create(
        run=run, rule=code or rule.code, kind=kind, years=rule.years, cutoff=rule.cutoff(today)
    )


def retention_run(*, started_by: str, today: date | None = None) -> RetentionRun:
    """Apply every rule, then anonymise the persons nothing of whom is kept any longer; one destruction
    record per rule and kind of record, even when nothing was due (the run is on record)."""
    today = today or timezone.localdate()
    run = RetentionRun.objects.create(started_by=started_by)
    for rule in retention.rules():
        counted = _record(run, rule, rule.kind, today)
        files = _record(run, rule, Kind.DOCUMENTS, today) if rule.code in DESTROYS_FILES else None
        _in_batches(partial(retention.DUE[rule.code], today, rule), ANONYMISE[rule.code], counted, files)
    # A person goes after their records, under the shortest period. Batches go on until none is left:
    # a record merged into a person goes once that person has gone.
    shortest = min(retention.rules(), key=lambda rule: rule.years)
    persons = _record(run, shortest, Kind.PERSONS, today, code="persons")
    _in_batches(partial(retention.persons_due, today), anonymise_persons, persons)
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run


def _examples(rule: str, due: QuerySet, limit: int) -> list[str]:
    if rule == "closed_cases":
        return list(due.order_by("pk").values_list("registration_number", flat=True)[:limit])
    return [f"#{pk}" for pk in due.order_by("pk").values_list("pk", flat=True)[:limit]]


def retention_plan(*, today: date | None = None, examples: int = 20) -> list[PlannedLine]:
    """The dry run: what a run would anonymise now, rule by rule, with the first records of each named
    (a case by its number, other records by their id; no personal data). Changes nothing."""
    today = today or timezone.localdate()
    lines = []
    for rule in retention.rules():
        due = retention.DUE[rule.code](today, rule)
        lines.append(
            PlannedLine(
                rule.code,
                rule.kind,
                rule.years,
                rule.cutoff(today),
                due.count(),
                _examples(rule.code, due, examples),
            )
        )
    persons = retention.persons_due(today)
    shortest = min(retention.rules(), key=lambda rule: rule.years)
    lines.append(
        PlannedLine(
            "persons",
            Kind.PERSONS,
            shortest.years,
            shortest.cutoff(today),
            persons.count(),
            _examples("persons", persons, examples),
        )
    )
    return lines
