"""Every write to the clinic's records. Keyword-only, atomic, checked against the role rules,
attributed in the audit trail. Views, serializers, admin, commands and tasks all call these."""

import secrets
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.versioning import VersionConflict, locked, save_changes
from organizations.identifiers import normalize_identifier
from organizations.models import (
    Employer,
    PrimaryOrganization,
    RepresentativeOffice,
    Role,
    TerritorialCenter,
    User,
)

from . import online, rules, throttle, workdays
from .models import (
    TRANSITIONS,
    Application,
    ApplicationKind,
    Channel,
    DeadlineExtension,
    Document,
    LaborDispute,
    Note,
    OnlineAttachment,
    OnlineSubmission,
    Outcome,
    Person,
    PreventedDispute,
    RegistrationCounter,
    Service,
    Status,
    StatusChange,
    Topic,
    Visit,
)
from .validators import normalize_phone

__all__ = ["VersionConflict"]  # re-exported: callers catch it from the services they call


def _center_of(user: User, center: TerritorialCenter | None) -> TerritorialCenter:
    """Center staff always work in their own center; federation staff must name one."""
    if user.center_id:
        return user.center
    if center is None:
        raise ValidationError({"center": _("Choose the territorial center.")})
    return center


# Persons


def _normalized_person_fields(fields: dict) -> dict:
    if "full_name" in fields:
        fields["full_name"] = " ".join((fields["full_name"] or "").split())
    if "iin" in fields:
        fields["iin"] = normalize_identifier(fields["iin"] or "")
    if "phone" in fields:
        fields["phone"] = normalize_phone(fields["phone"] or "")
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
    return fields


def _ensure_iin_free(person: Person) -> None:
    if not person.iin:
        return
    existing = Person.objects.filter(center_id=person.center_id, iin=person.iin).exclude(pk=person.pk).first()
    if existing:
        raise ValidationError(
            {
                "iin": _("A person with this IIN is already registered: %(name)s (record %(id)s).")
                % {"name": existing.full_name, "id": existing.pk}
            },
            code="duplicate",
        )


def _person_new(
    *,
    center: TerritorialCenter,
    full_name: str,
    iin: str = "",
    phone: str = "",
    email: str = "",
    is_union_member: bool = False,
    primary_organization: PrimaryOrganization | None = None,
    employer: Employer | None = None,
    public: bool = False,
) -> Person:
    """A new, validated, unsaved person: the checks of every way a person is registered.

    `public`: typed into the public page, where a refusal must not tell whether an IIN is registered
    (the caller looks the person up instead of refusing a duplicate)."""
    person = Person(
        center=center,
        is_union_member=is_union_member,
        primary_organization=primary_organization,
        employer=employer,
        **_normalized_person_fields({"full_name": full_name, "iin": iin, "phone": phone, "email": email}),
    )
    if public:
        person.full_clean(validate_constraints=False)
        return person
    _ensure_iin_free(person)
    person.full_clean()
    return person


@transaction.atomic
def person_create(
    *,
    by: User,
    full_name: str,
    center: TerritorialCenter | None = None,
    iin: str = "",
    phone: str = "",
    email: str = "",
    is_union_member: bool = False,
    primary_organization: PrimaryOrganization | None = None,
    employer: Employer | None = None,
) -> Person:
    """Register an applicant; a second person with the same IIN in the center is refused."""
    center = _center_of(by, center)
    rules.ensure_can_register(by, center)
    person = _person_new(
        center=center,
        full_name=full_name,
        iin=iin,
        phone=phone,
        email=email,
        is_union_member=is_union_member,
        primary_organization=primary_organization,
        employer=employer,
    )
    with acting_as(by):
        person.save()
    return person


def _ensure_editable(changes: dict, editable: set[str]) -> None:
    """A caller's mistake, not the user's: the forms and serializers offer only the editable fields."""
    unknown = set(changes) - editable
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")


APPLICATION_EDITABLE = {"topic", "channel", "summary", "employer", "service"}
PERSON_EDITABLE = {
    "full_name",
    "iin",
    "phone",
    "email",
    "is_union_member",
    "primary_organization",
    "employer",
}


@transaction.atomic
def person_update(*, person: Person, by: User, expected_version: int | None = None, **changes) -> Person:
    """Change a person's details; the same checks as on creation."""
    _ensure_editable(changes, PERSON_EDITABLE)
    rules.ensure_can_register(by, person.center)
    person = locked(person, expected_version)
    for field, value in _normalized_person_fields(changes).items():
        setattr(person, field, value)
    _ensure_iin_free(person)
    with acting_as(by):
        return save_changes(person, changes)


