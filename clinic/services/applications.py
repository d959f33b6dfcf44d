"""Writes to cases (applications): registered with their number and due date, moved through the
statuses, decided, reopened, assigned, extended, corrected, noted."""

from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import ForeignKey
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import acting_as, created_in_bulk
from core.versioning import assign_changes, locked, save_changes
from organizations.models import Employer, RepresentativeOffice, Role, TerritorialCenter, User

from .. import rules, workdays
from ..models import (
    TRANSITIONS,
    Application,
    ApplicationKind,
    Channel,
    DeadlineExtension,
    Note,
    Outcome,
    Person,
    RegistrationCounter,
    Service,
    Status,
    StatusChange,
    Topic,
    Visit,
)
from ..selectors import open_cases_on_topic
from .messages import Purpose, queue_applicant_messages


def due_date(kind: ApplicationKind, received_on: date) -> date:
    """The answer is due `kind.deadline_working_days` working days after receipt (0: the same day)."""
    return workdays.add_working_days(received_on, kind.deadline_working_days)


def online_due_date(sent_on: date) -> date:
    """An online question is a written application: answered within that kind's deadline (kinds.json)."""
    written = ApplicationKind.objects.filter(pk=ApplicationKind.WRITTEN_APPLICATION).first()
    return due_date(written, sent_on) if written else sent_on


def _next_sequence(center: TerritorialCenter, year: int, count: int = 1) -> int:
    """The next number of the center's year (or the last of the next `count`)."""
    # One UPDATE ... RETURNING: the counter row is locked until the transaction commits, so parallel
    # registrations queue here; a rolled-back registration rolls its number back too, leaving no gap.
    # The year's first number creates the row (get_or_create survives a parallel creation).
    sql = (
        f"UPDATE {RegistrationCounter._meta.db_table} SET last_sequence = last_sequence + %s "
        "WHERE center_id = %s AND year = %s RETURNING last_sequence"
    )
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [count, center.pk, year])
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        RegistrationCounter.objects.get_or_create(center=center, year=year)
    raise RuntimeError("The registration counter could not be created.")  # pragma: no cover


def _ensure_lawyer_of(center_id: int, lawyer: User | None) -> None:
    if lawyer is not None and (
        lawyer.role not in (Role.LAWYER, Role.MANAGER) or lawyer.center_id != center_id
    ):
        raise ValidationError({"lawyer": _("Choose a lawyer of this center.")})


def _ensure_not_merged(person: Person) -> None:
    if person.merged_into_id is not None:
        raise ValidationError({"person": _("This record was merged into another person's: choose that one.")})


def _due_on_for_receipt(kind: ApplicationKind, received_on: date) -> date:
    """The due date of a case received that day; a day in the future or beyond the calendar is refused."""
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    try:
        return due_date(kind, received_on)
    except workdays.UnknownYearError as error:
        message = _("The working-day calendar does not cover %(year)s: check the date of receipt.")
        raise ValidationError({"received_on": message % {"year": error.year}}) from error


def _new_application(
    *,
    by: User,
    person: Person,
    service: Service,
    kind: ApplicationKind,
    topic: Topic | None,
    channel: Channel,
    summary: str,
    received_on: date,
    due_on: date,
    **fields: Any,
) -> Application:
    """A case as the desk and the import build it (not yet checked nor saved): the person's center,
    the year of receipt, the author; `fields` what differs between them."""
    return Application(
        center=person.center,
        year=received_on.year,
        person=person,
        service=service,
        kind=kind,
        topic=topic,
        channel=channel,
        summary=summary.strip(),
        received_on=received_on,
        due_on=due_on,
        registered_by=by,
        **fields,
    )


# The foreign keys a new case is given as model instances, read from the database by the caller.
_RELATIONS = ["center", "office", "person", "visit", "employer", "service", "kind", "topic", "channel"]
_RELATIONS += ["lawyer", "outcome", "registered_by"]


def _related(application: Application, name: str) -> Any:
    """The instance given for a relation, or its id (a person the import is about to write has none
    yet), without a query."""
    field = Application._meta.get_field(name)
    assert isinstance(field, ForeignKey)
    cached = field.get_cached_value(application, None) if field.is_cached(application) else None
    return cached if cached is not None else getattr(application, field.attname)


def _check_fields(application: Application) -> None:
    """The new case's own field rules (lengths, choices, digits, the required relations present),
    without a query each: a relation given as an instance exists, and the number is the counter's
    (its uniqueness stands behind in the database)."""
    given = [name for name in _RELATIONS if _related(application, name) is not None]
    application.full_clean(exclude=given, validate_unique=False, validate_constraints=False)


