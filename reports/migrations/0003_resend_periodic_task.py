"""A beat row that sends again, every 5 minutes, the report builds that wait for the task queue."""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Almaty"
NAME = "Send again the report builds that wait for the queue"
TASK = "reports.tasks.resend_queued_reports"
DESCRIPTION = (
    "Every 5 minutes: sends the builds requested while the task queue (Redis) was down, and those whose "
    "task was lost. A run that finds nothing waiting sends nothing."
)


def create_periodic_task(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="*/5", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone=TIME_ZONE
    )
    # Keyed by name: a row a manager has already changed is left as it is.
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "crontab": crontab, "description": DESCRIPTION}
    )
    # Historical models skip the real model's signals: tell a running beat to reload its schedule.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_periodic_task(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_periodic_tasks")]

    operations = [migrations.RunPython(create_periodic_task, delete_periodic_task)]