# Visits (public reception)


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
) -> Visit:
    """Record who came, when, through which channel and about what."""
    rules.ensure_can_register(by, person.center)
    visit = Visit(
        center_id=person.center_id,
        office=office or by.office,
        person=person,
        employer=employer or person.employer,
        channel=channel,
        question=question.strip(),
        visited_at=visited_at or timezone.now(),
        registered_by=by,
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
    _ensure_editable(changes, VISIT_EDITABLE)
    rules.ensure_can_register(by, visit.center)
    visit = locked(visit, expected_version)
    topics = changes.pop("topics", None)
    if topics is not None and not list(topics):
        raise ValidationError({"topics": _("Choose at least one topic.")})
    for field, value in changes.items():
        setattr(visit, field, value)
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
) -> Application:
    """Turn the visit into a case for a lawyer; the visit and the case are saved together or not at all."""
    rules.ensure_can_register(by, visit.center)
    visit = locked(visit, expected_version)
    _ensure_visit_pending(visit)
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
    )
    visit.result = Visit.Result.CASE_OPENED
    visit.action_taken = visit.action_taken or _("Case %s opened.") % application.registration_number
    with acting_as(by):
        save_changes(visit, ["result", "action_taken"])
    return application


# Applications


def due_date(kind: ApplicationKind, received_on: date) -> date:
    """The answer is due `kind.deadline_working_days` working days after receipt (0: the same day)."""
    return workdays.add_working_days(received_on, kind.deadline_working_days)


def online_due_date(sent_on: date) -> date:
    """An online question is a written application: answered within that kind's deadline (kinds.json)."""
    written = ApplicationKind.objects.filter(pk=ApplicationKind.WRITTEN_APPLICATION).first()
    return due_date(written, sent_on) if written else sent_on


def _next_sequence(center: TerritorialCenter, year: int) -> int:
    # The counter row is locked until the transaction commits, so parallel registrations queue
    # here; a rolled-back registration rolls its number back too, leaving no gap.
    counter, _ = RegistrationCounter.objects.get_or_create(center=center, year=year)
    counter = RegistrationCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    return counter.last_sequence


def _ensure_lawyer_of(center_id: int, lawyer: User | None) -> None:
    if lawyer is not None and (
        lawyer.role not in (Role.LAWYER, Role.MANAGER) or lawyer.center_id != center_id
    ):
        raise ValidationError({"lawyer": _("Choose a lawyer of this center.")})


@transaction.atomic
def application_register(
    *,
    by: User,
    person: Person,
    service: Service,
    kind: ApplicationKind,
    topic: Topic,
    channel: Channel,
    received_on: date | None = None,
    summary: str = "",
    employer: Employer | None = None,
    office: RepresentativeOffice | None = None,
    lawyer: User | None = None,
    visit: Visit | None = None,
) -> Application:
    """Register a case with its number <CENTER>-<YEAR>-<00001> and its due date in working days."""
    center = person.center
    rules.ensure_can_register(by, center)
    _ensure_lawyer_of(center.pk, lawyer)
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    try:
        due_on = due_date(kind, received_on)
    except workdays.UnknownYearError as error:
        message = _("The working-day calendar does not cover %(year)s: check the date of receipt.")
        raise ValidationError({"received_on": message % {"year": error.year}}) from error
    sequence = _next_sequence(center, received_on.year)
    application = Application(
        center=center,
        office=office or by.office,
        year=received_on.year,
        sequence=sequence,
        registration_number=f"{center.code}-{received_on.year}-{sequence:05d}",
        person=person,
        visit=visit,
        employer=employer or person.employer,
        service=service,
        kind=kind,
        topic=topic,
        channel=channel,
        summary=summary.strip(),
        received_on=received_on,
        due_on=due_on,
        lawyer=lawyer,
        registered_by=by,
    )
    application.full_clean()
    with acting_as(by):
        application.save()
        StatusChange.objects.create(application=application, to_status=Status.REGISTERED, changed_by=by)
    return application


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
        return save_changes(application, ["status", "outcome", "decision", "recovered_kzt", "decided_on"])


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
    applicant_notified_on: date,
    expected_version: int | None = None,
) -> DeadlineExtension:
    """A manager extends the deadline by a reasoned decision: at most 2 months from receipt in all,
    the applicant told within 3 working days."""
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
    if not today <= applicant_notified_on <= workdays.add_working_days(today, 3):
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
    return extension


