"""The public online reception: a question sent by an applicant with no account, and the answer
published to them."""

import secrets
from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.versioning import locked, save_changes
from organizations.identifiers import normalize_identifier
from organizations.models import Employer, PrimaryOrganization, RepresentativeOffice, TerritorialCenter, User

from .. import online, rules, throttle
from ..models import Application, Channel, OnlineAttachment, OnlineSubmission, Person, Topic, Visit
from ..validators import normalize_phone
from .applications import online_due_date
from .documents import _check_upload, accepted_content_type
from .messages import Purpose, queue_applicant_messages
from .persons import _person_new
from .visits import _visit_save

# The public online reception: a question sent by the applicant, with no staff user behind it


def _online_person(
    *,
    center: TerritorialCenter,
    full_name: str,
    iin: str,
    phone: str,
    email: str,
    employer: Employer | None,
    is_union_member: bool = False,
    primary_organization: PrimaryOrganization | None = None,
) -> Person:
    """The sender as a person of the center, found as the desk finds people (by IIN, then by phone)
    or new. A found person's record is not changed: an anonymous form proves nothing about who
    typed it; what was typed stays on the submission for the reception to compare."""
    typed = _person_new(
        center=center,
        full_name=full_name,
        iin=iin,
        phone=phone,
        email=email,
        employer=employer,
        is_union_member=is_union_member,
        primary_organization=primary_organization,
        public=True,
    )
    persons = Person.objects.active()  # never a merged record's tombstone
    if typed.iin:
        same_iin = persons.filter(center=center, iin=typed.iin).first()
        if same_iin is not None:
            return same_iin
    # A phone is shared in families: the same phone is the same person only with the same name.
    for candidate in persons.filter(center=center, phone=typed.phone).exclude(phone="").order_by("pk"):
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


def _online_primary_organization(center: TerritorialCenter, name: str) -> PrimaryOrganization | None:
    """The primary organization the sender named, if the center has exactly one by that name."""
    found = list(PrimaryOrganization.objects.filter(center=center, name__iexact=name)[:2]) if name else []
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
    is_union_member: bool | None = None,
    primary_organization_name: str = "",
    notify_by_email: bool = False,
    notify_by_sms: bool = False,
    language: str = "ru",
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
    primary_organization_name = " ".join(primary_organization_name.split())[:255]
    person = _online_person(
        center=center,
        full_name=full_name,
        iin=iin,
        phone=phone,
        email=email,
        employer=employer,
        is_union_member=bool(is_union_member),
        primary_organization=_online_primary_organization(center, primary_organization_name)
        if is_union_member
        else None,
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
        is_union_member=is_union_member,
        primary_organization_name=primary_organization_name if is_union_member else "",
        due_on=online_due_date(timezone.localdate(now)),
        consent_version=online.CONSENT_VERSION,
        consented_at=now,
        created_at=now,
        notify_by_email=notify_by_email,
        notify_by_sms=notify_by_sms,
        language=language if language in ("ru", "kk") else "ru",
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
                    size=cast(int, upload.size),  # set on every upload a request carries
                )
                attachment.file.save(attachment.token, upload, save=False)
                stored.append(attachment.file)
                attachment.save()
    except Exception:
        for file in stored:  # no rows, no files
            file.delete(save=False)
        raise
    queue_applicant_messages(
        purpose=Purpose.SUBMISSION, submission=submission, tracking_code=online.tracking_code_display(code)
    )
    return submission, code


@transaction.atomic
def application_publish_answer(
    *, application: Application, by: User, text: str, expected_version: int | None = None
) -> Application:
    """The answer the applicant reads on the online tracking page once the case is decided. Written
    before the decision, it goes out with the decision's message; written after it, in a message of
    its own (each time it is written anew)."""
    rules.ensure_can_work(by, application)
    application = locked(application, expected_version)
    rules.ensure_can_work(by, application)  # again on the locked row: it may have been reassigned
    visit_id = application.visit_id
    if not visit_id or not OnlineSubmission.objects.filter(visit_id=visit_id).exists():
        raise ValidationError(_("Only a case sent through the online reception has a public answer."))
    if not text.strip():
        raise ValidationError({"public_answer": _("Write the answer for the applicant.")})
    if application.public_answer == text.strip():
        return application  # the same answer sent again (a form sent twice): nothing new to tell
    application.public_answer = text.strip()
    with acting_as(by):
        application = save_changes(application, ["public_answer"])
    if not application.is_open:  # the tracking page shows it from now on
        queue_applicant_messages(purpose=Purpose.ANSWER, application=application)
    return application
