"""The periodic tasks, kept as rows of django-celery-beat so that managers see and change them in the
admin. Their one definition is settings.PERIODIC_TASKS; each migrate makes the missing rows (by name:
a row a manager has changed is left as it is) and tells a running beat to reload its schedule."""

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone


def periodic_tasks_sync(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> int:
    """Create the rows of the periodic tasks that are missing; return how many were created."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks

    created = 0
    for spec in settings.PERIODIC_TASKS:
        crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
            **spec["crontab"],
        )
        _, made = PeriodicTask.objects.using(using).get_or_create(
            name=spec["name"],
            defaults={"task": spec["task"], "crontab": crontab, "description": spec["description"]},
        )
        created += made
    if created:
        PeriodicTasks.objects.using(using).update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return created