@transaction.atomic
def application_update(
    *, application: Application, by: User, expected_version: int | None = None, **changes
) -> Application:
    """Correct a case's description (topic, channel, summary, employer) while it is open."""
    _ensure_editable(changes, APPLICATION_EDITABLE)
    rules.ensure_can_work(by, application)
    application = locked(application, expected_version)
    rules.ensure_can_work(by, application)  # again on the locked row: it may have been reassigned
    if not application.is_open:
        raise ValidationError(_("A decided case cannot be edited; a manager may reopen it."))
    for field, value in changes.items():
        setattr(application, field, value)
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


# The files accepted: the extension decides the type a file is stored and served with (never the type
# the sender's browser claimed), and the file's first bytes must match it.
ACCEPTED_FILES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".txt": ("text/plain", None),  # any content: served as text, whatever it holds
}


def _extension(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def accepted_content_type(name: str) -> str:
    """The type a stored file is served with, from its name's extension; opaque bytes for any other."""
    accepted = ACCEPTED_FILES.get(_extension(name))
    return accepted[0] if accepted else "application/octet-stream"


def _check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> str:
    """Refuse files that are too large or not of an accepted type; return the sanitised name."""
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "document"
    extension = _extension(name)
    max_bytes = max_bytes or settings.CLINIC_DOCUMENT_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError({"file": _("The file is larger than %s.") % filesizeformat(max_bytes)})
    if extension not in ACCEPTED_FILES:
        raise ValidationError(
            {"file": _("Accepted file types: %s.") % ", ".join(sorted(ACCEPTED_FILES))}, code="file_type"
        )
    head = upload.read(8)
    upload.seek(0)
    _type, signatures = ACCEPTED_FILES[extension]
    if signatures and not head.startswith(signatures):
        raise ValidationError({"file": _("The file's content does not match its type.")}, code="file_type")
    return "".join(ch for ch in name if ch.isprintable())[:255]


@transaction.atomic
def document_attach(*, application: Application, by: User, upload: UploadedFile) -> Document:
    """Store an uploaded document privately; it is served only through a permission-checked view."""
    rules.ensure_can_work(by, application)
    application = locked(application)
    rules.ensure_can_work(by, application)  # again on the locked row: it may have been reassigned
    original_name = _check_upload(upload)
    document = Document(
        application=application,
        token=secrets.token_hex(16),
        original_name=original_name,
        content_type=accepted_content_type(original_name),
        size=upload.size,
        uploaded_by=by,
    )
    document.file.save(document.token, upload, save=False)
    try:
        with acting_as(by):
            document.save()
    except Exception:
        document.file.delete(save=False)  # no row, no file
        raise
    return document


# Labor disputes


@transaction.atomic
def dispute_register(
    *,
    by: User,
    employer: Employer,
    subject: str,
    kind: LaborDispute.Kind = LaborDispute.Kind.INDIVIDUAL,
    center: TerritorialCenter | None = None,
    workers_affected: int = 1,
    stage: LaborDispute.Stage = LaborDispute.Stage.NEGOTIATION,
    opened_on: date | None = None,
    is_reinstatement: bool = False,
    disputed_act_on: date | None = None,
    lawyer: User | None = None,
    applications: Iterable[Application] = (),
) -> LaborDispute:
    """Record an individual or collective labor dispute against an employer."""
    center = _center_of(by, center)
    rules.ensure_can_handle_disputes(by, center.pk)
    _ensure_lawyer_of(center.pk, lawyer)
    applications = list(applications)
    if any(application.center_id != center.pk for application in applications):
        raise ValidationError({"applications": _("Link only applications of this center.")})
    if kind == LaborDispute.Kind.INDIVIDUAL and workers_affected != 1:
        raise ValidationError({"workers_affected": _("An individual dispute concerns one worker.")})
    dispute = LaborDispute(
        center=center,
        employer=employer,
        kind=kind,
        subject=subject.strip(),
        workers_affected=workers_affected,
        stage=stage,
        opened_on=opened_on or timezone.localdate(),
        is_reinstatement=is_reinstatement,
        disputed_act_on=disputed_act_on,
        lawyer=lawyer,
        registered_by=by,
    )
    dispute.full_clean()
    if dispute.opened_on > timezone.localdate():
        raise ValidationError({"opened_on": _("A dispute cannot be opened in the future.")})
    with acting_as(by):
        dispute.save()
        dispute.applications.set(applications)
    return dispute


DISPUTE_EDITABLE = {"employer", "subject", "kind", "workers_affected", "is_reinstatement", "disputed_act_on"}


@transaction.atomic
def dispute_update(
    *, dispute: LaborDispute, by: User, expected_version: int | None = None, **changes
) -> LaborDispute:
    """Correct what was recorded of a dispute (employer, subject, kind, workers, the disputed act)."""
    _ensure_editable(changes, DISPUTE_EDITABLE)
    rules.ensure_can_handle_disputes(by, dispute.center_id)
    dispute = locked(dispute, expected_version)
    for field, value in changes.items():
        setattr(dispute, field, value.strip() if field == "subject" else value)
    if dispute.kind == LaborDispute.Kind.INDIVIDUAL and dispute.workers_affected != 1:
        raise ValidationError({"workers_affected": _("An individual dispute concerns one worker.")})
    with acting_as(by):
        return save_changes(dispute, changes)


@transaction.atomic
def dispute_move_stage(
    *, dispute: LaborDispute, by: User, stage: LaborDispute.Stage, expected_version: int | None = None
) -> LaborDispute:
    """Move an unresolved dispute to another stage (conciliation commission, inspection, court)."""
    rules.ensure_can_handle_disputes(by, dispute.center_id)
    dispute = locked(dispute, expected_version)
    if dispute.result:
        raise ValidationError({"stage": _("The dispute is already resolved.")})
    dispute.stage = stage
    with acting_as(by):
        return save_changes(dispute, ["stage"])


@transaction.atomic
def dispute_resolve(
    *,
    dispute: LaborDispute,
    by: User,
    result: LaborDispute.Result,
    resolved_on: date | None = None,
    recovered_kzt: Decimal = Decimal(0),
    expected_version: int | None = None,
) -> LaborDispute:
    """Record how the dispute ended and the money recovered for the workers."""
    rules.ensure_can_handle_disputes(by, dispute.center_id)
    dispute = locked(dispute, expected_version)
    if not result:
        raise ValidationError({"result": _("Choose the result of the dispute.")})
    dispute.result, dispute.recovered_kzt = result, recovered_kzt
    dispute.resolved_on = resolved_on or timezone.localdate()
    if dispute.resolved_on < dispute.opened_on:
        raise ValidationError({"resolved_on": _("A dispute cannot be resolved before it was opened.")})
    with acting_as(by):
        return save_changes(dispute, ["result", "recovered_kzt", "resolved_on"])


@transaction.atomic
def prevented_dispute_record(
    *,
    by: User,
    employer: Employer,
    prevented_on: date,
    how: str,
    center: TerritorialCenter | None = None,
    primary_organization: PrimaryOrganization | None = None,
    workers_affected: int = 1,
) -> PreventedDispute:
    """Record a dispute the conflict-prevention center prevented at an organization."""
    center = _center_of(by, center)
    rules.ensure_can_handle_disputes(by, center.pk)
    prevented = PreventedDispute(
        center=center,
        employer=employer,
        primary_organization=primary_organization,
        prevented_on=prevented_on,
        how=how.strip(),
        workers_affected=workers_affected,
        recorded_by=by,
    )
    prevented.full_clean()
    if prevented_on > timezone.localdate():
        raise ValidationError({"prevented_on": _("The date cannot be in the future.")})
    with acting_as(by):
        prevented.save()
    return prevented


# The public online reception: a question sent by the applicant, with no staff user behind it


def _online_person(
    *, center: TerritorialCenter, full_name: str, iin: str, phone: str, email: str, employer: Employer | None
) -> Person:
    """The sender as a person of the center, found as the desk finds people (by IIN, then by phone)
    or new. A found person's record is not changed: an anonymous form proves nothing about who
    typed it; what was typed stays on the submission for the reception to compare."""
    typed = _person_new(
        center=center, full_name=full_name, iin=iin, phone=phone, email=email, employer=employer, public=True
    )
    if typed.iin:
        same_iin = Person.objects.filter(center=center, iin=typed.iin).first()
        if same_iin is not None:
            return same_iin
    # A phone is shared in families: the same phone is the same person only with the same name.
    for candidate in Person.objects.filter(center=center, phone=typed.phone).exclude(phone="").order_by("pk"):
        if candidate.full_name.casefold() == typed.full_name.casefold() and candidate.iin in ("", typed.iin):
            return candidate
    try:
        with transaction.atomic(), acting_as(None):
            typed.save()
    except IntegrityError:
        # The same IIN sent twice at the same moment: the other submission registered the person.
        return Person.objects.get(center=center, iin=typed.iin)
    return typed


def _online_employer(center: TerritorialCenter, text: str) -> Employer | None:
    """The employer the sender named, if it is registered in the center under that BIN or exact name."""
    text = " ".join(text.split())
    if not text:
        return None
    employers = Employer.objects.filter(center=center)
    digits = normalize_identifier(text)
    if len(digits) == 12 and digits.isdigit():
        return employers.filter(bin=digits).first()
    found = list(employers.filter(name__iexact=text)[:2])
    return found[0] if len(found) == 1 else None


def _online_attachments_check(uploads: list[UploadedFile]) -> list[str]:
    if len(uploads) > online.max_files():
        raise ValidationError(
            {"files": _("Attach at most %d files.") % online.max_files()}, code="too_many_files"
        )
    names = []
    for upload in uploads:
        try:
            names.append(_check_upload(upload, max_bytes=online.max_file_bytes()))
        except ValidationError as error:
            raise ValidationError(
                {"files": [f"{upload.name}: {message}" for message in error.messages]}
            ) from error
    return names


@transaction.atomic
def online_submission_create(
    *,
    center: TerritorialCenter,
    full_name: str,
    phone: str,
    topic: Topic,
    question: str,
    consent: bool,
    iin: str = "",
    email: str = "",
    employer_name: str = "",
    office: RepresentativeOffice | None = None,
    uploads: Iterable[UploadedFile] = (),
) -> tuple[OnlineSubmission, str]:
    """Receive a question sent through the public page: the person (found or new), a pending visit
    with the channel "online" in the center's reception queue, the consent and the documents, all or
    nothing. Returns the submission and its tracking code, which is stored only as a hash."""
    uploads = list(uploads)
    errors = {}
    if not consent:
        errors["consent"] = [_("Your consent is needed to consider your question.")]
    if not question.strip():
        errors["question"] = [_("Write your question.")]
    if not phone.strip():
        errors["phone"] = [_("Give a phone number: you need it to follow your question.")]
    if office is not None and office.center_id != center.pk:
        errors["office"] = [_("The office belongs to another center.")]
    try:
        original_names = _online_attachments_check(uploads)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    typed_phone = normalize_phone(phone)
    # Counted in this transaction: a refused submission does not use up the phone's allowance.
    try:
        throttle.throttle_hit(limit=online.submit_limits()[1], value=typed_phone, now=now)
    except throttle.Throttled as error:
        raise ValidationError(
            {"phone": _("Too many questions were sent with this phone number. Please try again later.")},
            code="throttled",
        ) from error
    employer = _online_employer(center, employer_name)
    person = _online_person(
        center=center, full_name=full_name, iin=iin, phone=phone, email=email, employer=employer
    )
    visit = _visit_save(
        Visit(
            center=center,
            office=office,
            person=person,
            employer=employer,
            channel=Channel.objects.get(pk=Channel.ONLINE),
            question=question.strip(),
            visited_at=now,
            registered_by=None,
        ),
        [topic],
        None,
    )
    code = online.tracking_code_new()
    submission = OnlineSubmission(
        center=center,
        visit=visit,
        tracking_hash=online.tracking_hash(code),
        full_name=" ".join(full_name.split()),
        phone=typed_phone,
        iin=normalize_identifier(iin or ""),
        email=(email or "").strip().lower(),
        employer_name=" ".join(employer_name.split())[:255],
        due_on=online_due_date(timezone.localdate(now)),
        consent_version=online.CONSENT_VERSION,
        consented_at=now,
        created_at=now,
    )
    submission.full_clean(exclude=["visit"])
    stored = []
    try:
        with acting_as(None):
            submission.save()
            for upload, original_name in zip(uploads, original_names, strict=True):
                attachment = OnlineAttachment(
                    submission=submission,
                    token=secrets.token_hex(16),
                    original_name=original_name,
                    content_type=accepted_content_type(original_name),
                    size=upload.size,
                )
                attachment.file.save(attachment.token, upload, save=False)
                stored.append(attachment.file)
                attachment.save()
    except Exception:
        for file in stored:  # no rows, no files
            file.delete(save=False)
        raise
    return submission, code


@transaction.atomic
def application_publish_answer(
    *, application: Application, by: User, text: str, expected_version: int | None = None
) -> Application:
    """The answer the applicant reads on the online tracking page once the case is decided."""
    rules.ensure_can_work(by, application)
    application = locked(application, expected_version)
    rules.ensure_can_work(by, application)  # again on the locked row: it may have been reassigned
    sent_online = OnlineSubmission.objects.filter(visit_id=application.visit_id).exists()
    if not application.visit_id or not sent_online:
        raise ValidationError(_("Only a case sent through the online reception has a public answer."))
    if not text.strip():
        raise ValidationError({"public_answer": _("Write the answer for the applicant.")})
    application.public_answer = text.strip()
    with acting_as(by):
        return save_changes(application, ["public_answer"])
