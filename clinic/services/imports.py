"""Imports of registers (persons, visits, cases) from XLSX and CSV: each row goes through the same
services as the desk (person_build_imported, visit_register, application_build_historical; the desk's
status and decision services for a correction), so it is checked by the same rules. A job is first
checked (a dry run: each chunk rolled back), then, once confirmed, imported in chunks of
CLINIC_IMPORT_CHUNK rows, each chunk in one transaction. What a chunk's rows refer to (persons by IIN
and phone, records by number) is read at once for the chunk (Lookups), the reference lists once.

Idempotency: a person is found by IIN, then by phone, in the center before one is created; a visit or
a case carries the register's own number (`external_key`, unique in the center). A row already
imported is counted unchanged when the record already says what it says, and updated (through the
desk's services: clinic.services.imports._case_row says how) when it differs; the same file imported
twice changes nothing the second time.

Registration numbers: an imported case is numbered by the same gapless per-center-year counter as
any other (the year of its receipt), and the register's number is kept beside it as `external_key`.
Storing the register's numbers as our own would collide with numbers already given that year and
leave the counter with gaps or duplicates; keeping both lets a case be found by either."""

import contextlib
import logging
import secrets
from collections.abc import Iterator
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import acting_as, audit_entries_deferred, audit_entries_write
from organizations.identifiers import normalize_identifier
from organizations.models import TerritorialCenter, User

from .. import rules
from ..imports import (
    COLUMNS,
    References,
    RowError,
    check_headers,
    header,
    parse_date,
    parse_money,
    read_sheet,
    row_values,
    text,
)
from ..models import Application, ImportJob, Person, Status, Visit
from ..validators import normalize_phone
from .applications import (
    application_build_historical,
    application_change_status,
    application_decide,
    application_reopen,
    application_update,
    applications_save_historical,
)
from .common import center_of
from .persons import person_build_imported, person_update, persons_save_new
from .visits import visit_register, visit_update

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

# A service's field names, as the columns of the file call them.
FIELD_COLUMNS = {
    "received_on": "date",
    "visited_at": "date",
    "topics": "topic",
    "question": "summary",
    "confirm_second_case": "topic",
}


class _DryRun(Exception):
    """Raised at the end of a checked chunk to roll back what it wrote."""


def _queue(job: ImportJob) -> None:
    from ..tasks import run_import  # the tasks module imports the services

    job_id = job.pk
    transaction.on_commit(lambda: run_import.delay(job_id))


@transaction.atomic
def import_create(
    *,
    by: User,
    kind: str,
    file: UploadedFile,
    center: TerritorialCenter | None = None,
    language: str = "ru",
    dry_run: bool = True,
) -> ImportJob:
    """Store an uploaded register privately and queue its check (the dry run, confirmed later by
    import_confirm) or, `dry_run=False`, its import. Managers import into their own center; the
    federation's administrators choose one."""
    if center is not None:  # a manager naming another center is refused, not redirected to the own
        rules.ensure_can_import(by, center.pk)
    center = center_of(by, center)
    rules.ensure_can_import(by, center.pk)
    if kind not in ImportJob.Kind.values:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    name = file.name or ""
    if not name.lower().endswith((".xlsx", ".csv")):
        raise ValidationError({"file": _("Upload an .xlsx or .csv file.")})
    job = ImportJob(
        center=center,
        created_by=by,
        kind=kind,
        token=secrets.token_hex(16),
        file_name=name[-255:],
        language=language[:2] if language[:2] in ("ru", "kk", "en") else "ru",
        dry_run=dry_run,
    )
    job.file.save(job.token, file, save=False)
    with acting_as(by):
        job.save()
    _queue(job)
    return job


@transaction.atomic
def import_confirm(*, job: ImportJob, by: User) -> ImportJob:
    """Import a checked file for real."""
    rules.ensure_can_import(by, job.center_id)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.state != ImportJob.State.CHECKED:
        raise ValidationError(_("Only a checked file can be imported."))
    job.dry_run, job.state, job.rows_done = False, ImportJob.State.QUEUED, 0
    with acting_as(by):
        job.save(update_fields=["dry_run", "state", "rows_done"])
    _queue(job)
    return job


def _identity(values: dict[str, Any]) -> tuple[str, str]:
    """The row's IIN and phone, normalized as the desk stores them."""
    raw_iin = values.get("iin")
    if isinstance(raw_iin, int | float):  # typed into a number cell, which dropped the leading zero
        values["iin"] = text(raw_iin).zfill(12)
    iin = normalize_identifier(text(values.get("iin")))
    phone = normalize_phone(text(values.get("phone"))) if text(values.get("phone")) else ""
    return iin, phone


