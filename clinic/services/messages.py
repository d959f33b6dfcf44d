"""Messages to applicants (the outbox): queued by the services that register, extend and decide a case
and receive an online question, each through the channels the applicant consented to, in their
language; sent exactly once by a Celery task (clinic.tasks.send_applicant_message)."""

import logging
from collections.abc import Callable
from datetime import timedelta
from email.utils import make_msgid
from functools import partial
from smtplib import SMTPException

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.sms import SmsError, send_sms
from core.versioning import locked, save_changes
from organizations.models import User

from .. import rules
from ..models import (
    Application,
    DeadlineExtension,
    OnlineSubmission,
    OutgoingMessage,
    Person,
    Status,
    Visit,
)

logger = logging.getLogger(__name__)

Channel, Purpose, State = OutgoingMessage.Channel, OutgoingMessage.Purpose, OutgoingMessage.State

# The tracking code is stored only as a hash (clinic.online): the outbox keeps this mark in its place and
# the code itself in `secret` until the message is sent, then forgets it.
CODE_MARK = "********"

SUBJECTS: dict[str, Callable[[], str]] = {
    Purpose.SUBMISSION: lambda: _("Your question has been received"),
    Purpose.REGISTRATION: lambda: _("Your application %(number)s has been registered"),
    Purpose.EXTENSION: lambda: _("The answer to your application %(number)s is postponed"),
    Purpose.DECISION: lambda: _("A decision on your application %(number)s"),
    Purpose.ANSWER: lambda: _("The answer to your application %(number)s"),
}


class MessageNotSent(Exception):
    """The gateway or the mail server failed; the message waits for the task's next attempt."""


CONSENT_FIELDS = ("notify_by_email", "notify_by_sms", "language")


def consent_changes(person: Person, changes: dict) -> list[str]:
    """The consent fields among `changes` (set on `person`), with the time of a consent newly given."""
    fields = [name for name in CONSENT_FIELDS if name in changes]
    if any(changes.get(name) and not getattr(person, name) for name in ("notify_by_email", "notify_by_sms")):
        person.notify_consent_at = timezone.now()
        fields.append("notify_consent_at")
    for name in CONSENT_FIELDS:
        if name in changes:
            setattr(person, name, changes[name])
    return fields


def ensure_consent_addresses(person: Person) -> None:
    """A channel the applicant consented to needs its address: no e-mail address, no e-mail."""
    errors = {}
    if person.notify_by_email and not person.email:
        errors["email"] = _("Give the e-mail address to inform by e-mail.")
    if person.notify_by_sms and not person.phone:
        errors["phone"] = _("Give the phone number to inform by SMS.")
    if errors:
        raise ValidationError(errors)


def person_consent_from_submission(visit: Visit, *, by: User) -> None:
    """The reception takes up a question sent online: the sender's consent to be informed and the
    page's language become the person's (the anonymous form itself changed no record)."""
    submission = OnlineSubmission.objects.filter(visit_id=visit.pk).first()
    if submission is None:
        return
    person = locked(visit.person)
    fields = consent_changes(
        person,
        {
            "notify_by_email": submission.notify_by_email,
            "notify_by_sms": submission.notify_by_sms,
            "language": submission.language,
        },
    )
    with acting_as(by):
        visit.person = save_changes(person, fields)


def _recipients(*, email: str, phone: str, by_email: bool, by_sms: bool) -> dict[str, str]:
    """The consented channels that have an address: no e-mail address, no e-mail."""
    found: dict[str, str] = {}
    if by_email and email:
        found[Channel.EMAIL] = email
    if by_sms and phone:
        found[Channel.SMS] = phone
    return found


def queue_applicant_messages(
    *,
    purpose: str,
    application: Application | None = None,
    extension: DeadlineExtension | None = None,
    submission: OnlineSubmission | None = None,
    tracking_code: str = "",
) -> list[OutgoingMessage]:
    """Queue the messages of one event (in the caller's transaction), one per consented channel; the
    tasks are sent once it commits. Queueing the same event again queues nothing (the key is unique)."""
    application = extension.application if extension is not None else application
    if submission is not None:  # the sender's answers on the form, before any case
        person: Person = submission.visit.person
        center_id, language = submission.center_id, submission.language
        recipients = _recipients(
            email=submission.email,
            phone=submission.phone,
            by_email=submission.notify_by_email,
            by_sms=submission.notify_by_sms,
        )
        event = f"{purpose}:{submission.pk}"
    else:
        assert application is not None
        person, center_id, language = application.person, application.center_id, application.person.language
        recipients = _recipients(
            email=person.email,
            phone=person.phone,
            by_email=person.notify_by_email,
            by_sms=person.notify_by_sms,
        )
        event = f"{purpose}:{application.pk}"
        if extension is not None:
            event += f":{extension.pk}"
        if purpose == Purpose.DECISION:  # a reopened case decided again is a new decision
            event += f":{application.status_changes.filter(to_status=Status.DECIDED).count()}"
        if purpose == Purpose.ANSWER:  # an answer written anew is told anew
            event += f":{application.version}"
    context = {"case": application, "extension": extension, "submission": submission, "code": CODE_MARK}
    queued = []
    for channel, recipient in recipients.items():
        with translation.override(language):
            body = render_to_string(f"clinic/messages/{purpose}.{channel}.txt", context).strip()
            subject = SUBJECTS[purpose]() % {"number": application.registration_number if application else ""}
        message, created = OutgoingMessage.objects.get_or_create(
            idempotency_key=f"{event}:{channel}",
            defaults={
                "center_id": center_id,
                "person": person,
                "application": application,
                "submission": submission,
                "extension": extension,
                "channel": channel,
                "purpose": purpose,
                "language": language,
                "recipient": recipient,
                "subject": subject if channel == Channel.EMAIL else "",
                "body": body,
                "secret": tracking_code,
            },
        )
        if created:
            transaction.on_commit(partial(enqueue, message.pk))
            queued.append(message)
    return queued


