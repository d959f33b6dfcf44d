"""The public online reception: tracking codes, the consent text, the limits, and what a sender may
read about their submission. The writes are in clinic.services (online_submission_create)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import OPEN_STATUSES, OnlineSubmission, Status, Visit
from .throttle import Limit
from .validators import normalize_phone

# Easy to read aloud and to type: no 0/O, 1/I/L. 31 symbols ** 10 = 8 * 10**14 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10

# The consent text the sender ticks; a new wording gets a new version (stored with each submission).
CONSENT_VERSION = "2025-01"
CONSENT_TEXT = gettext_lazy(
    "I consent to the trade-union federation and its territorial center collecting, recording, storing "
    "and using the personal data in this form (my name, phone, IIN, e-mail, employer, my question and "
    "the documents I attach) to consider my question, answer it and keep a record of it, in line with "
    "the Law of the Republic of Kazakhstan “On personal data and their protection”. The data are not "
    "passed to third parties without my consent, except where the law requires it. I may withdraw "
    "this consent by writing to the center."
)


def max_files() -> int:
    return settings.CLINIC_ONLINE_MAX_FILES


def max_file_bytes() -> int:
    return settings.CLINIC_ONLINE_FILE_MAX_BYTES


def max_request_bytes() -> int:
    """A request larger than every file allowed plus the form itself is refused before it is read."""
    return max_files() * max_file_bytes() + 256 * 2**10


def submit_limits() -> tuple[Limit, Limit]:
    """Form posts per address (every attempt counts), and submissions accepted per phone."""
    return (
        Limit("online-submit-address", *settings.CLINIC_ONLINE_SUBMIT_PER_ADDRESS),
        Limit("online-submit-phone", *settings.CLINIC_ONLINE_SUBMIT_PER_PHONE),
    )


def track_limits() -> tuple[Limit, Limit]:
    """Tracking look-ups per address, and failed look-ups per phone (whatever code was typed)."""
    return (
        Limit("online-track-address", *settings.CLINIC_ONLINE_TRACK_PER_ADDRESS),
        Limit("online-track-failed-phone", *settings.CLINIC_ONLINE_TRACK_FAILED_PER_PHONE),
    )


def client_address(request: HttpRequest) -> str:
    """The client's address exactly as the sign-in lockout (django-axes, through django-ipware) reads it:
    behind PROXY_COUNT proxies from the forwarded header, without proxies REMOTE_ADDR alone
    (config.settings.base.client_address_settings)."""
    return get_client_ip_address(request) or "unknown"


# Tracking codes


def tracking_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def tracking_code_display(code: str) -> str:
    """ABCDE-FGHJK: two halves are easier to read and to dictate."""
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def tracking_code_normalize(text: str) -> str:
    """What the sender typed, with spaces and dashes dropped and in capitals."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def tracking_hash(code: str) -> str:
    return hashlib.sha256(tracking_code_normalize(code).encode()).hexdigest()


# What the sender reads


@dataclass(frozen=True)
class TrackedSubmission:
    """Everything the tracking page shows: nothing else of the visit or the case."""

    sent_on: date
    center: str
    status: str | Promise  # a status' label is lazy: it is translated as the page is rendered
    due_on: date | None
    answer: str
    answered: bool


def _status_of(submission: OnlineSubmission) -> TrackedSubmission:
    visit = submission.visit
    application = getattr(visit, "application", None)
    common: dict[str, Any] = {
        "sent_on": timezone.localdate(submission.created_at),
        "center": submission.center.name,
    }
    if visit.result == Visit.Result.CONSULTATION:
        return TrackedSubmission(
            **common, status=_("Answered"), due_on=None, answer=visit.action_taken, answered=True
        )
    if application is None:
        return TrackedSubmission(
            **common,
            status=_("Received: the reception of the center will consider it"),
            due_on=submission.due_on,
            answer="",
            answered=False,
        )
    if application.status in OPEN_STATUSES:
        return TrackedSubmission(
            **common,
            status=_("Being considered: %s") % Status(application.status).label,
            due_on=application.due_on,
            answer="",
            answered=False,
        )
    answer = application.public_answer or _(
        "A decision has been taken. The center will tell you the answer; you may also call it."
    )
    return TrackedSubmission(
        **common,
        status=Status(application.status).label,
        due_on=None,
        answer=answer,
        answered=bool(application.public_answer),
    )


def online_submission_track(*, code: str, phone: str) -> TrackedSubmission | None:
    """The status of the submission with this code, if `phone` is the phone it was sent with; None for
    a wrong code and a wrong phone alike (the page must not tell which of the two was wrong)."""
    submission = (
        OnlineSubmission.objects.select_related("center", "visit", "visit__application")
        .filter(tracking_hash=tracking_hash(code))
        .first()
    )
    typed = normalize_phone(phone)
    if submission is None or not hmac.compare_digest(submission.phone.encode(), typed.encode()):
        return None
    return _status_of(submission)
