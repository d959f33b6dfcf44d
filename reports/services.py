"""Every write to reports: request (create or queue again), build, and the schedule's requests."""

import logging
import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from organizations.models import TerritorialCenter, User

from .models import Report
from .periods import Period, PeriodKind
from .queries import report_figures
from .rules import ensure_can_request_report

logger = logging.getLogger(__name__)

# The first key of the builds' PostgreSQL advisory locks ("RPRT"); the second is the report id.
BUILD_LOCK_NAMESPACE = 0x52505254
SCHEDULED_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
ERROR_TEXT_MAX = 2000


def _queue_build(report_id: int, task_id: str) -> None:
    from .tasks import build_report  # the tasks module imports this one

    try:
        build_report.apply_async(args=(report_id,), task_id=task_id)
    except BrokerError as error:
        # The row is committed by now: without this it would stay "queued" with no task behind it.
        logger.exception("Could not queue the build of report %s", report_id)
        Report.objects.filter(pk=report_id, task_id=task_id).update(
            state=Report.State.FAILED,
            error=_("The build could not be queued: %s") % error,
            updated_at=timezone.now(),
        )


def _queue(report: Report, *, by: User | None) -> Report:
    """Mark the report queued for a new build and send the task once the transaction commits."""
    report.state, report.error, report.attempts = Report.State.QUEUED, "", 0
    report.requested_by, report.requested_at = by, timezone.now()
    report.task_id = str(uuid.uuid4())
    report.save(
        update_fields=["state", "error", "attempts", "requested_by", "requested_at", "task_id", "updated_at"]
    )
    report_id, task_id = report.pk, report.task_id
    # robust: a failure while sending (or, in eager mode, while building: the row records it) must
    # not undo or break the caller's committed request.
    transaction.on_commit(lambda: _queue_build(report_id, task_id), robust=True)
    return report


@transaction.atomic
def report_request(
    *, center: TerritorialCenter | None, period_kind: str, period_start: date, by: User | None
) -> Report:
    """Create the report of a scope (None: the federation) and period, or queue it again for a rebuild."""
    # by=None is the schedule. The build task is sent only after the transaction commits.
    if by is not None:
        ensure_can_request_report(by, center)
    period = Period(period_kind, period_start)
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


def _lock_build(report_id: int) -> None:
    """Wait for any other build of this report to commit; the lock is released with the transaction."""
    # An advisory lock rather than the row lock, so that requests (which update the row) never wait
    # for a build to finish computing.
    if connection.vendor != "postgresql":
        return  # SQLite (the demo) runs one writer at a time and builds in-process
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
            [BUILD_LOCK_NAMESPACE, report_id % 2**31],
        )


def _record_failure(report_id: int, error: BaseException) -> None:
    text = f"{type(error).__name__}: {error}"[:ERROR_TEXT_MAX]
    try:
        with transaction.atomic():
            Report.objects.filter(pk=report_id).update(
                state=Report.State.FAILED, error=text, updated_at=timezone.now()
            )
    except DatabaseError:  # e.g. the connection itself was lost: the task's retry will try again
        logger.exception("Could not record the failure of report %s", report_id)


def report_build(*, report_id: int) -> Report | None:
    """Compute the report's figures and store them as its snapshot, all in one transaction."""
    # Idempotent: a redelivered task, or one that waited for a concurrent build, finds the report
    # built and does nothing. On an error the report is marked failed with the error (in a transaction
    # of its own, so it survives) and the error re-raised for the task's retry policy.
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            logger.warning("Report %s no longer exists: nothing to build", report_id)
            return None
        if report.is_built:
            return report
        # Committed at once, so that the state shows the build is under way.
        report.state, report.attempts = Report.State.RUNNING, report.attempts + 1
        report.save(update_fields=["state", "attempts", "updated_at"])
    try:
        with transaction.atomic():
            _lock_build(report_id)
            report = Report.objects.get(pk=report_id)
            if report.is_built:
                return report
            as_of = timezone.now()
            figures = report_figures(center_id=report.center_id, period=report.period, as_of=as_of)
            report = Report.objects.select_for_update().get(pk=report_id)
            report.figures, report.state, report.error = figures, Report.State.DONE, ""
            report.data_as_of, report.built_at = as_of, timezone.now()
            report.save(update_fields=["figures", "state", "error", "data_as_of", "built_at", "updated_at"])
            return report
    except Exception as error:
        _record_failure(report_id, error)
        raise