def enqueue(message_id: int) -> None:
    """Send the message's task. A broker that is down leaves the message queued: the sweep
    (messages_send_waiting) sends it later; the request that queued it goes on."""
    from ..tasks import send_applicant_message

    try:
        if send_applicant_message.app.conf.task_always_eager:
            # In-process (the demo without Redis, the unit tests): the attempts run at once, one after
            # another, where eager Celery would raise its first Retry into the request.
            for _attempt in range(settings.CLINIC_MESSAGE_MAX_ATTEMPTS):
                try:
                    message_send(message_id=message_id)
                    break
                except MessageNotSent:
                    continue
        else:
            send_applicant_message.delay(message_id)
    except Exception:  # kombu's connection errors and Redis' alike; the row is the truth
        logger.exception("Message %s stays queued: its task could not be sent", message_id)


def _deliver(message: OutgoingMessage) -> str:
    """Hand the message to the mail server or the SMS gateway; the provider's id of it."""
    body = message.body.replace(CODE_MARK, message.secret) if message.secret else message.body
    if message.channel == Channel.SMS:
        return send_sms(message.recipient, body)
    message_id = make_msgid(domain="clinic")
    mail.EmailMessage(
        subject=message.subject, body=body, to=[message.recipient], headers={"Message-ID": message_id}
    ).send()
    return message_id


def message_send(*, message_id: int) -> str | None:
    """Send one queued message, exactly once however often its task is delivered; the new status, or
    None when there was nothing to send.

    Exactly once: the row is claimed (queued -> sending) in a transaction of its own that commits
    BEFORE the gateway is called, under a row lock. A second delivery of the task (acks_late
    redelivers a task whose worker died, the sweep re-sends a lost one) waits for that lock, then
    finds "sending" or "sent" and does nothing. A worker that dies during the call leaves "sending":
    whether the gateway got the message is unknown, so it is never sent again by itself (at most once
    rather than twice); the sweep marks it failed and staff decide whether to send it again."""
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != State.QUEUED:
            return None
        message.status, message.claimed_at = State.SENDING, timezone.now()
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
    try:
        provider_id = _deliver(message)
    except (SmsError, SMTPException, OSError) as error:
        final = message.attempts >= settings.CLINIC_MESSAGE_MAX_ATTEMPTS
        status = State.FAILED if final else State.QUEUED
        OutgoingMessage.objects.filter(pk=message.pk, status=State.SENDING).update(
            status=status, last_error=str(error)[:1000] or type(error).__name__
        )
        if not final:
            raise MessageNotSent(str(error)) from error
        return status
    with transaction.atomic():
        now = timezone.now()
        OutgoingMessage.objects.filter(pk=message.pk, status=State.SENDING).update(
            status=State.SENT, sent_at=now, provider_id=provider_id[:255], secret="", last_error=""
        )
        if message.extension_id is not None:
            # The law's notice of an extension: the day the applicant was first told.
            today = timezone.localdate(now)
            DeadlineExtension.objects.filter(pk=message.extension_id).filter(
                Q(applicant_notified_on__isnull=True) | Q(applicant_notified_on__gt=today)
            ).update(applicant_notified_on=today)
    return State.SENT


def messages_send_waiting(*, now=None) -> int:
    """The sweep: send again the task of each message queued for longer than
    CLINIC_MESSAGE_STALE_MINUTES (lost, or queued while the broker was down), and mark failed each one
    whose sending was interrupted (sending for longer than a task may run). How many were sent again."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.CLINIC_MESSAGE_STALE_MINUTES)
    interrupted = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    OutgoingMessage.objects.filter(status=State.SENDING, claimed_at__lt=interrupted).update(
        status=State.FAILED,
        last_error=_("The sending was interrupted: it is not known whether the message arrived."),
    )
    waiting = list(
        OutgoingMessage.objects.filter(status=State.QUEUED)
        .filter(Q(claimed_at__lt=stale) | Q(claimed_at__isnull=True, queued_at__lt=stale))
        .order_by("queued_at")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in waiting:
        enqueue(pk)
    return len(waiting)


@transaction.atomic
def message_resend(*, message: OutgoingMessage, by: User) -> OutgoingMessage:
    """A manager sends a failed message again (its attempts start afresh)."""
    rules.ensure_can_manage(by, message.center_id)
    message = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != State.FAILED:
        raise ValidationError({"status": _("Only a message that failed can be sent again.")})
    message.status, message.attempts, message.claimed_at = State.QUEUED, 0, None
    message.save(update_fields=["status", "attempts", "claimed_at"])
    transaction.on_commit(lambda: enqueue(message.pk))
    return message
