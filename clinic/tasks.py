"""Celery tasks of the clinic: thin wrappers around services."""

from celery import shared_task
from django.db import DEFAULT_DB_ALIAS, OperationalError

from .reminders import reminders_send
from .services.imports import import_run
from .services.messages import MessageNotSent, message_send, messages_send_waiting
from .services.retention import retention_run


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def send_deadline_reminders() -> int:
    """Daily: e-mail each lawyer the open cases assigned to them that are overdue or due soon."""
    return reminders_send()


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def apply_retention(self) -> int:
    """Daily: anonymise what the retention periods say is due; returns the run's id. A second delivery
    finds nothing more to do: anonymised records are marked, and each batch commits with its count."""
    return retention_run(started_by=f"clinic.tasks.apply_retention {self.request.id}").pk


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(MessageNotSent, OperationalError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=None,  # the outbox counts the attempts (CLINIC_MESSAGE_MAX_ATTEMPTS), then marks failed
)
def send_applicant_message(self, message_id: int) -> str | None:
    """Send one message of the outbox; a redelivery finds it claimed and sends nothing."""
    return message_send(message_id=message_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def send_waiting_messages() -> int:
    """Every 5 minutes: the messages whose task was lost or never sent."""
    return messages_send_waiting()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def build_export(job_id: int) -> int | None:
    """Build a large list export's file (clinic.exports); a failure marks the job failed."""
    from .exports import export_build
    from .models import ExportJob

    # From the primary (DEFAULT_DB_ALIAS), even inside a request reading from a replica: the job was just
    # written there, and a replica may not have it yet.
    job = (
        ExportJob.objects.using(DEFAULT_DB_ALIAS)
        .select_related("user")
        .filter(pk=job_id, status=ExportJob.State.PENDING)
        .first()
    )
    if job is None:
        return None  # a second delivery of a job already built
    try:
        return export_build(job).row_count
    except Exception:
        ExportJob.objects.filter(pk=job_id).update(status=ExportJob.State.FAILED)
        raise


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def delete_old_exports() -> int:
    """Daily: delete the background exports past settings.EXPORT_KEEP_DAYS, with their files."""
    from .exports import exports_delete_old

    return exports_delete_old()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def run_import(job_id: int) -> str:
    """Check or import an uploaded register, chunk by chunk; returns the job's state."""
    return import_run(job_id=job_id).state
