"""Due dates brought in line with the working-day calendar after it changed (a new python-holidays
release, a line added to seeds/calendar_overrides.csv).

A due date is computed once, at registration; this recomputes the ones still waited for: open cases
that no manager extended (an extended case keeps the date the manager set by a reasoned decision)
and online questions the reception has not dealt with yet."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.audit import acting_as
from core.versioning import save_changes

from .models import Application, ApplicationKind, DeadlineExtension, OnlineSubmission, Visit
from .services import due_date, online_due_date


@dataclass(frozen=True)
class DueDateChange:
    """One record whose due date differs under the current calendar."""

    label: str
    previous: date
    new: date


@dataclass
class DueDatesRecomputed:
    applications: list[DueDateChange] = field(default_factory=list)
    online_questions: list[DueDateChange] = field(default_factory=list)
    extended_kept: int = 0  # open cases left alone because a manager extended them

    @property
    def changed(self) -> int:
        return len(self.applications) + len(self.online_questions)


def _extended():
    return Exists(DeadlineExtension.objects.filter(application=OuterRef("pk")))


def _unextended_open_applications():
    return Application.objects.open().filter(~_extended())


@transaction.atomic
def due_dates_recompute(*, dry_run: bool = False) -> DueDatesRecomputed:
    """Recompute the due date of every open, unextended case from its receipt and its kind's deadline,
    and of every pending online question; save only those that differ, each with its audit entry
    (no actor: the system). With `dry_run`, report what would change and save nothing."""
    result = DueDatesRecomputed(extended_kept=Application.objects.open().filter(_extended()).count())
    kinds = {kind.pk: kind for kind in ApplicationKind.objects.all()}
    rows = _unextended_open_applications().values_list("pk", "kind_id", "received_on", "due_on")
    stale = [
        pk
        for pk, kind_id, received_on, due_on in rows.iterator(chunk_size=5000)
        if due_date(kinds[kind_id], received_on) != due_on
    ]
    # Checked again on the locked rows: a case decided or extended meanwhile is left alone.
    applications = _unextended_open_applications().filter(pk__in=stale).order_by("pk")
    for application in applications if dry_run else applications.select_for_update():
        new = due_date(kinds[application.kind_id], application.received_on)
        if new == application.due_on:
            continue
        result.applications.append(DueDateChange(application.registration_number, application.due_on, new))
        if not dry_run:
            application.due_on = new
            with acting_as(None):
                save_changes(application, ["due_on"])

    pending = (
        OnlineSubmission.objects.filter(visit__result=Visit.Result.PENDING)
        .select_related("center")
        .order_by("pk")
    )
    if not dry_run:
        pending = pending.select_for_update(of=("self",))
    due_by_day: dict[date, date] = {}
    for submission in pending:
        sent_on = timezone.localdate(submission.created_at)
        if sent_on not in due_by_day:
            due_by_day[sent_on] = online_due_date(sent_on)
        new = due_by_day[sent_on]
        if new == submission.due_on:
            continue
        label = f"{submission.center.code} online question {submission.pk}"
        result.online_questions.append(DueDateChange(label, submission.due_on, new))
        if not dry_run:
            submission.due_on = new
            with acting_as(None):
                save_changes(submission, ["due_on"])
    return result
