"""Security answers shared by the web pages and the API: no caching of API answers (they carry
personal data), and the page or JSON a locked-out sign-in gets (django-axes)."""

from collections.abc import Callable

from axes.conf import settings as axes_settings
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _


class NoStoreApiMiddleware:
    """API answers (persons, visits, cases...) are never kept by a browser or a proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/") and not request.path.startswith("/api/docs/"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


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
