"""Report tasks: thin wrappers that take ids and call the services."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .services import queued_reports_resend, report_build, scheduled_reports_request
from .statistics.services import statistical_report_build

# acks_late + reject_on_worker_lost: a build whose worker dies is delivered again, which is safe as
# report_build is idempotent. Back-off stays below the broker's visibility timeout (3600 s), or a
# waiting retry would be redelivered to a second worker; the time limits come from the settings.
REPORT_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(**REPORT_TASK_OPTIONS)
def build_report(report_id: int) -> None:
    """Build one report; a redelivery finds it built and does nothing."""
    report_build(report_id=report_id)


@shared_task(**REPORT_TASK_OPTIONS)
def build_scheduled_reports() -> int:
    """Queue the reports of the last completed month, quarter and year (daily, from beat)."""
    return len(scheduled_reports_request(today=timezone.localdate()))


@shared_task(**REPORT_TASK_OPTIONS)
def resend_queued_reports() -> int:
    """Send the builds that wait for the task queue or whose task was lost (every 5 minutes, from beat)."""
    # Beat sends this only while the broker is up: the first run after an outage sends what waited.
    return queued_reports_resend().sent


@shared_task(**REPORT_TASK_OPTIONS)
def build_statistical_report(report_id: int) -> None:
    """Build the federation's annual statistical report; a redelivery finds it built and does nothing."""
    statistical_report_build(report_id=report_id)
