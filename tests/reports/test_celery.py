"""Report tasks delivered through Redis to a real worker, their routing, and the beat schedule rows."""

from datetime import date

import pytest
from celery import shared_task
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from clinic.models import Outcome
from config.celery import app as project_app
from reports.models import Report
from reports.periods import PeriodKind
from reports.services import report_request
from reports.tasks import REPORT_TASK_OPTIONS, build_report
from tests.celery_worker import WAIT_SECONDS, wait_until

echoes: list[str] = []


@shared_task(name="tests.reports.echo")
def echo(text: str) -> None:
    """A task of no app's module: routed to the default queue."""
    echoes.append(text)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_requested_report_is_built_by_a_worker_through_redis(redis_worker, center, manager, make_case):
    # given
    make_case(
        center, received_on=date(2021, 3, 2), decided_on=date(2021, 3, 9), outcome_code=Outcome.SATISFIED
    )
    make_case(center, received_on=date(2021, 3, 4))

    # when: the request commits, its on_commit sends the build
    report = report_request(
        center=center, period_kind=PeriodKind.MONTH, period_start=date(2021, 3, 1), by=manager
    )

    # then the worker builds it
    def finished() -> bool:
        report.refresh_from_db()
        return report.state in (Report.State.DONE, Report.State.FAILED)

    assert wait_until(finished), f"still {report.state} after {WAIT_SECONDS} s"
    assert report.state == Report.State.DONE, report.error
    assert report.figures["totals"]["received"] == 2
    assert report.figures["totals"]["positive"] == 1
    assert report.figures["totals"]["pending"] == 1
    assert report.attempts == 1
    assert ("reports.tasks.build_report", "reports") in redis_worker.deliveries


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_also_consumes_the_default_queue(redis_worker):
    echo.delay("reminders run here")

    assert wait_until(lambda: "reminders run here" in echoes)
    assert ("tests.reports.echo", "default") in redis_worker.deliveries


def test_report_tasks_go_to_the_reports_queue_and_reminders_to_default():
    router = project_app.amqp.router

    assert router.route({}, "reports.tasks.build_report")["queue"].name == "reports"
    assert router.route({}, "reports.tasks.build_scheduled_reports")["queue"].name == "reports"
    assert router.route({}, "clinic.tasks.send_deadline_reminders")["queue"].name == "default"
    assert router.route({}, "anything.else")["queue"].name == "default"


def test_time_limits_end_a_build_before_the_broker_delivers_it_again():
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < visibility_timeout
    assert REPORT_TASK_OPTIONS["retry_backoff_max"] < visibility_timeout
    assert build_report.acks_late
    assert build_report.reject_on_worker_lost
    assert build_report.max_retries == 5


@pytest.mark.django_db
def test_the_beat_schedule_is_rows_managers_can_edit():
    tasks = {task.task: task for task in PeriodicTask.objects.select_related("crontab")}

    reports, reminders = (
        tasks["reports.tasks.build_scheduled_reports"],
        tasks["clinic.tasks.send_deadline_reminders"],
    )
    for task, hour in ((reports, "1"), (reminders, "8")):
        assert task.enabled
        assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("0", hour, "*")
        assert str(task.crontab.timezone) == "Asia/Almaty"
    assert "build_scheduled_reports" not in str(getattr(settings, "CELERY_BEAT_SCHEDULE", {}))
