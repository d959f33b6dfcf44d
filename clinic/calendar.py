"""The lawyer's calendar: the events of a week or a month as a grid of days, and the private
iCalendar feed (RFC 5545) a phone subscribes to."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from organizations.models import Role, User

from . import workdays
from .models import Event
from .querysets import EventQuerySet

WEEK, MONTH = "week", "month"
# The feed's window: past events stay for a while (their outcome), the year ahead is planned.
FEED_DAYS_BACK, FEED_DAYS_AHEAD = 90, 365
PRODUCT_ID = "-//tulegal//Legal clinic calendar//EN"
# Digits a lawyer may have typed in the notes or the place: an IIN (12 digits) or a phone (7+ digits
# with the usual separators). The feed leaves the system for the phone's calendar service: masked.
_NUMBER_LIKE = re.compile(r"\+?\d[\d\s()\-]{5,}\d")


@dataclass
class Day:
    day: date
    in_period: bool  # a month grid shows the neighbouring months' days of its first and last weeks
    is_today: bool
    is_day_off: bool
    events: list[Event] = field(default_factory=list)


@dataclass
class CalendarPage:
    view: str
    start: date  # the grid's first Monday
    end: date  # the day after the grid's last Sunday
    period_start: date  # the week's Monday or the month's first day
    previous: date
    next: date
    weeks: list[list[Day]]

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def _day_off(day: date) -> bool:
    try:
        return not workdays.is_working_day(day)
    except ValueError:  # a year the official calendar does not cover: nothing to shade
        return day.weekday() >= 5


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def calendar_page(*, view: str, on: date, events: EventQuerySet, today: date) -> CalendarPage:
    """The week (Monday to Sunday) or the month around `on`, with the events of `events` in its days:
    one query."""
    if view == MONTH:
        period_start = on.replace(day=1)
        period_end = period_start + relativedelta(months=1)
        start = period_start - timedelta(days=period_start.weekday())
        last = period_end - timedelta(days=1)
        end = last + timedelta(days=7 - last.weekday())
        previous, following = period_start - relativedelta(months=1), period_end
    else:
        period_start = start = on - timedelta(days=on.weekday())
        period_end = end = start + timedelta(days=7)
        previous, following = start - timedelta(days=7), end
    by_day: dict[date, list[Event]] = defaultdict(list)
    for event in events.between(_local_start(start), _local_start(end)).with_record():
        by_day[timezone.localtime(event.starts_at).date()].append(event)
    days = [start + timedelta(days=offset) for offset in range((end - start).days)]
    grid = [
        Day(
            day=day,
            in_period=period_start <= day < period_end,
            is_today=day == today,
            is_day_off=_day_off(day),
            events=by_day.get(day, []),
        )
        for day in days
    ]
    return CalendarPage(
        view=view,
        start=start,
        end=end,
        period_start=period_start,
        previous=previous,
        next=following,
        weeks=[grid[index : index + 7] for index in range(0, len(grid), 7)],
    )


def calendar_events(user: User, lawyer: User | None, *, everyone: bool) -> EventQuerySet:
    """The events a calendar shows: the chosen lawyer's; else the user's own (a lawyer, by default) or
    the whole center's (a manager, or a lawyer who asked for everyone)."""
    events = Event.objects.visible_to(user)
    if lawyer is not None:
        return events.filter(lawyer=lawyer)
    if user.role == Role.LAWYER and not everyone:
        return events.filter(lawyer=user)
    return events


def masked_text(text: str) -> str:
    """Free text with the numbers that may be an IIN or a phone replaced by stars."""
    return _NUMBER_LIKE.sub(lambda match: "*" * 8, text)


def feed_calendar(user: User, *, now: datetime, record_url) -> bytes:
    """The user's events of the feed's window as an iCalendar file, in UTC times. Only what a
    calendar needs: the kind, the case's number, the place and the notes, with numbers masked; no
    applicant's name, IIN or phone (the file is kept by the phone's calendar service)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add(
        "x-wr-calname", _("Legal clinic: %(name)s") % {"name": user.get_full_name() or user.username}
    )
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    events = (
        Event.objects.filter(lawyer=user)
        .between(now - timedelta(days=FEED_DAYS_BACK), now + timedelta(days=FEED_DAYS_AHEAD))
        .with_record()
    )
    stamp = now.astimezone(UTC)
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.pk}@tulegal")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.starts_at.astimezone(UTC))
        entry.add("dtend", event.ends_at.astimezone(UTC))
        entry.add("summary", f"{event.get_kind_display()}: {event.record_label}")
        if event.place:
            entry.add("location", masked_text(event.place))
        description = [masked_text(event.notes)] if event.notes else []
        if event.outcome:
            description.append(_("Outcome: %(outcome)s") % {"outcome": masked_text(event.outcome)})
        url = record_url(event)
        if url:
            description.append(url)
            entry.add("url", url)
        if description:
            entry.add("description", "\n\n".join(description))
        entry.add("created", event.created_at.astimezone(UTC))
        entry.add("last-modified", event.updated_at.astimezone(UTC))
        entry.add("sequence", event.version - 1)
        calendar.add_component(entry)
    return calendar.to_ical()
