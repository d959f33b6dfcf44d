"""Celery tasks of the clinic: thin wrappers around services."""

from celery import shared_task
from django.db import OperationalError

from .reminders import reminders_send
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
