"""The calendar page of lawyers and managers (a week or a month of hearings and meetings) and the
private iCalendar feed a phone subscribes to."""

import hmac

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from core.views import staff_page
from organizations.http import AuthenticatedHttpRequest
from organizations.models import Role

from . import rules, services
from .calendar import MONTH, WEEK, calendar_events, calendar_page, feed_calendar
from .forms import CalendarForm
from .models import CalendarFeed, Event


def _feed_url(request: HttpRequest, feed: CalendarFeed | None) -> str:
    """The feed's address to subscribe to, in the page's language (a calendar app sends none)."""
    if feed is None:
        return ""
    path = reverse("clinic:calendar_feed", args=[feed.pk, feed.token])
    return request.build_absolute_uri(f"{path}?lang={translation.get_language()}")


@staff_page
@require_GET
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A week (the default) or a month of the events: a lawyer's own by default, a manager's center."""
    rules.ensure_has_calendar(request.user)
    form = CalendarForm(request.GET, user=request.user)
    today = timezone.localdate()
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    view = data.get("view") or WEEK
    lawyer_choice = data.get("lawyer") or ""
    lawyer = form.chosen_lawyer() if valid else None
    page = calendar_page(
        view=view,
        on=data.get("date") or today,
        events=calendar_events(request.user, lawyer, everyone=lawyer_choice == "all"),
        today=today,
    )
    # Several lawyers' events: each names its lawyer.
    several = lawyer is None and (request.user.role != Role.LAWYER or lawyer_choice == "all")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "clinic/calendar.html",
        {
            "form": form,
            "page": page,
            "views": [(WEEK, _("Week")), (MONTH, _("Month"))],
            "lawyer_choice": lawyer_choice,
            "show_lawyer": several,
            "lawyers": form.lawyers,
            "feed_url": _feed_url(request, feed),
            "today": today,
        },
        status=200 if valid else 400,
    )


@staff_page
@require_POST
def calendar_feed_renew(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make the user's feed URL, or a new one: the old URL answers 404 from now on."""
    had_feed = CalendarFeed.objects.filter(user=request.user).exists()
    services.calendar_feed_renew(by=request.user)
    messages.success(
        request,
        _("A new feed address is made: the old one no longer works, subscribe again with the new one.")
        if had_feed
        else _("Your feed address is made: subscribe to it from your phone's calendar."),
    )
    return redirect(reverse("clinic:calendar") + "#feed")


@never_cache
@require_safe  # calendar apps may ask HEAD first
def calendar_feed(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The user's events as text/calendar. No session: the token is the key. A wrong or revoked token,
    like an unknown feed, is a 404; the token is compared in constant time."""
    feed = CalendarFeed.objects.select_related("user").filter(pk=pk).first()
    if (
        feed is None
        or not hmac.compare_digest(feed.token.encode(), token.encode())
        or not feed.user.is_active
    ):
        raise Http404
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        body = feed_calendar(
            feed.user, now=timezone.now(), record_url=lambda event: _record_url(request, event)
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response


def _record_url(request: HttpRequest, event: Event) -> str:
    """The page of the event's case or dispute."""
    if event.application_id:
        return request.build_absolute_uri(reverse("clinic:case_detail", args=[event.application_id]))
    return request.build_absolute_uri(reverse("clinic:dispute_detail", args=[event.dispute_id]))
