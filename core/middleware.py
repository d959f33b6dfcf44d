"""Security answers shared by the web pages and the API: no caching of API answers (they carry
personal data), the 400 for text no page can use (a NUL character, an absurdly long address), and
the page or JSON a locked-out sign-in gets (django-axes); and the one log line and the metrics of every
request (RequestLogMiddleware)."""

import logging
import time
from collections.abc import Callable
from typing import cast

from axes.conf import settings as axes_settings
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _

from . import db, metrics, request_id

request_logger = logging.getLogger("core.requests")


class RequestLogMiddleware:
    """Near the top of MIDDLEWARE: gives the request its id (core.request_id, echoed in the X-Request-ID
    header of the answer), and when it is answered writes one log line and the request's metrics: the
    view's route name, the method, the status, the duration and the user's numeric id. Never the address
    or its query (a search by IIN or name), nor any name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        current = request_id.from_header(request.META.get(request_id.META_KEY))
        token = request_id.set_current(current)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            seconds = time.monotonic() - started
            response[request_id.HEADER] = current
            match = getattr(request, "resolver_match", None)
            view = (match.view_name if match else None) or "unresolved"
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            metrics.observe_request(
                view=view, method=request.method or "", status=response.status_code, seconds=seconds
            )
            request_logger.info(
                "%s %s %s",
                request.method,
                view,
                response.status_code,
                extra={
                    "user_id": user_id,
                    "view": view,
                    "method": request.method,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)


class NoStoreApiMiddleware:
    """API answers (persons, visits, cases...) are never kept by a browser or a proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/") and not request.path.startswith("/api/docs/"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


PIN_COOKIE = "primary_reads"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class ReplicaMiddleware:
    """With read replicas (core.db): after a change (any other method than GET, HEAD, OPTIONS), the
    same browser's requests read from the primary for DATABASE_REPLICA_PIN_SECONDS, so that the page
    it is sent to shows the change; a signed cookie carries the moment of the change. Views and the
    API choose a replica within a request by core.db; the choice ends with the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not db.replica_aliases():
            return self.get_response(request)
        seconds = settings.DATABASE_REPLICA_PIN_SECONDS
        changed_at = request.get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_COOKIE, max_age=seconds)
        with db.request_scope(pinned=changed_at is not None):
            response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            response.set_signed_cookie(
                PIN_COOKIE,
                str(int(time.time())),
                salt=PIN_COOKIE,
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


NUL = "\x00"
# No link or search form of ours comes near it; nginx refuses a longer request line by default (8 KB).
QUERY_STRING_MAX = 8 * 1024


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 in the user's language: JSON like the API's errors under /api/, the error page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "bad_request"}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


class RequestTextMiddleware:
    """Text that no page can use is refused with a 400 before any view runs:
    - a NUL character (\\x00) in the path, the query string or a form field: no text a person types
      contains one, and PostgreSQL refuses it in text, so a search or a save would fail with a 500
      (JSON bodies are checked field by field by the API's serializers: DRF's CharField refuses NUL);
    - a query string longer than QUERY_STRING_MAX: a page would echo it into its search box and
      every link that keeps the filters."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.META.get("QUERY_STRING", "")) > QUERY_STRING_MAX:
            return bad_request(
                request, _("The address is too long. Shorten the search or the filters and try again.")
            )
        try:
            has_nul = self._has_nul(request)
        except MultiPartParserError:
            return bad_request(request, _("The form could not be read. Reload the page and send it again."))
        if has_nul:
            return bad_request(
                request,
                _(
                    "The request contains a null character (code 0), which no text may contain. "
                    "Remove it and try again."
                ),
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if NUL in request.path or NUL in request.path_info:
            return True
        if any(NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()):
            return True
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            if request.content_type == "multipart/form-data" and _declared_length(request) > (
                settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
            ):
                # An upload: left unread for its view, which may refuse its size before reading it;
                # its text fields go through forms, whose CharFields refuse NUL themselves.
                return False
            return any(
                NUL in key or any(NUL in value for value in values) for key, values in request.POST.lists()
            )
        return False


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """settings.AXES_USERNAME_CALLABLE: the username django-axes counts failures for, as typed but cut to
    the longest an account may have. No account has a longer one, and django-axes writes it to a column
    of 255 characters: a sign-in with a longer one would otherwise be a 500 instead of a refusal."""
    field = settings.AXES_USERNAME_FORM_FIELD  # type: ignore[misc]  # axes.conf sets its default
    source = credentials or getattr(request, "data", request.POST)
    username = source.get(field)
    if not isinstance(username, str):
        return username
    column = cast(models.CharField, get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD))
    return username[: column.max_length]


def _lockout_text() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed sign-in attempts for this account from your address. Sign-in is locked for "
        "%(minutes)d minutes; try again later, or ask your center's administrator to unlock it."
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE: JSON for the API (its token endpoint), a page for people."""
    status = axes_settings.AXES_HTTP_RESPONSE_CODE  # 429 Too Many Requests, axes' default
    text = _lockout_text()
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": text, "code": "locked_out"}, status=status)
    else:
        body = format_html(
            '<!doctype html><html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
            '<body><main><h1>{}</h1><p role="alert">{}</p><p><a href="{}">{}</a></p></main></body></html>',
            getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
            _("Sign-in locked"),
            _("Sign-in locked"),
            text,
            reverse("login"),
            _("Back to the sign-in page"),
        )
        response = HttpResponse(body, status=status)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    add_never_cache_headers(response)
    return response