@transaction.atomic
def application_register(
    *,
    by: User,
    person: Person,
    service: Service,
    kind: ApplicationKind,
    topic: Topic | None,  # None (a visit without topics) is refused by full_clean, as any missing field
    channel: Channel,
    received_on: date | None = None,
    summary: str = "",
    employer: Employer | None = None,
    office: RepresentativeOffice | None = None,
    lawyer: User | None = None,
    visit: Visit | None = None,
    confirm_second_case: bool = False,
) -> Application:
    """Register a case with its number <CENTER>-<YEAR>-<00001> and its due date in working days. A
    second open case of the person on the same topic only when `confirm_second_case`."""
    center = person.center
    rules.ensure_can_register(by, center)
    _ensure_lawyer_of(center.pk, lawyer)
    _ensure_not_merged(person)
    if not confirm_second_case:
        ensure_no_open_case_on_topic(person, topic)
    received_on = received_on or timezone.localdate()
    due_on = _due_on_for_receipt(kind, received_on)
    sequence = _next_sequence(center, received_on.year)
    application = _new_application(
        by=by,
        person=person,
        service=service,
        kind=kind,
        topic=topic,
        channel=channel,
        summary=summary,
        received_on=received_on,
        due_on=due_on,
        office=office or by.office,
        sequence=sequence,
        registration_number=f"{center.code}-{received_on.year}-{sequence:05d}",
        visit=visit,
        employer=employer or person.employer,
        lawyer=lawyer,
    )
    _check_fields(application)
    with acting_as(by):
        application.save()
        StatusChange.objects.create(application=application, to_status=Status.REGISTERED, changed_by=by)
    queue_applicant_messages(purpose=Purpose.REGISTRATION, application=application)
    return application


# The statuses a case of a kept register passes through on its way to the one it is in: the desk's
# transitions (TRANSITIONS), recorded in its history as if it had gone through them.
PATH_TO: dict[str, tuple[str, ...]] = {
    Status.REGISTERED: (),
    Status.IN_PROGRESS: (Status.IN_PROGRESS,),
    Status.ON_HOLD: (Status.IN_PROGRESS, Status.ON_HOLD),
    Status.DECIDED: (Status.IN_PROGRESS, Status.DECIDED),
    Status.CLOSED: (Status.IN_PROGRESS, Status.DECIDED, Status.CLOSED),
}


def application_build_historical(
    *,
    by: User,
    person: Person,
    service: Service,
    kind: ApplicationKind,
    topic: Topic,
    channel: Channel,
    received_on: date,
    status: str = Status.REGISTERED,
    summary: str = "",
    outcome: Outcome | None = None,
    decision: str = "",
    recovered_kzt: Decimal = Decimal(0),
    decided_on: date | None = None,
    external_key: str | None = None,
) -> Application:
    """A case of a kept register (an import), in the state the register gives it, checked and not
    yet saved, for applications_save_historical to write with others at once (nothing is written
    here: a refusal leaves the caller's transaction as it was). The rules of application_register,
    application_change_status and application_decide on the way: receipt not in the future, a
    decided or closed case with an outcome and a decision date between receipt and today, money not
    negative; the register's own number is kept as `external_key`.

    The caller has found no case with `external_key` in the center (the import looks a chunk's keys
    up at once); the database's unique constraint stands behind that. Foreign keys are the given
    instances and are not queried again."""
    center = person.center
    rules.ensure_can_register(by, center)
    _ensure_not_merged(person)
    today = timezone.localdate()
    due_on = _due_on_for_receipt(kind, received_on)
    decided = status in (Status.DECIDED, Status.CLOSED)
    if decided:
        if outcome is None:
            raise ValidationError({"outcome": _("A decided case needs an outcome.")}, code="required")
        if decided_on is None or decided_on < received_on or decided_on > today:
            raise ValidationError({"decided_on": _("The decision date must lie between receipt and today.")})
    else:  # the outcome of an open case is recorded when it is decided
        outcome, decision, recovered_kzt, decided_on = None, "", Decimal(0), None
    if recovered_kzt < 0:
        message = _("“%(value)s” is not an amount of money.") % {"value": recovered_kzt}
        raise ValidationError({"recovered_kzt": message})
    application = _new_application(
        by=by,
        person=person,
        service=service,
        kind=kind,
        topic=topic,
        channel=channel,
        summary=summary,
        received_on=received_on,
        due_on=due_on,
        office=by.office,
        sequence=0,  # numbered when saved, with the chunk's others
        employer=person.employer,
        status=status,
        outcome=outcome,
        decision=decision.strip(),
        recovered_kzt=recovered_kzt,
        decided_on=decided_on,
        external_key=external_key or None,
    )
    if status != Status.REGISTERED:
        rules.ensure_can_work(by, application)
    _check_fields(application)  # the caller has looked the register's number up already
    return application


