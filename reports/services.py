"""Every write to reports: request (create or queue again), build, and the schedule's requests."""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import snapshots
from core.snapshots import STALE_AFTER, Snapshot
from organizations.models import TerritorialCenter, User

from .models import Report
from .periods import Period, PeriodKind
from .queries import report_figures
from .rules import ensure_can_request_report
from .statistics.models import StatisticalReport
from .statistics.services import send_statistical_report_build

logger = logging.getLogger(__name__)

# The first key of the builds' PostgreSQL advisory locks ("RPRT"); the second is the report id.
BUILD_LOCK_NAMESPACE = 0x52505254
SCHEDULED_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)


def _send_build(report_id: int, task_id: str) -> str | None:
    from .tasks import build_report  # the tasks module imports this one

    return snapshots.send_build(Report, build_report, report_id, task_id)


def _queue(report: Report, *, by: User | None) -> Report:
    return snapshots.queue(report, by=by, send=_send_build)


@transaction.atomic
def report_request(
    *, center: TerritorialCenter | None, period_kind: str, period_start: date, by: User | None
) -> Report:
    """Create the report of a scope (None: the federation) and period, or queue it again for a rebuild."""
    # by=None is the schedule. The build task is sent only after the transaction commits.
    if by is not None:
        ensure_can_request_report(by, center)
    period = Period(period_kind, period_start)
    period.ensure_reportable()
    if period.start > timezone.localdate():
        raise ValidationError({"period_start": _("The period has not started yet.")})
    # get_or_create survives a concurrent first request: the loser's insert fails on the unique
    # constraint and it reads the winner's row.
    report, _created = Report.objects.get_or_create(
        center=center, period_kind=period.kind, period_start=period.start, defaults={"requested_by": by}
    )
    return _queue(report, by=by)


def report_rebuild(*, report: Report, by: User) -> Report:
    """Build a report again from the current data, replacing its snapshot."""
    return report_request(
        center=report.center, period_kind=report.period_kind, period_start=report.period_start, by=by
    )


@transaction.atomic
def scheduled_reports_request(*, today: date) -> list[Report]:
    """Queue the reports of the last completed month, quarter and year that are missing, failed or lost."""
    periods = [Period.last_completed(kind, today) for kind in SCHEDULED_KINDS]
    existing = {
        (report.center_id, report.period_kind, report.period_start): report
        for report in Report.objects.filter(
            period_kind__in=[period.kind for period in periods],
            period_start__in=[period.start for period in periods],
        )
    }
    scopes = [None, *TerritorialCenter.objects.order_by("iso_code")]
    queued = []
    # Run daily, this also catches up a first of the month on which the scheduler was down; a
    # second run finds every row and queues nothing.
    for period in periods:
        for center in scopes:
            report = existing.get((center.pk if center else None, period.kind, period.start))
            if report is None:
                report, created = Report.objects.get_or_create(
                    center=center, period_kind=period.kind, period_start=period.start
                )
                if not created:  # a concurrent run made it first
                    continue
            elif not (report.state == Report.State.FAILED or report.is_stale):
                continue
            queued.append(_queue(report, by=None))
    return queued


# Builds to send again: those whose task never reached the broker (queued with the note of
# snapshots.send_build) and those whose task was lost on the way (queued or running for longer than any
# build takes). The outcome reports and the federation's statistical report alike: both go to the
# reports queue and share the states (queued, running, done, failed).


@dataclass(frozen=True)
class Resent:
    sent: int
    waiting: int  # claimed but not sent: the queue is still down, and each carries the note again


def _resendable(now) -> Q:
    waiting = Q(state=Report.State.QUEUED) & ~Q(error="")
    lost = Q(state__in=(Report.State.QUEUED, Report.State.RUNNING), requested_at__lt=now - STALE_AFTER)
    return waiting | lost


@transaction.atomic
def _claim(model: type[Snapshot], now: datetime) -> list[tuple[int, str]]:
    """Queue every waiting or lost build of `model` again under a new task id, before anything is sent."""
    # skip_locked: a concurrent resend (or a build holding the row) keeps its rows; the new task id
    # makes a late note or a late failure of the previous attempt miss the row. Once committed, the
    # row is no longer "waiting", so the next resend leaves it alone unless sending fails again.
    reports = list(
        model._default_manager.select_for_update(skip_locked=True).filter(_resendable(now)).order_by("pk")
    )
    for report in reports:
        report.state, report.error, report.attempts = Report.State.QUEUED, "", 0
        report.requested_at, report.task_id = now, str(uuid.uuid4())
        report.save(update_fields=["state", "error", "attempts", "requested_at", "task_id", "updated_at"])
    return [(report.pk, report.task_id) for report in reports]


def queued_reports_resend() -> Resent:
    """Send the builds that wait for the task queue or whose task was lost; safe to run at any time."""
    # Idempotent: a build sent twice is built once (report_build's row and advisory locks and its
    # is_built check), and a run that finds nothing waiting sends nothing.
    now = timezone.now()
    claimed: list[tuple[type[Snapshot], Callable[[int, str], str | None], int, str]] = [
        (model, send, report_id, task_id)
        for model, send in ((Report, _send_build), (StatisticalReport, send_statistical_report_build))
        for report_id, task_id in _claim(model, now)
    ]
    sent, note = 0, None
    for model, send, report_id, task_id in claimed:
        if note is None:
            note = send(report_id, task_id)
            if note is None:
                sent += 1
        else:
            # The queue refused the previous one: record the rest as waiting without trying (with a
            # broker that accepts connections but never answers, each try takes seconds).
            model._default_manager.filter(pk=report_id, task_id=task_id, state=Report.State.QUEUED).update(
                error=note, updated_at=timezone.now()
            )
    if claimed:
        logger.info("Report builds sent again: %s of %s", sent, len(claimed))
    return Resent(sent=sent, waiting=len(claimed) - sent)


def report_build(*, report_id: int) -> Report | None:
    """Compute the report's figures and store them as its snapshot, all in one transaction."""
    return snapshots.build(
        Report,
        report_id,
        lock_namespace=BUILD_LOCK_NAMESPACE,
        compute=lambda report, as_of: report_figures(
            center_id=report.center_id, period=report.period, as_of=as_of
        ),
    )
