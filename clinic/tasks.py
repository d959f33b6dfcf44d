"""Celery tasks of the clinic: thin wrappers around services."""

from celery import shared_task
from django.db import OperationalError

from .reminders import reminders_send


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def send_deadline_reminders() -> int:
    """Daily: e-mail each lawyer the open cases assigned to them that are overdue or due soon."""
    return reminders_send()