@transaction.atomic(savepoint=False)  # called by the import, inside the chunk's transaction
def applications_save_historical(*, by: User, applications: list[Application]) -> list[Application]:
    """Write cases built by application_build_historical at once: numbered in their order from the
    center's counter for their year (one block each), inserted together, each with its history of
    statuses and its one audit entry ("created", as a save writes it), and the messages of the
    applicants who consented queued. Their persons are saved before (persons_save_new)."""
    by_year: dict[tuple[TerritorialCenter, int], list[Application]] = {}
    for application in applications:
        by_year.setdefault((application.center, application.year), []).append(application)
    for (center, year), numbered in by_year.items():
        last = _next_sequence(center, year, len(numbered))
        for sequence, application in enumerate(numbered, start=last - len(numbered) + 1):
            application.sequence = sequence
            application.registration_number = f"{center.code}-{year}-{sequence:05d}"
    with acting_as(by):
        Application.objects.bulk_create(applications)
        created_in_bulk(applications)
    history = []
    for application in applications:
        steps = [Status.REGISTERED, *PATH_TO.get(application.status, ())]
        history += [
            StatusChange(application=application, from_status=before or "", to_status=after, changed_by=by)
            for before, after in zip([None, *steps], steps, strict=False)
        ]
    StatusChange.objects.bulk_create(history)
    for application in applications:
        person = application.person
        if person.notify_by_email or person.notify_by_sms:  # nothing to queue for the others
            queue_applicant_messages(purpose=Purpose.REGISTRATION, application=application)
            if application.status in (Status.DECIDED, Status.CLOSED):
                queue_applicant_messages(purpose=Purpose.DECISION, application=application)
    return applications


def ensure_no_open_case_on_topic(person: Person, topic: Topic | None) -> None:
    """Refuse a second case while the person has an open one on the same topic, naming it: the user
    confirms (`confirm_second_case`) when a second case is meant."""
    open_cases = open_cases_on_topic(person, topic)
    if open_cases:
        raise ValidationError(
            {
                "confirm_second_case": _(
                    "%(person)s already has an open case on this topic: %(cases)s. Work on that case, or "
                    "confirm that a second case is to be opened."
                )
                % {
                    "person": person.full_name,
                    "cases": ", ".join(
                        _("%(number)s of %(date)s")
                        % {
                            "number": case.registration_number,
                            "date": date_format(case.received_on, "SHORT_DATE_FORMAT"),
                        }
                        for case in open_cases
                    ),
                }
            },
            code="second_case",
        )


def _move(application: Application, to_status: Status, by: User, reason: str = "") -> None:
    StatusChange.objects.create(
        application=application,
        from_status=application.status,
        to_status=to_status,
        reason=reason,
        changed_by=by,
    )
    application.status = to_status


@transaction.atomic
def application_change_status(
    *,
    application: Application,
    by: User,
    to_status: Status,
    reason: str = "",
    expected_version: int | None = None,
) -> Application:
    """Move a case along its allowed transitions; deciding goes through application_decide."""
    rules.ensure_can_work(by, application)
    application = locked(application, expected_version)
    rules.ensure_can_work(by, application)  # again on the locked row: it may have been reassigned
    if to_status == Status.DECIDED:
        raise ValidationError({"status": _("Record the outcome to decide a case.")})
    if to_status not in TRANSITIONS[application.status]:
        raise ValidationError(
            {
                "status": _("A case cannot go from “%(from)s” to “%(to)s”.")
                % {"from": application.get_status_display(), "to": Status(to_status).label}
            },
            code="transition",
        )
    with acting_as(by):
        _move(application, to_status, by, reason)
        return save_changes(application, ["status"])


@transaction.atomic
def application_decide(
    *,
    application: Application,
    by: User,
    outcome: Outcome | None,
    decision: str = "",
    recovered_kzt: Decimal = Decimal(0),
    decided_on: date | None = None,
    expected_version: int | None = None,
) -> Application:
    """Record the outcome of a case in progress; only the assigned lawyer or a manager may decide."""
    rules.ensure_can_work(by, application)
    application = locked(application, expected_version)
    rules.ensure_can_work(by, application)  # again on the locked row: it may have been reassigned
    if Status.DECIDED not in TRANSITIONS[application.status]:
        raise ValidationError(
            {
                "status": _("Only a case in progress can be decided (this one is “%s”).")
                % application.get_status_display()
            },
            code="transition",
        )
    if outcome is None:
        raise ValidationError({"outcome": _("A decided case needs an outcome.")}, code="required")
    decided_on = decided_on or timezone.localdate()
    if decided_on < application.received_on or decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The decision date must lie between receipt and today.")})
    application.outcome, application.decision = outcome, decision.strip()
    application.recovered_kzt, application.decided_on = recovered_kzt, decided_on
    with acting_as(by):
        _move(application, Status.DECIDED, by)
        application = save_changes(
            application, ["status", "outcome", "decision", "recovered_kzt", "decided_on"]
        )
    queue_applicant_messages(purpose=Purpose.DECISION, application=application)
    return application


