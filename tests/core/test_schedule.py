"""The periodic tasks are defined once (settings.PERIODIC_TASKS) and made rows of the beat schedule
by migrate; a row a manager changed in the admin is left as it is."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

pytestmark = pytest.mark.django_db


def test_migrate_makes_a_row_for_each_periodic_task_once():
    # given the rows made when the test database was migrated
    names = {spec["name"] for spec in settings.PERIODIC_TASKS}
    assert names <= set(PeriodicTask.objects.values_list("name", flat=True))

    # when migrate runs again
    call_command("migrate", verbosity=0)

    # then no row is added twice
    assert PeriodicTask.objects.filter(name__in=names).count() == len(names)


def test_a_schedule_changed_by_a_manager_is_kept_and_a_deleted_one_comes_back():
    reminders = PeriodicTask.objects.get(task="clinic.tasks.send_deadline_reminders")
    reminders.crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="7", timezone="Asia/Almaty"
    )
    reminders.save()
    PeriodicTask.objects.filter(task="reports.tasks.resend_queued_reports").delete()

    call_command("migrate", verbosity=0)

    reminders.refresh_from_db()
    assert (reminders.crontab.minute, reminders.crontab.hour) == ("30", "7")
    assert PeriodicTask.objects.filter(task="reports.tasks.resend_queued_reports").count() == 1
