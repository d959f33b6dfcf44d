"""Deadline reminders: one e-mail per lawyer listing the open cases that are overdue or due soon, and
the labor disputes whose last day to file or expected decision is near or passed."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import ngettext

from organizations.models import Role, User

from . import limitation, workdays
from .models import Application, LaborDispute


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
        _lawyer, lines = grouped.setdefault(lawyer.pk, (lawyer, []))
        lines.append(
            DisputeReminderLine(
                employer=dispute.employer.name,
                subject=" ".join(dispute.subject.split())[:80],
                deadline=dispute.next_deadline_kind,
                due_on=due_on,
                passed=due_on < today,
            )
        )
    return grouped


def _message(
    lawyer: User,
    lines: list[ReminderLine],
    days_ahead: int,
    dispute_lines: list[DisputeReminderLine] | None = None,
    dispute_days_ahead: int = 0,
) -> mail.EmailMessage:
    dispute_lines = dispute_lines or []
    overdue = sum(line.overdue for line in lines)
    if lines:
        subject = ngettext(
            "Deadlines: %(count)d case needs your attention (%(overdue)d overdue)",
            "Deadlines: %(count)d cases need your attention (%(overdue)d overdue)",
            len(lines),
        ) % {"count": len(lines), "overdue": overdue}
    else:
        passed = sum(line.passed for line in dispute_lines)
        subject = ngettext(
            "Deadlines: %(count)d labor dispute needs your attention (%(passed)d passed)",
            "Deadlines: %(count)d labor disputes need your attention (%(passed)d passed)",
            len(dispute_lines),
        ) % {"count": len(dispute_lines), "passed": passed}
    body = render_to_string(
        "clinic/email/deadline_reminder.txt",
        {
            "lawyer": lawyer,
            "lines": lines,
            "days_ahead": days_ahead,
            "overdue_count": overdue,
            "dispute_lines": dispute_lines,
            "dispute_days_ahead": dispute_days_ahead,
            "FILING": limitation.FILING,
        },
    )
    return mail.EmailMessage(subject=subject, body=body, to=[lawyer.email])


def reminders_send(*, today: date | None = None) -> int:
    """E-mail each lawyer their open cases that are overdue or due within CLINIC_REMINDER_DAYS_AHEAD
    working days, and their unresolved labor disputes whose last day to file or expected decision has
    passed or comes within CLINIC_DISPUTE_DAYS_AHEAD days; return the number of e-mails sent."""
    today = today or timezone.localdate()
    days_ahead = settings.CLINIC_REMINDER_DAYS_AHEAD
    horizon = workdays.add_working_days(today, days_ahead)
    cases = _cases_by_lawyer(today, horizon)
    dispute_days_ahead = settings.CLINIC_DISPUTE_DAYS_AHEAD
    disputes = _disputes_by_lawyer(today, today + timedelta(days=dispute_days_ahead))
    messages = []
    for lawyer_id in sorted({*cases, *disputes}):
        lawyer, lines = cases.get(lawyer_id) or (disputes[lawyer_id][0], [])
        dispute_lines = disputes[lawyer_id][1] if lawyer_id in disputes else []
        messages.append(_message(lawyer, lines, days_ahead, dispute_lines, dispute_days_ahead))
    if not messages:
        return 0
    return mail.get_connection().send_messages(messages) or 0