class Lookups(References):
    """What a chunk's rows refer to, read at once: the reference lists (once per job), the center's
    persons with the chunk's IINs and phones, and its visits or cases with the chunk's numbers. A row
    asks here first; a key the chunk has not read (or has changed since) is asked of the database, as
    before. A row's own writes are noted (`note_*`) and kept once its savepoint is released, or
    forgotten with it (`row_done`)."""

    def __init__(self, center: TerritorialCenter, kind: str, by: User) -> None:
        super().__init__()
        self.center, self.kind, self.by = center, kind, by
        self.by_iin: dict[str, Person | None] = {}
        self.by_phone: dict[str, Person | None] = {}
        self.by_key: dict[str, Application | Visit | None] = {}
        self._pending: list[tuple[dict, str, Any]] = []
        # New persons and cases built by the rows, written together by write_new.
        self.new_persons: list[Person] = []
        self.new_cases: list[Application] = []
        self._staged_keys: set[str] = set()
        self._pending_new: tuple[Person | None, Application | None] = (None, None)

    def read_chunk(self, rows: list[dict[str, Any]]) -> None:
        iins, phones, keys = set(), set(), set()
        for values in rows:
            iin, phone = _identity(dict(values))
            iins.add(iin)
            phones.add(phone)
            keys.add(text(values.get("external_key")))
        iins.discard("")
        phones.discard("")
        keys.discard("")
        self.by_iin = dict.fromkeys(iins)
        self.by_phone = dict.fromkeys(phones)
        found = Person.objects.active().filter(center=self.center)
        for person in found.filter(Q(iin__in=iins) | Q(phone__in=phones)).order_by("pk"):
            if person.iin in self.by_iin:
                self.by_iin[person.iin] = person
            if person.phone in self.by_phone and self.by_phone[person.phone] is None:
                self.by_phone[person.phone] = person  # the first registered with it, as _find_person
        self.by_key = {}
        if self.kind != ImportJob.Kind.PERSONS:
            model = Visit if self.kind == ImportJob.Kind.VISITS else Application
            self.by_key = dict.fromkeys(keys)
            for record in model.objects.filter(center=self.center, external_key__in=keys):
                self.by_key[str(record.external_key)] = record
        self._pending = []
        self.new_persons, self.new_cases, self._staged_keys = [], [], set()

    def note_person(self, person: Person, *, changed: bool) -> None:
        """A person created (found from now on) or changed (asked of the database from now on)."""
        if changed:
            for key, table in ((person.iin, self.by_iin), (person.phone, self.by_phone)):
                self._pending.append((table, key, _ASK))
        else:
            self._pending.append((self.by_iin, person.iin, person))
            if self.by_phone.get(person.phone) is None:
                self._pending.append((self.by_phone, person.phone, person))

    def note_record(self, key: str) -> None:
        """A visit or case created or changed: asked of the database from now on."""
        self._pending.append((self.by_key, key, _ASK))

    def stage(self, person: Person | None, case: Application) -> None:
        """A row's new case (and new person), kept for write_new once the row is done."""
        self._pending_new = (person, case)

    def writes_nothing(self, values: dict[str, Any]) -> bool:
        """Whether the row can only build a new case (to be written with the chunk's others), so that
        it needs no savepoint of its own: a case register's number not in the center."""
        key = text(values.get("external_key"))
        if self.kind != ImportJob.Kind.APPLICATIONS or not key:
            return False
        if key in self._staged_keys:  # the number twice in the chunk: the first case written, then asked
            self.write_new()
            self.by_key.pop(key, None)
            return False
        return key in self.by_key and self.by_key[key] is None

    def write_new(self) -> None:
        if self.new_persons:
            persons_save_new(by=self.by, persons=self.new_persons)
        if self.new_cases:
            applications_save_historical(by=self.by, applications=self.new_cases)
        self.new_persons, self.new_cases, self._staged_keys = [], [], set()

    def row_done(self, *, kept: bool) -> None:
        person, case = self._pending_new
        self._pending_new = (None, None)
        if kept and case is not None:
            if person is not None:
                self.new_persons.append(person)
            self.new_cases.append(case)
            self._staged_keys.add(str(case.external_key))
        if kept:
            for table, key, value in self._pending:
                if not key:
                    continue
                if value is _ASK:
                    table.pop(key, None)
                else:
                    table[key] = value
        self._pending = []

    def record(self, model: type[Application] | type[Visit], key: str) -> Any:
        if key in self.by_key:
            return self.by_key[key]
        return model.objects.filter(center=self.center, external_key=key).first()


