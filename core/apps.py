from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Django plumbing shared by every app; it knows no domain model and imports no other app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from celery.signals import before_task_publish, task_postrun, task_prerun
        from django.apps import apps
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import metrics, request_id
        from .schedule import periodic_tasks_sync
        from .sqlite import sqlite_functions

        # Once per migrate, after every app's migrations; sent for the app whose tables hold the rows
        # (post_migrate is sent only for apps with models, which this one has not).
        beat = apps.get_app_config("django_celery_beat")
        post_migrate.connect(periodic_tasks_sync, sender=beat, dispatch_uid="core.periodic_tasks")
        connection_created.connect(sqlite_functions, dispatch_uid="core.sqlite_functions")
        # Every task's run carries the request id of the request that queued it, and is counted.
        before_task_publish.connect(request_id.task_publishing, dispatch_uid="core.request_id.publish")
        task_prerun.connect(request_id.task_starting, dispatch_uid="core.request_id.prerun")
        task_postrun.connect(request_id.task_finished, dispatch_uid="core.request_id.postrun")
        task_prerun.connect(metrics.task_started, dispatch_uid="core.metrics.prerun")
        task_postrun.connect(metrics.task_finished, dispatch_uid="core.metrics.postrun")
