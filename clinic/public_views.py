"""The public online reception: pages anyone may open without an account.

Send a question (to the reception queue of the chosen center, as a visit with the channel
"online"), read the tracking code once, and follow the question with the code and the phone.
Abuse control without third-party services: limits per address and per phone counted in the
database (clinic.throttle), a size limit checked before the body is read, type checks by content,
and a honeypot field.
"""

import contextlib
from collections.abc import Callable
from datetime import date
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from . import online, public_forms
from .throttle import Throttled, throttle_exceeded, throttle_hit
from .validators import normalize_phone

SENT_SESSION_KEY = "online_sent"


def _refused(request: HttpRequest, text: str, status: int, retry_after: int | None = None) -> HttpResponse:
    response = render(request, "clinic/online/refused.html", {"text": text}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
    minutes = max(1, round(error.retry_after / 60))
    text = _("Too many requests from your address. Please try again in %(minutes)d minutes.") % {
        "minutes": minutes
    }
    return _refused(request, text, 429, error.retry_after)


def refuse_large_bodies(view: Callable) -> Callable:
    """Refuse a body larger than the files allowed before anything reads it (the CSRF check would).

    The view is exempt from the CSRF middleware only so that this check comes first: it is wrapped in
    csrf_protect, which checks the token right after."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if request.method == "POST" and (not length.isdigit() or int(length) > online.max_request_bytes()):
            return _refused(request, _("The documents are too large to send. Attach smaller files."), 413)
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)


@never_cache
@refuse_large_bodies
@require_http_methods(["GET", "POST"])
def online_question(request: HttpRequest) -> HttpResponse:
    """The public form: the question goes to the chosen center's reception queue."""
    if request.method == "POST":
        try:
            # Every attempt counts, committed at once: a robot cannot post forever with bad input.
            throttle_hit(limit=online.submit_limits()[0], value=online.client_address(request))
        except Throttled as error:
            return _throttled(request, error)
        form = public_forms.OnlineQuestionForm(request.POST, request.FILES)
        sent = form.perform()
        if sent is not None:
            submission, code = sent
            request.session[SENT_SESSION_KEY] = {
                "code": online.tracking_code_display(code),
                "center": submission.center.name,
                "due_on": submission.due_on.isoformat(),
            }
            return redirect("clinic:online_sent")
    else:
        form = public_forms.OnlineQuestionForm()
    return render(
        request,
        "clinic/online/question.html",
        {"form": form, "consent_text": online.CONSENT_TEXT, "consent_version": online.CONSENT_VERSION},
        status=422 if form.errors else 200,
    )


@never_cache
@require_GET
def online_sent(request: HttpRequest) -> HttpResponse:
    """The tracking code, shown once: it is kept nowhere readable (only its hash is stored)."""
    sent = request.session.pop(SENT_SESSION_KEY, None)
    if sent is None:
        return redirect("clinic:online_question")
    sent["due_on"] = date.fromisoformat(sent["due_on"])
    return render(request, "clinic/online/sent.html", {"sent": sent})


@never_cache
@require_http_methods(["GET", "POST"])
def online_track(request: HttpRequest) -> HttpResponse:
    """Follow a question with its tracking code and the phone it was sent with.

    Wrong code or wrong phone get the same answer, and look-ups are limited per address and (failed
    ones) per phone, so the page cannot be used to guess codes."""
    tracked = None
    if request.method == "POST":
        per_address, failed_per_phone = online.track_limits()
        try:
            throttle_hit(limit=per_address, value=online.client_address(request))
        except Throttled as error:
            return _throttled(request, error)
        form = public_forms.TrackForm(request.POST)
        if form.is_valid():
            phone = normalize_phone(form.cleaned_data["phone"])
            if throttle_exceeded(limit=failed_per_phone, value=phone):
                form.add_error(None, _("Too many unsuccessful attempts. Please try again later."))
            else:
                tracked = online.online_submission_track(code=form.cleaned_data["code"], phone=phone)
                if tracked is None:
                    with contextlib.suppress(Throttled):  # refused from the next attempt on
                        throttle_hit(limit=failed_per_phone, value=phone)
                    form.add_error(None, _("No question matches this tracking code and phone number."))
    else:
        form = public_forms.TrackForm(initial={"code": request.GET.get("code", "")[:20]})
    return render(
        request,
        "clinic/online/track.html",
        {"form": form, "tracked": tracked},
        status=422 if form.errors else 200,
    )
