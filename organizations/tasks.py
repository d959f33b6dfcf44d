"""Organization tasks: thin wrappers that take ids and call the services."""

from celery import shared_task

from reports.tasks import REPORT_TASK_OPTIONS

from .services import statistical_report_build


# A build is a report build, with the same delivery guarantees (acks late, retried on a lost database
# connection, idempotent); the service sends it to the reports queue.
@shared_task(**REPORT_TASK_OPTIONS)
def build_statistical_report(report_id: int) -> None:
    """Build the federation's annual statistical report; a redelivery finds it built and does nothing."""
    statistical_report_build(report_id=report_id)
