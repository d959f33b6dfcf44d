"""The second factor's pages (enrolment, the code at sign-in) and the account's security page: the
authenticator, the recovery codes, the signed-in sessions and the API token. Thin: the rules are in
organizations.two_factor."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.qr import write_qrcode_image
from rest_framework.authtoken.models import Token

from core.inputs import local_path, parse_id
from core.middleware import lockout_response

from . import two_factor
from .forms import AuthenticatorCodeForm, SecondFactorForm
from .http import AuthenticatedHttpRequest
from .models import StaffSession


def _next(request: AuthenticatedHttpRequest) -> str:
    """Where to go once the code is given: ?next= when it is a path of this site
    (url_has_allowed_host_and_scheme), else the role's home."""
    return local_path(request, request.POST.get("next") or request.GET.get("next"), reverse("home"))


def _qr_svg(url: str) -> str:
    out = io.BytesIO()
    write_qrcode_image(url, out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # inline: without the XML declaration


@never_cache
@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in: the app's code or a recovery code."""
    pending = two_factor.two_factor_pending(request)
    if pending == two_factor.ENROL:
        return redirect(f"{reverse('two_factor_enrol')}?{request.GET.urlencode()}")
    if pending is None:
        return HttpResponseRedirect(_next(request))
    if two_factor.is_locked_out(request, request.user):
        return lockout_response(request)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.session_verify(request=request, code=form.given):
            return HttpResponseRedirect(_next(request))
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        form.add_error(None, _("The code is wrong or has expired. Try the current code."))
    return render(request, "organizations/two_factor_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def two_factor_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), confirm with its first code."""
    if two_factor.authenticator_of(request.user) is not None:
        if not request.user.is_verified():  # type: ignore[attr-defined]
            return redirect(f"{reverse('two_factor_verify')}?{request.GET.urlencode()}")
        return redirect("account_security")
    device = two_factor.authenticator_start(user=request.user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.authenticator_confirm(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            return render(
                request,
                "organizations/recovery_codes.html",
                {"codes": codes, "next": _next(request), "new": True},
            )
        form.add_error("code", _("The code is wrong or has expired. Try the current code."))
    context = {
        "form": form,
        "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308  (drawn by qrcode from our own data)
        "secret": two_factor.authenticator_secret(device),
        "next": _next(request),
        "required": two_factor.two_factor_required(request.user),
    }
    return render(request, "organizations/two_factor_enrol.html", context)


@never_cache
@login_required
def account_security(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "authenticator": two_factor.authenticator_of(user),
        "required": two_factor.two_factor_required(user),
        "recovery_left": two_factor.recovery_codes_left(user),
        "sessions": two_factor.sessions_of(user=user, current_key=request.session.session_key),
        "token": Token.objects.filter(user=user).first(),
    }
    return render(request, "organizations/account_security.html", context)


def _refused(request: AuthenticatedHttpRequest, error: PermissionDenied) -> HttpResponse:
    messages.error(request, str(error))
    return redirect("account_security")


@require_POST
@login_required
def session_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session_id = parse_id(pk)
    if session_id is None or not StaffSession.objects.filter(user=request.user, pk=session_id).exists():
        raise Http404  # another user's session (or one already ended) is not confirmed to exist
    try:
        two_factor.session_revoke(
            user=request.user, session_id=session_id, current_key=request.session.session_key
        )
    except PermissionDenied as error:
        return _refused(request, error)
    messages.success(request, _("The session has been ended."))
    return redirect("account_security")


@require_POST
@login_required
def sessions_revoke_others(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = two_factor.sessions_revoke_others(user=request.user, current_key=request.session.session_key)
    messages.success(
        request,
        ngettext("Signed out of %(count)d other session.", "Signed out of %(count)d other sessions.", count)
        % {"count": count},
    )
    return redirect("account_security")


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    two_factor.token_revoke(user=request.user)
    messages.success(request, _("The API token has been revoked."))
    return redirect("account_security")


@never_cache
@require_POST
@login_required
def recovery_codes_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        codes = two_factor.recovery_codes_regenerate(user=request.user)
    except PermissionDenied as error:
        return _refused(request, error)
    return render(
        request, "organizations/recovery_codes.html", {"codes": codes, "next": reverse("account_security")}
    )


@require_POST
@login_required
def authenticator_remove(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        two_factor.authenticator_remove(user=request.user)
    except PermissionDenied as error:
        return _refused(request, error)
    messages.success(request, _("The authenticator app and the recovery codes have been removed."))
    return redirect("account_security")
