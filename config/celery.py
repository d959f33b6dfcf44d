"""The Celery app: configured from Django settings (CELERY_*), tasks discovered in every app."""

from celery import Celery

app = Celery("tulegal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
