"""The second factor of staff sign-in, and the staff's own sessions and API token.

Who must give a second factor: the roles in settings.TWO_FACTOR_REQUIRED_ROLES and superusers; anyone
else who enrolled is asked for it as well. Codes come from an authenticator app (django-otp's TOTP
device) or, once each, from the recovery codes (its static device). A wrong code counts as a failed
sign-in for django-axes, so five wrong codes lock the account at that address like five wrong
passwords. organizations.middleware.TwoFactorMiddleware keeps an unverified session out of every staff
page, the admin and the API.

Each sign-in is recorded (StaffSession) so its owner can see it and end it; ending it deletes the
session from Django's session store.
"""

import base64
from datetime import timedelta
from importlib import import_module
from typing import cast

import django_otp
from auditlog.models import LogEntry
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from .models import StaffSession, User

# The session remembers that its user owes no second factor (no device, a role that needs none), so
# most requests ask nothing of the database; the value is the role it was decided for.
NOT_NEEDED_SESSION_KEY = "two_factor_not_needed"
SEEN_SESSION_KEY = "staff_session_seen"  # when StaffSession.last_seen_at was last written
# [StaffSession id, the session key it was written for]: a new key (Django changes it when the password
# changes, this module when the second factor is given) moves the row along at the next request.
RECORD_SESSION_KEY = "staff_session"
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"

ENROL, VERIFY = "enrol", "verify"


def two_factor_required(user: User) -> bool:
    """The account's role (or its superuser flag) requires a second factor."""
    if user.is_superuser and settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS:
        return True
    return user.role in settings.TWO_FACTOR_REQUIRED_ROLES


def _exemption(user: User) -> str:
    return f"{user.role}:{int(user.is_superuser)}"


def authenticator_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def two_factor_pending(request: HttpRequest) -> str | None:
    """What the signed-in user of this request still owes: ENROL, VERIFY or nothing (None)."""
    user = cast(User, request.user)
    if user.is_verified():  # type: ignore[attr-defined]  # installed by django_otp's OTPMiddleware
        return None
    if request.session.get(NOT_NEEDED_SESSION_KEY) == _exemption(user):
        return None
    if has_second_factor(user):
        return VERIFY
    if two_factor_required(user):
        return ENROL
    request.session[NOT_NEEDED_SESSION_KEY] = _exemption(user)
    return None


# Failures and lockout (django-axes) ------------------------------------------------------------------


def _credentials(user: User) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}  # type: ignore[misc]


def is_locked_out(request: HttpRequest, user: User) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(user))


def count_failure(request: HttpRequest, user: User) -> None:
    """A wrong code: a failed sign-in for django-axes (which then sets request.axes_locked_out when it is
    the last one allowed)."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)


def _clear_failures(request: HttpRequest, user: User) -> None:
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(
        ip_address=getattr(request, "axes_ip_address", None), username=user.get_username()
    )


def verify_code(*, user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts the code (an app's code, or a recovery code, which is used up), if any."""
    code = "".join(code.split())
    if not code or len(code) > 16:
        return None
    return django_otp.match_token(user, code)


def session_verify(*, request: HttpRequest, code: str) -> bool:
    """Check the code of the signed-in user; on success the session counts as verified."""
    user = cast(User, request.user)
    device = verify_code(user=user, code=code)
    if device is None:
        count_failure(request, user)
        return False
    _elevate(request, device)
    _clear_failures(request, user)
    return True


def api_second_factor_check(*, request: HttpRequest, user: User, code: str) -> None:
    """The token endpoint's second factor: refused by field ("otp") in the user's language."""
    if not has_second_factor(user):
        if two_factor_required(user):
            raise ValidationError(
                {
                    "otp": _(
                        "Your role requires a second factor. Sign in to the web application once to "
                        "set up an authenticator app, then ask for a token again."
                    )
                }
            )
        return
    if not code:
        raise ValidationError(
            {"otp": _("Enter the 6-digit code from your authenticator app or a recovery code.")}
        )
    if verify_code(user=user, code=code) is None:
        count_failure(request, user)
        raise ValidationError({"otp": _("The code is wrong or has expired. Try the current code.")})


# Enrolment, recovery codes, reset -------------------------------------------------------------------