_ASK = object()  # a key to ask of the database again


def _find_person(lookups: Lookups, iin: str, phone: str) -> tuple[Person | None, bool]:
    """The center's person with the IIN, or else the phone; and whether it was found by the IIN."""
    center = lookups.center
    if iin:
        if iin in lookups.by_iin:
            found = lookups.by_iin[iin]
        else:
            found = Person.objects.active().filter(center=center, iin=iin).first()
        if found is not None:
            return found, True
    if phone:
        if phone in lookups.by_phone:
            return lookups.by_phone[phone], False
        return Person.objects.active().filter(center=center, phone=phone).order_by("pk").first(), False
    return None, False


def _person(
    values: dict[str, Any], lookups: Lookups, by: User, *, staged: bool = False
) -> tuple[Person, bool]:
    """The center's person with the row's IIN, or else its phone; a new one when neither is found:
    written at once, or (`staged`) built for Lookups.write_new to write with the chunk's others."""
    iin, phone = _identity(values)
    found, _by_iin = _find_person(lookups, iin, phone)
    if found is not None:
        return found, False
    person = person_build_imported(
        by=by,
        center=lookups.center,
        full_name=text(values.get("full_name")),
        iin=text(values.get("iin")),
        phone=text(values.get("phone")),
        email=text(values.get("email")),
    )
    if not staged:
        persons_save_new(by=by, persons=[person])
    lookups.note_person(person, changed=False)
    return person, True


def _person_row(values: dict[str, Any], lookups: Lookups, by: User) -> str:
    """A row of the persons' register: a new person, or the found one's details brought to the row's.
    Found by the IIN, the person takes the row's name, phone and e-mail; found by a phone only (which a
    family may share), only the blanks are filled, never a name replaced."""
    if not text(values.get("iin")) and not text(values.get("phone")):
        # Without either, the same file imported twice would register the person twice.
        raise RowError("iin", _("Fill in the IIN or the phone: a person is found again by them."))
    iin, phone = _identity(values)
    found, by_iin = _find_person(lookups, iin, phone)
    if found is None:
        _person(values, lookups, by)
        return CREATED
    wanted = {
        "full_name": " ".join(text(values.get("full_name")).split()),
        "iin": iin,
        "phone": phone,
        "email": text(values.get("email")).lower(),
    }
    changes: dict[str, Any] = {
        field: value
        for field, value in wanted.items()
        if field in values
        and value
        and value != getattr(found, field)
        and (by_iin or not getattr(found, field))
    }
    if not changes:
        return UNCHANGED
    lookups.note_person(found, changed=True)  # its old IIN and phone
    lookups.note_person(person_update(person=found, by=by, **changes), changed=True)
    return UPDATED


def _required_date(values: dict[str, Any], column: str):
    value = parse_date(values.get(column), column)
    if value is None:
        raise RowError(column, _("This column must be filled in."))
    return value


def _visit_row(job: ImportJob, key: str, values: dict[str, Any], refs: Lookups) -> str:
    """A visit: registered, or the one with the register's number corrected to the row (its channel,
    topic and question; the day and the person stay as recorded)."""
    by = job.created_by
    visited_on = _required_date(values, "date")
    channel, topic = refs.get("channel", values.get("channel")), refs.get("topic", values.get("topic"))
    visit = refs.record(Visit, key)
    if visit is not None:
        changes: dict[str, Any] = {}
        if visit.channel_id != channel.pk:
            changes["channel"] = channel
        if set(visit.topics.values_list("pk", flat=True)) != {topic.pk}:
            changes["topics"] = [topic]
        if "summary" in values and visit.question != text(values.get("summary")):
            changes["question"] = text(values.get("summary"))
        if not changes:
            return UNCHANGED
        visit_update(visit=visit, by=by, **changes)
        refs.note_record(key)
        return UPDATED
    person, _created = _person(values, refs, by)
    visit_register(
        by=by,
        person=person,
        channel=channel,
        topics=[topic],
        question=text(values.get("summary")),
        visited_at=timezone.make_aware(datetime.combine(visited_on, time(9))),
        external_key=key,
    )
    refs.note_record(key)
    return CREATED


DECIDED_STATUSES = (Status.DECIDED, Status.CLOSED)


