"""The beat schedule as rows of django-celery-beat, so managers see and change it in the admin."""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Almaty"
PERIODIC_TASKS = [
    {
        "name": "Build the reports of the last month, quarter and year",
        "task": "reports.tasks.build_scheduled_reports",
        "hour": "1",
        "description": "Daily at 01:00: requests each center's and the federation's report of the last "
        "completed month, quarter and year if it is missing, failed or lost.",
    },
    {
        "name": "Send deadline reminders",
        "task": "clinic.tasks.send_deadline_reminders",
        "hour": "8",
        "description": "Daily at 08:00: reminds lawyers of cases coming due.",
    },
]


def create_periodic_tasks(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for spec in PERIODIC_TASKS:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="0",
            hour=spec["hour"],
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=TIME_ZONE,
        )
        # Keyed by name: a row a manager has already changed is left as it is.
        PeriodicTask.objects.get_or_create(
            name=spec["name"],
            defaults={"task": spec["task"], "crontab": crontab, "description": spec["description"]},
        )
    # Historical models skip the real model's signals: tell a running beat to reload its schedule.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_periodic_tasks(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[spec["name"] for spec in PERIODIC_TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_periodic_tasks, delete_periodic_tasks)]
