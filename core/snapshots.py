"""The life of a stored report snapshot, shared by the outcome reports (reports.Report) and the
federation's annual statistical report (organizations.StatisticalReport), which have the same state
fields: queued (a task id, sent once the request commits; a note in `error` while the task queue is
down), running, done (figures, data_as_of, built_at) or failed (the error).

A build is idempotent: a redelivered task, or one that waited for a concurrent build of the same
report, finds it built and does nothing."""

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from celery import Task
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError as BrokerError

from . import metrics
from .db import reading_from_replica

logger = logging.getLogger(__name__)

ERROR_TEXT_MAX = 2000
Send = Callable[[int, str], "str | None"]  # (report id, task id) -> None once sent, or the note
# A queued or running build not finished after this long has been lost (the hard time limit is 15
# minutes, retries back off at most 10 minutes each): the schedule may queue it again.
STALE_AFTER = timedelta(hours=2)


class Snapshot(models.Model):
    """The state of a stored snapshot and its build; the concrete models add what it is about."""

    class State(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Queued")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", gettext_lazy("Done")
        FAILED = "failed", gettext_lazy("Failed")

    state = models.CharField(gettext_lazy("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    error = models.TextField(gettext_lazy("error"), blank=True)
    figures = models.JSONField(gettext_lazy("figures"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("requested by"),
        help_text=gettext_lazy("Empty: requested by the schedule or a command."),
    )
    requested_at = models.DateTimeField(gettext_lazy("requested at"), default=timezone.now)
    data_as_of = models.DateTimeField(
        gettext_lazy("data as of"),
        null=True,
        blank=True,
        help_text=gettext_lazy("The moment up to which the data counts."),
    )
    built_at = models.DateTimeField(gettext_lazy("built at"), null=True, blank=True)
    task_id = models.CharField(gettext_lazy("task id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(gettext_lazy("build attempts"), default=0)
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_built(self) -> bool:
        """Done with data at least as recent as the latest request: a redelivered build has nothing to do."""
        return (
            self.state == self.State.DONE
            and self.data_as_of is not None
            and self.data_as_of >= self.requested_at
        )

    @property
    def is_waiting_for_queue(self) -> bool:
        """Recorded and queued, but its task not sent: the task queue was down (`error` holds the note)."""
        # A request clears the error and a failed build is no longer queued: a queued report with an
        # error is one whose task could not be sent (send_build); it is sent again by
        # reports.services.queued_reports_resend.
        return self.state == self.State.QUEUED and bool(self.error)

    @property
    def is_stale(self) -> bool:
        """Queued or running for so long that its task must have been lost."""
        return (
            self.state in (self.State.QUEUED, self.State.RUNNING)
            and self.requested_at < timezone.now() - STALE_AFTER
        )


SnapshotT = TypeVar("SnapshotT", bound=Snapshot)


def queue_unavailable_note(error: BaseException) -> str:
    """The note of a build that waits for the task queue: kept on the queued report until it is sent."""
    return _(
        "Waiting for the task queue, which is unavailable: the build will be sent as soon as it is back "
        "(%(error)s)."
    ) % {"error": error}


def send_build(model: type[Snapshot], task: Task, report_id: int, task_id: str, **options) -> str | None:
    """Send the build task; None once sent, or the note recorded on the report when the queue is down."""
    try:
        task.apply_async(args=(report_id,), task_id=task_id, **options)
    except BrokerError as error:
        # The request is committed: it stays queued, with the note, and
        # reports.services.queued_reports_resend sends it when the broker is back. The broker settings
        # make this fail in seconds, not minutes.
        logger.warning("Could not queue the build of %s %s: %s", model._meta.model_name, report_id, error)
        note = queue_unavailable_note(error)[:ERROR_TEXT_MAX]
        model._default_manager.filter(pk=report_id, task_id=task_id, state=model.State.QUEUED).update(
            error=note, updated_at=timezone.now()
        )
        return note
    return None


def queue(report: SnapshotT, *, by: Any, send: Send) -> SnapshotT:
    """Mark the report queued for a new build and send the task once the transaction commits."""
    report.state, report.error, report.attempts = report.State.QUEUED, "", 0
    report.requested_by, report.requested_at = by, timezone.now()
    report.task_id = str(uuid.uuid4())
    report.save(
        update_fields=["state", "error", "attempts", "requested_by", "requested_at", "task_id", "updated_at"]
    )
    report_id, task_id = report.pk, report.task_id

    def send_now() -> None:
        # Run before the request returns (unless an outer transaction is open): the caller's instance
        # then carries the note, so the page and the API can say the queue is down.
        note = send(report_id, task_id)
        if note:
            report.error = note

    # robust: a failure while sending (or, in eager mode, while building: the row records it) must
    # not undo or break the caller's committed request.
    transaction.on_commit(send_now, robust=True)
    return report


def _lock_build(namespace: int, report_id: int) -> None:
    """Wait for any other build of this report to commit; the lock is released with the transaction."""
    # An advisory lock rather than the row lock, so that requests (which update the row) never wait
    # for a build to finish computing.
    if connection.vendor != "postgresql":
        return  # SQLite (the demo) runs one writer at a time and builds in-process
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)", [namespace, report_id % 2**31]
        )


def _record_failure(model: type[Snapshot], report_id: int, error: BaseException) -> None:
    text = f"{type(error).__name__}: {error}"[:ERROR_TEXT_MAX]
    try:
        with transaction.atomic():
            model._default_manager.filter(pk=report_id).update(
                state=model.State.FAILED, error=text, updated_at=timezone.now()
            )
    except DatabaseError:  # e.g. the connection itself was lost: the task's retry will try again
        logger.exception("Could not record the failure of %s %s", model._meta.model_name, report_id)


def build(
    model: type[SnapshotT],
    report_id: int,
    *,
    lock_namespace: int,
    compute: Callable[[SnapshotT, datetime], dict[str, Any]],
) -> SnapshotT | None:
    """Compute the report's figures (`compute(report, as_of)`) and store them as its snapshot, all in
    one transaction; None if the report no longer exists."""
    # On an error the report is marked failed with the error (in a transaction of its own, so that it
    # survives) and the error re-raised for the task's retry policy.
    with transaction.atomic():
        report = model._default_manager.select_for_update().filter(pk=report_id).first()
        if report is None:
            logger.warning("%s %s no longer exists: nothing to build", model._meta.model_name, report_id)
            return None
        if report.is_built:
            return report
        # Committed at once, so that the state shows the build is under way.
        report.state, report.attempts = model.State.RUNNING, report.attempts + 1
        report.save(update_fields=["state", "attempts", "updated_at"])
    started = time.monotonic()
    try:
        with transaction.atomic():
            _lock_build(lock_namespace, report_id)
            report = model._default_manager.get(pk=report_id)
            if report.is_built:
                return report
            as_of = timezone.now()
            # From a read replica once it has replayed everything committed before as_of (core.db);
            # the figures need nothing this transaction wrote.
            with reading_from_replica(caught_up=True):
                figures = compute(report, as_of)
            report = model._default_manager.select_for_update().get(pk=report_id)
            report.figures, report.state, report.error = figures, model.State.DONE, ""
            report.data_as_of, report.built_at = as_of, timezone.now()
            report.save(update_fields=["figures", "state", "error", "data_as_of", "built_at", "updated_at"])
    except Exception as error:
        _record_failure(model, report_id, error)
        metrics.observe_build(
            kind=model._meta.model_name or "", outcome="failed", seconds=time.monotonic() - started
        )
        raise
    seconds = time.monotonic() - started
    metrics.observe_build(kind=model._meta.model_name or "", outcome="done", seconds=seconds)
    logger.info("%s %s built in %.3f s", model._meta.model_name, report_id, seconds)
    return report