def _bring_to(case: Application, status: str, by: User, decision: dict[str, Any]) -> Application:
    """Move a case along the desk's transitions to `status`, deciding it with `decision` on the way; a
    status the case cannot reach (back to registered, say) is refused by the services."""
    if case.status == Status.REGISTERED and status != Status.REGISTERED:
        case = application_change_status(application=case, by=by, to_status=Status.IN_PROGRESS)
    if case.status == Status.ON_HOLD and status != Status.ON_HOLD:
        case = application_change_status(application=case, by=by, to_status=Status.IN_PROGRESS)
    if case.status == Status.IN_PROGRESS and status == Status.ON_HOLD:
        case = application_change_status(application=case, by=by, to_status=Status.ON_HOLD)
    if case.status == Status.IN_PROGRESS and status in DECIDED_STATUSES:
        case = application_decide(application=case, by=by, **decision)
    if case.status == Status.DECIDED and status == Status.CLOSED:
        case = application_change_status(application=case, by=by, to_status=Status.CLOSED)
    if case.status != status:
        case = application_change_status(application=case, by=by, to_status=Status(status))
    return case


def _case_row(job: ImportJob, key: str, values: dict[str, Any], refs: Lookups) -> str:
    """A case: registered and brought to the row's status, or the one with the register's number
    corrected to the row. A correction goes through the desk's services: the description while the
    case is open, the status along the allowed transitions, and a decided case whose outcome (or
    anything else) differs is reopened by the import, with the file named as the reason, and decided
    again. The receipt date and the kind, which gave the case its number and due date, stay."""
    by = job.created_by
    received_on = _required_date(values, "date")
    service, kind = refs.get("service", values.get("service")), refs.get("kind", values.get("kind"))
    topic, channel = refs.get("topic", values.get("topic")), refs.get("channel", values.get("channel"))
    status = refs.status(values.get("status"))
    outcome = refs.get("outcome", values.get("outcome"), required=status in DECIDED_STATUSES)
    decided_on = parse_date(values.get("decided_on"), "decided_on")
    recovered = parse_money(values.get("recovered_kzt"), "recovered_kzt")
    case = refs.record(Application, key)
    if case is None:
        person, created = _person(values, refs, by, staged=True)
        decided = status in DECIDED_STATUSES
        case = application_build_historical(
            by=by,
            person=person,
            service=service,
            kind=kind,
            topic=topic,
            channel=channel,
            received_on=received_on,
            status=status,
            summary=text(values.get("summary")),
            outcome=outcome if decided else None,
            decision=text(values.get("decision")) if decided else "",
            recovered_kzt=recovered if decided else Decimal(0),
            decided_on=(decided_on or received_on) if decided else None,
            external_key=key,
        )
        refs.stage(person if created else None, case)
        return CREATED
    refs.note_record(key)
    if "status" not in values:
        status = case.status  # a register without the column says nothing of the status
    description: dict[str, Any] = {
        field: item
        for field, item in (("service", service), ("topic", topic), ("channel", channel))
        if getattr(case, f"{field}_id") != item.pk
    }
    if "summary" in values and case.summary != text(values.get("summary")):
        description["summary"] = text(values.get("summary"))
    # A column the register lacks keeps the case's value.
    decision = {
        "outcome": outcome if "outcome" in values else case.outcome,
        "decision": text(values.get("decision")) if "decision" in values else case.decision,
        "recovered_kzt": recovered if "recovered_kzt" in values else case.recovered_kzt,
        "decided_on": (decided_on if "decided_on" in values else case.decided_on) or case.received_on,
    }
    decision_differs = status in DECIDED_STATUSES and (
        case.outcome_id != getattr(decision["outcome"], "pk", None)
        or case.decision != decision["decision"]
        or case.recovered_kzt != decision["recovered_kzt"]
        or case.decided_on != decision["decided_on"]
    )
    if not description and status == case.status and not decision_differs:
        return UNCHANGED
    if case.status in DECIDED_STATUSES:
        reason = _("Corrected by the import of the register %(file)s.") % {"file": job.file_name}
        case = application_reopen(application=case, by=by, reason=reason)
    if description:
        case = application_update(application=case, by=by, **description)
    _bring_to(case, status, by, decision)
    return UPDATED


def _import_row(job: ImportJob, values: dict[str, Any], refs: Lookups) -> str:
    if job.kind == ImportJob.Kind.PERSONS:
        return _person_row(values, refs, job.created_by)
    key = text(values.get("external_key"))
    if not key:
        raise RowError("external_key", _("This column must be filled in."))
    if job.kind == ImportJob.Kind.VISITS:
        return _visit_row(job, key, values, refs)
    return _case_row(job, key, values, refs)


