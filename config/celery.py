"""The Celery app: configured from Django settings (CELERY_*), tasks discovered in every app; the
workers write their heartbeat (core.health) and log through Django's LOGGING."""

from typing import Any

from celery import Celery
from celery.signals import setup_logging

from core.health import WorkerHeartbeat

app = Celery("tulegal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(WorkerHeartbeat)


@setup_logging.connect
def use_django_logging(**kwargs: Any) -> None:
    """Celery leaves the logging alone: settings.LOGGING (JSON lines in production, with the request id)
    is already in force, for the worker's lines and its tasks' alike."""