def authenticator_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (the same secret until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def authenticator_secret(device: TOTPDevice) -> str:
    """The secret as an app's "enter a setup key" asks for it: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def authenticator_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with its first code: the session becomes verified, the user's other
    sessions end (they were signed in without it), and the recovery codes are made. Returns the codes
    (shown once), or None for a wrong code."""
    user = cast(User, request.user)
    if device.user_id != user.pk or device.confirmed or not device.verify_token("".join(code.split())):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()  # the audit trail's record of the enrolment
    codes = _new_recovery_codes(user)
    sessions_revoke_others(user=user, current_key=request.session.session_key)
    _elevate(request, device)
    _clear_failures(request, user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    static, _created = StaticDevice.objects.get_or_create(user=user, defaults={"name": RECOVERY_NAME})
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _index in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working. Only for a user with an authenticator."""
    if authenticator_of(user) is None:
        raise PermissionDenied(_("Set up an authenticator app first."))
    codes = _new_recovery_codes(user)
    static = StaticDevice.objects.get(user=user)
    LogEntry.objects.log_create(
        static,
        action=LogEntry.Action.UPDATE,
        changes={"recovery codes": ["(replaced)", f"{len(codes)} new"]},
    )
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def authenticator_remove(*, user: User) -> None:
    """The user removes their own second factor: only where their role does not require one."""
    if two_factor_required(user):
        raise PermissionDenied(
            _("Your role requires a second factor. Ask an administrator to reset it if your phone is lost.")
        )
    _delete_devices(user)


def _delete_devices(user: User) -> None:
    # One by one, so the audit trail records each removal.
    for device in [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]:
        device.delete()


@transaction.atomic
def two_factor_reset(*, by: User, staff: User) -> None:
    """An administrator resets a staff member's second factor (a lost phone): the devices go, and so do
    the staff member's sessions and API token; they enrol again at their next sign-in."""
    if staff.pk == by.pk:
        raise PermissionDenied(_("You cannot reset your own second factor; ask another administrator."))
    _delete_devices(staff)
    for session in StaffSession.objects.filter(user=staff):
        _session_end(session)
    for token in Token.objects.filter(user=staff):
        token.delete()


# Sessions and the API token ------------------------------------------------------------------------


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _describe(request: HttpRequest) -> dict:
    return {
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        "ip_address": get_client_ip_address(request) or None,
    }


@receiver(user_logged_in, dispatch_uid="organizations.two_factor.signed_in")
def _signed_in(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """Record the new session; remember when it owes no second factor; clear the failed attempts of an
    account that has no second step (the others' are cleared when they give it)."""
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    now = timezone.now()
    StaffSession.objects.filter(
        user=user, last_seen_at__lt=now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    ).delete()
    record, _created = StaffSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "last_seen_at": now, **_describe(request)},
    )
    request.session[RECORD_SESSION_KEY] = [record.pk, record.session_key]
    request.session[SEEN_SESSION_KEY] = now.timestamp()
    if not two_factor_required(user) and not has_second_factor(user):
        request.session[NOT_NEEDED_SESSION_KEY] = _exemption(user)
        _clear_failures(request, user)


@receiver(user_logged_out, dispatch_uid="organizations.two_factor.signed_out")
def _signed_out(sender, request: HttpRequest | None, user: User | None, **kwargs) -> None:
    if request is not None and getattr(request, "session", None) and request.session.session_key:
        StaffSession.objects.filter(session_key=request.session.session_key).delete()


def session_touch(request: HttpRequest) -> None:
    """Write the session's "last seen" at most every STAFF_SESSION_TOUCH_SECONDS, and its new key at once
    when it changed (a session from before sessions were recorded gets its row now)."""
    key = request.session.session_key
    if key is None:
        return
    now = timezone.now()
    record = request.session.get(RECORD_SESSION_KEY) or [None, None]
    seen = request.session.get(SEEN_SESSION_KEY, 0)
    if record[1] == key and now.timestamp() - seen < settings.STAFF_SESSION_TOUCH_SECONDS:
        return
    user = cast(User, request.user)
    fields = {"session_key": key, "last_seen_at": now, **_describe(request)}
    if record[0] is None or not StaffSession.objects.filter(pk=record[0], user=user).update(**fields):
        record[0] = StaffSession.objects.create(user=user, **fields).pk
    request.session[RECORD_SESSION_KEY] = [record[0], key]
    request.session[SEEN_SESSION_KEY] = now.timestamp()


def _elevate(request: HttpRequest, device) -> None:
    """The session has given its second factor: it gets a new key (as at sign-in), so a key seen before
    the code was given is worth nothing now."""
    request.session.cycle_key()
    django_otp.login(request, device)
    session_touch(request)  # the session's row follows its new key at once


def sessions_of(*, user: User, current_key: str | None):
    """The user's signed-in sessions, the most recently seen first; `is_current` marks this one."""
    horizon = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions = list(
        StaffSession.objects.filter(user=user, last_seen_at__gte=horizon).order_by("-last_seen_at")
    )
    for session in sessions:
        session.is_current = session.session_key == current_key  # type: ignore[attr-defined]
    return sessions


def _session_end(session: StaffSession) -> None:
    _session_store()(session_key=session.session_key).delete()
    session.delete()  # the audit trail's record of the revocation


@transaction.atomic
def session_revoke(*, user: User, session_id: int | None, current_key: str | None) -> None:
    """End one of the user's own sessions (not this one: signing out does that)."""
    session = StaffSession.objects.filter(user=user, pk=session_id).first() if session_id else None
    if session is None:
        raise PermissionDenied(_("This session is not yours or has already ended."))
    if current_key and session.session_key == current_key:
        raise PermissionDenied(_("This is the session you are using: sign out instead."))
    _session_end(session)


@transaction.atomic
def sessions_revoke_others(*, user: User, current_key: str | None) -> int:
    """Sign out everywhere else: every session of the user but this one."""
    others = list(StaffSession.objects.filter(user=user).exclude(session_key=current_key or ""))
    for session in others:
        _session_end(session)
    return len(others)


@transaction.atomic
def token_revoke(*, user: User) -> None:
    """Delete the user's API token: clients using it are refused; a new one comes from the token endpoint.
    The trail records it on the staff member's record (a token's own row is named by the secret)."""
    deleted, _by_model = Token.objects.filter(user=user).delete()
    if deleted:
        LogEntry.objects.log_create(
            user, action=LogEntry.Action.UPDATE, changes={"API token": ["(issued)", "(revoked)"]}
        )