def _refusals(error: Exception, language: str) -> list[tuple[str, str]]:
    """(column header, message) of a refused row."""
    if isinstance(error, RowError):
        return [(header(error.column, language), error.message)]
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        found: list[tuple[str, str]] = []
        for name, errors in error.message_dict.items():
            column = FIELD_COLUMNS.get(name, name)
            label = header(column, language) if column in COLUMNS else ""
            found.extend((label, message) for message in errors)
        return found
    if isinstance(error, ValidationError):
        return [("", message) for message in error.messages]
    return [("", str(error))]


def _chunks(rows: Iterator[tuple[int, list[Any]]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    chunk: list[tuple[int, list[Any]]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run_chunk(job: ImportJob, sheet, chunk, refs: Lookups, counts: dict[str, int], refused: list) -> None:
    """One chunk in one transaction, each row in a savepoint: a refused row is left out; a chunk that
    fails as a whole leaves nothing behind, and its rows are reported refused."""
    chunk_counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
    chunk_refused: list[dict] = []
    try:
        # The check writes nothing for good, and no audit entry either (auditlog's diff of each record
        # would be half its time).
        quiet = disable_auditlog() if job.dry_run else contextlib.nullcontext()
        with transaction.atomic(), audit_entries_deferred() as audit, quiet:
            rows = [(number, row_values(sheet, cells)) for number, cells in chunk]
            refs.read_chunk([values for _number, values in rows])
            for number, values in rows:
                mark = len(audit)
                try:
                    if refs.writes_nothing(values):
                        chunk_counts[_import_row(job, values, refs)] += 1
                    else:
                        with transaction.atomic():
                            chunk_counts[_import_row(job, values, refs)] += 1
                    refs.row_done(kept=True)
                except (RowError, ValidationError, PermissionDenied) as error:
                    refs.row_done(kept=False)
                    del audit[mark:]  # the row's writes were rolled back, and so are their entries
                    for column, message in _refusals(error, job.language):
                        chunk_refused.append({"row": number, "column": column, "message": message})
            refs.write_new()
            if job.dry_run:
                raise _DryRun  # nothing is written, nor the entries of what would have been
            audit_entries_write(audit)
    except _DryRun:
        pass
    except Exception as error:  # noqa: BLE001  (the chunk is rolled back; the job goes on)
        chunk_counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        message = _("The chunk of rows %(first)s–%(last)s was not imported: %(error)s") % {
            "first": chunk[0][0],
            "last": chunk[-1][0],
            "error": error,
        }
        chunk_refused = [{"row": number, "column": "", "message": message} for number, _cells in chunk]
    for outcome, count in chunk_counts.items():
        counts[outcome] += count
    refused.extend(chunk_refused)


def import_run(*, job_id: int) -> ImportJob:
    """Check (dry run) or import a queued job, saving its progress after each chunk."""
    job = ImportJob.objects.select_related("center", "created_by").get(pk=job_id)
    if job.state not in (ImportJob.State.QUEUED, ImportJob.State.CHECKING, ImportJob.State.RUNNING):
        return job  # a second delivery of a finished job
    with translation.override(job.language):
        job.state = ImportJob.State.CHECKING if job.dry_run else ImportJob.State.RUNNING
        job.created = job.updated = job.unchanged = job.refused = job.rows_done = 0
        job.refused_rows, job.error = [], ""
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        refused: list[dict] = []
        try:
            with job.file.open("rb") as file:
                sheet = read_sheet(file, job.file_name)
                check_headers(sheet, job.kind, job.language)
                job.rows_total = sum(1 for _row in sheet.rows)
            job.save()
            refs = Lookups(job.center, job.kind, job.created_by)
            with job.file.open("rb") as file:
                sheet = read_sheet(file, job.file_name)
                for chunk in _chunks(sheet.rows, settings.CLINIC_IMPORT_CHUNK):
                    _run_chunk(job, sheet, chunk, refs, counts, refused)
                    job.rows_done += len(chunk)
                    ImportJob.objects.filter(pk=job.pk).update(rows_done=job.rows_done)
            job.state = ImportJob.State.CHECKED if job.dry_run else ImportJob.State.DONE
        except ValidationError as error:
            job.state = ImportJob.State.FAILED
            job.error = " ".join(error.messages)
        except Exception:  # a file that breaks while read: the job says so instead of staying "importing"
            logger.exception("Import %s failed", job.pk)
            job.state = ImportJob.State.FAILED
            job.error = _("The file could not be read to its end: the counts are of the rows before.")
        job.created, job.updated, job.unchanged = counts[CREATED], counts[UPDATED], counts[UNCHANGED]
        job.refused = len({item["row"] for item in refused})
        job.refused_rows = refused
        job.finished_at = timezone.now()
        with acting_as(job.created_by):
            job.save()
    return job