@transaction.atomic
def application_reopen(
    *, application: Application, by: User, reason: str, expected_version: int | None = None
) -> Application:
    """A manager reopens a decided or closed case, with a reason; its outcome is cleared."""
    rules.ensure_can_manage(by, application.center_id)
    application = locked(application, expected_version)
    if application.status not in (Status.DECIDED, Status.CLOSED):
        raise ValidationError({"status": _("Only a decided or closed case can be reopened.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    application.outcome, application.decided_on = None, None
    with acting_as(by):
        _move(application, Status.IN_PROGRESS, by, reason.strip())
        return save_changes(application, ["status", "outcome", "decided_on"])


@transaction.atomic
def application_assign(
    *, application: Application, by: User, lawyer: User | None, expected_version: int | None = None
) -> Application:
    """A manager gives the case to a lawyer of the center (or takes it back with None)."""
    rules.ensure_can_manage(by, application.center_id)
    application = locked(application, expected_version)
    _ensure_lawyer_of(application.center_id, lawyer)
    application.lawyer = lawyer
    with acting_as(by):
        return save_changes(application, ["lawyer"])


@transaction.atomic
def application_extend_deadline(
    *,
    application: Application,
    by: User,
    new_due_on: date,
    reason: str,
    applicant_notified_on: date | None = None,
    expected_version: int | None = None,
) -> DeadlineExtension:
    """A manager extends the deadline by a reasoned decision: at most 2 months from receipt in all,
    the applicant told within 3 working days: by the manager (`applicant_notified_on`), or by the
    extension's message, whose sending records the day."""
    rules.ensure_can_manage(by, application.center_id)
    application = locked(application, expected_version)
    errors = {}
    latest = application.received_on + relativedelta(months=settings.CLINIC_EXTENSION_MAX_MONTHS)
    today = timezone.localdate()
    if not application.kind.extendable:
        errors["new_due_on"] = _("The deadline of this kind of application cannot be extended.")
    elif not application.is_open:
        errors["new_due_on"] = _("Only an open case's deadline can be extended.")
    elif new_due_on <= application.due_on:
        errors["new_due_on"] = _("The new due date must be later than the current one.")
    elif new_due_on > latest:
        errors["new_due_on"] = (
            _("The deadline may be extended to %s at the latest (2 months in all).") % latest
        )
    if not reason.strip():
        errors["reason"] = _("Give the reason for the extension.")
    if applicant_notified_on and not today <= applicant_notified_on <= workdays.add_working_days(today, 3):
        errors["applicant_notified_on"] = _("The applicant must be told within 3 working days.")
    if errors:
        raise ValidationError(errors)
    with acting_as(by):
        extension = DeadlineExtension.objects.create(
            application=application,
            previous_due_on=application.due_on,
            new_due_on=new_due_on,
            reason=reason.strip(),
            extended_by=by,
            applicant_notified_on=applicant_notified_on,
        )
        application.due_on = new_due_on
        save_changes(application, ["due_on"])
    queue_applicant_messages(purpose=Purpose.EXTENSION, extension=extension)
    return extension


APPLICATION_EDITABLE = {"topic", "channel", "summary", "employer", "service"}


@transaction.atomic
def application_update(
    *, application: Application, by: User, expected_version: int | None = None, **changes
) -> Application:
    """Correct a case's description (topic, channel, summary, employer) while it is open."""
    rules.ensure_can_work(by, application)
    application = locked(application, expected_version)
    rules.ensure_can_work(by, application)  # again on the locked row: it may have been reassigned
    if not application.is_open:
        raise ValidationError(_("A decided case cannot be edited; a manager may reopen it."))
    assign_changes(application, changes, editable=APPLICATION_EDITABLE)
    with acting_as(by):
        return save_changes(application, changes)


@transaction.atomic
def note_add(*, application: Application, by: User, text: str) -> Note:
    rules.ensure_can_work(by, application)
    application = locked(application)
    rules.ensure_can_work(by, application)  # again on the locked row: it may have been reassigned
    note = Note(application=application, text=text.strip(), author=by)
    note.full_clean()
    with acting_as(by):
        note.save()
    return note
