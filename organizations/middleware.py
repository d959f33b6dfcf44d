"""The one gate of the second factor: a signed-in session that still owes it (organizations.two_factor)
reaches only the pages that ask for it. Pages redirect there, keeping ?next=; the API answers 403.
Open to everyone as before: sign-in and sign-out, the online reception, the static files, the language
switch and the token endpoint (which asks for the code itself)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import two_factor


def _open_prefixes() -> tuple[str, ...]:
    return (
        reverse("login"),
        reverse("logout"),
        reverse("two_factor_verify"),
        reverse("two_factor_enrol"),
        reverse("api-token"),
        "/" + settings.STATIC_URL.lstrip("/"),
        "/online/",
        "/i18n/",
    )


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: also writes the session's "last seen" now and then."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.open_prefixes: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        if self.open_prefixes is None:
            self.open_prefixes = _open_prefixes()
        if request.path.startswith(self.open_prefixes):
            return self.get_response(request)
        if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
            # Token authentication: the token was given only after the second factor.
            return self.get_response(request)
        pending = two_factor.two_factor_pending(request)
        if pending is None:
            two_factor.session_touch(request)
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _(
                        "This session has not given its second factor. Sign in to the web application and "
                        "enter the code from your authenticator app, or use a token."
                    ),
                    "code": "second_factor_required",
                },
                status=403,
            )
        target = reverse("two_factor_verify" if pending == two_factor.VERIFY else "two_factor_enrol")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
