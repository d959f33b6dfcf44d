"""Deadline reminders: one e-mail per lawyer listing the open cases that are overdue or due soon, the
labor disputes whose last day to file or expected decision is near or passed, and tomorrow's hearings
and meetings."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import ngettext

from organizations.models import Role, User

from . import limitation, workdays
from .models import Application, Event, LaborDispute


@dataclass(frozen=True)
class ReminderLine:
    registration_number: str
    person: str
    due_on: date
    overdue: bool


def _cases_by_lawyer(today: date, horizon: date) -> dict[int, tuple[User, list[ReminderLine]]]:
    """Open cases of active lawyers with an e-mail, overdue or due by `horizon`: one query, grouped here."""
    applications = (
        (Application.objects.overdue(today) | Application.objects.due_between(today, horizon))
        .filter(lawyer__role=Role.LAWYER, lawyer__is_active=True)
        .exclude(lawyer__email="")
        .select_related("person", "lawyer")
        .order_by("lawyer_id", "due_on", "registration_number")
    )
    grouped: dict[int, tuple[User, list[ReminderLine]]] = {}
    for application in applications:
        # The query keeps only cases with a lawyer.
        lawyer = cast(User, application.lawyer)
        _lawyer, lines = grouped.setdefault(lawyer.pk, (lawyer, []))
        lines.append(
            ReminderLine(
                registration_number=application.registration_number,
                person=application.person.full_name,
                due_on=application.due_on,
                overdue=application.due_on < today,
            )
        )
    return grouped


@dataclass(frozen=True)
class DisputeReminderLine:
    employer: str
    subject: str
    deadline: str  # clinic.limitation.FILING or DECISION
    due_on: date
    passed: bool


def _disputes_by_lawyer(today: date, until: date) -> dict[int, tuple[User, list[DisputeReminderLine]]]:
    """Unresolved disputes of active lawyers with an e-mail whose last day to file or expected decision
    is passed or falls by `until`: one query (the index on next_deadline_on), grouped here."""
    disputes = (
        LaborDispute.objects.filter(next_deadline_on__lte=until)
        .filter(lawyer__role=Role.LAWYER, lawyer__is_active=True)
        .exclude(lawyer__email="")
        .select_related("employer", "lawyer")
        .order_by("lawyer_id", "next_deadline_on", "pk")
    )
    grouped: dict[int, tuple[User, list[DisputeReminderLine]]] = {}
    for dispute in disputes:
        lawyer = cast(User, dispute.lawyer)  # the query keeps only disputes with a lawyer
        due_on = cast(date, dispute.next_deadline_on)
        grouped.setdefault(lawyer.pk, (lawyer, []))[1].append(
            DisputeReminderLine(
                employer=dispute.employer.name,
                subject=" ".join(dispute.subject.split())[:80],
                deadline=dispute.next_deadline_kind,
                due_on=due_on,
                passed=due_on < today,
            )
        )
    return grouped


def _events_by_lawyer(tomorrow: date) -> dict[int, tuple[User, list[Event]]]:
    """Tomorrow's hearings and meetings of active lawyers with an e-mail: one query, grouped here."""
    start = timezone.make_aware(datetime.combine(tomorrow, time.min))
    events = (
        Event.objects.between(start, start + timedelta(days=1))
        .filter(lawyer__role=Role.LAWYER, lawyer__is_active=True)
        .exclude(lawyer__email="")
        .with_record()
        .order_by("lawyer_id", "starts_at", "pk")
    )
    grouped: dict[int, tuple[User, list[Event]]] = {}
    for event in events:
        lawyer = cast(User, event.lawyer)  # the query keeps only events with a lawyer
        grouped.setdefault(lawyer.pk, (lawyer, []))[1].append(event)
    return grouped


def _subject(lines: list[ReminderLine], dispute_lines: list[DisputeReminderLine], events: list[Event]) -> str:
    """What needs the lawyer most: overdue and coming cases, else disputes, else tomorrow's events."""
    if lines:
        return ngettext(
            "Deadlines: %(count)d case needs your attention (%(overdue)d overdue)",
            "Deadlines: %(count)d cases need your attention (%(overdue)d overdue)",
            len(lines),
        ) % {"count": len(lines), "overdue": sum(line.overdue for line in lines)}
    if dispute_lines:
        return ngettext(
            "Deadlines: %(count)d labor dispute needs your attention (%(passed)d passed)",
            "Deadlines: %(count)d labor disputes need your attention (%(passed)d passed)",
            len(dispute_lines),
        ) % {"count": len(dispute_lines), "passed": sum(line.passed for line in dispute_lines)}
    return ngettext(
        "Tomorrow: %(count)d hearing or meeting",
        "Tomorrow: %(count)d hearings or meetings",
        len(events),
    ) % {"count": len(events)}


def _message(
    lawyer: User,
    lines: list[ReminderLine],
    dispute_lines: list[DisputeReminderLine],
    events: list[Event],
) -> mail.EmailMessage:
    body = render_to_string(
        "clinic/email/deadline_reminder.txt",
        {
            "lawyer": lawyer,
            "lines": lines,
            "days_ahead": settings.CLINIC_REMINDER_DAYS_AHEAD,
            "overdue_count": sum(line.overdue for line in lines),
            "dispute_lines": dispute_lines,
            "dispute_days_ahead": settings.CLINIC_DISPUTE_DAYS_AHEAD,
            "FILING": limitation.FILING,
            "events": events,
        },
    )
    return mail.EmailMessage(subject=_subject(lines, dispute_lines, events), body=body, to=[lawyer.email])


def reminders_send(*, today: date | None = None) -> int:
    """E-mail each lawyer their open cases that are overdue or due within CLINIC_REMINDER_DAYS_AHEAD
    working days, their unresolved labor disputes whose last day to file or expected decision has passed
    or comes within CLINIC_DISPUTE_DAYS_AHEAD days, and their hearings and meetings of tomorrow; return
    the number of e-mails sent."""
    today = today or timezone.localdate()
    horizon = workdays.add_working_days(today, settings.CLINIC_REMINDER_DAYS_AHEAD)
    cases = _cases_by_lawyer(today, horizon)
    disputes = _disputes_by_lawyer(today, today + timedelta(days=settings.CLINIC_DISPUTE_DAYS_AHEAD))
    events = _events_by_lawyer(today + timedelta(days=1))
    lawyers = {pk: lawyer for pk, (lawyer, _lines) in (*cases.items(), *disputes.items(), *events.items())}
    messages = [
        _message(
            lawyer,
            cases.get(pk, (lawyer, []))[1],
            disputes.get(pk, (lawyer, []))[1],
            events.get(pk, (lawyer, []))[1],
        )
        for pk, lawyer in sorted(lawyers.items())
    ]
    if not messages:
        return 0
    return mail.get_connection().send_messages(messages) or 0
