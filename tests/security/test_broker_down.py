"""Redis down (issue 7): a report requested on the web page or through the API gets a clear answer at
once (never a 500, never a hanging request), stays recorded as queued with a note, and is built exactly
once when the broker is back and the builds waiting for it are sent again (the command or the task).
"""

import socket
import time
from contextlib import closing, contextmanager

import pytest
from celery import Celery
from celery.contrib.testing.app import setup_default_app
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from config.celery import app as project_app
from core.snapshots import STALE_AFTER
from organizations.models import Role
from reports.models import Report
from reports.periods import Period, PeriodKind
from reports.services import queued_reports_resend
from reports.statistics.models import StatisticalReport
from reports.tasks import build_report, resend_queued_reports
from tests.celery_worker import WAIT_SECONDS, wait_until
from tests.factories import ApplicationFactory, StaffFactory

# Nothing listens on port 1: the connection is refused, as when Redis is stopped.
DEAD_BROKER = "redis://127.0.0.1:1/0"
# A request must answer well within this even when the broker never answers (socket_timeout 5 s).
ANSWER_WITHIN_SECONDS = 12
WAITING_NOTE = "Waiting for the task queue"
LAST_MONTH = Period.last_completed(PeriodKind.MONTH, timezone.localdate())
EARLIER_MONTH = LAST_MONTH.previous()


@contextmanager
def broker_at(url: str):
    """Tasks sent while inside go to a broker at `url` (not eager), with the project's Celery settings."""
    app = Celery("tulegal-test-broker-down", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=url, task_always_eager=False)
    project_app.loader.import_default_modules()
    with setup_default_app(app):  # restores the previous apps on the way out
        app.set_current()
        app.set_default()
        yield app


@contextmanager
def silent_broker():
    """A broker that accepts connections and never answers (a hung Redis, a half-open connection)."""
    with closing(socket.socket()) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)  # the kernel completes the handshakes; nobody ever reads or writes
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def timed(request):
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def builds_of(worker, task_name: str) -> int:
    return sum(1 for name, _queue in worker.deliveries if name == task_name)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_requests_while_redis_is_down_are_kept_and_built_once_when_it_is_back(redis_worker, center, manager):
    # given: a case in each month, and a federation analyst for the annual statistical report
    ApplicationFactory(center=center, received_on=LAST_MONTH.start)
    ApplicationFactory(center=center, received_on=EARLIER_MONTH.start)
    analyst = StaffFactory(role=Role.ANALYST, center=None)
    year = timezone.localdate().year - 1

    # when: Redis is down, a manager requests a report on the web page and another through the API,
    # and the analyst the annual statistical report through the API
    with broker_at(DEAD_BROKER):
        page, page_seconds = timed(
            lambda: web_client(manager).post(
                "/reports/build/",
                {"period_kind": PeriodKind.MONTH, "day": LAST_MONTH.start.isoformat()},
                follow=True,
            )
        )
        answer, api_seconds = timed(
            lambda: api_client(manager).post(
                "/api/v1/reports/",
                {
                    "center": center.pk,
                    "period_kind": "month",
                    "period_start": EARLIER_MONTH.start.isoformat(),
                },
                format="json",
            )
        )
        statistics, statistics_seconds = timed(
            lambda: api_client(analyst).post("/api/v1/statistical-reports/", {"year": year}, format="json")
        )

    # then: clear answers at once
    assert page.status_code == 200
    assert max(page_seconds, api_seconds, statistics_seconds) < ANSWER_WITHIN_SECONDS
    shown = [str(message) for message in page.context["messages"]]
    assert any("the task queue is unavailable" in message for message in shown), shown
    assert not any("it is being built" in message for message in shown), shown
    assert answer.status_code == 202, answer.content
    assert answer.json()["state"] == "queued"
    assert WAITING_NOTE in answer.json()["error"]
    assert statistics.status_code == 202, statistics.content
    assert statistics.json()["state"] == "queued"
    assert WAITING_NOTE in statistics.json()["error"]
    # and the requests are recorded: queued, with the note, not failed
    web_report = Report.objects.get(center=center, period_start=LAST_MONTH.start)
    api_report = Report.objects.get(pk=answer.json()["id"])
    annual = StatisticalReport.objects.get(year=year)
    for report in (web_report, api_report, annual):
        assert report.state == "queued"
        assert report.error.startswith(WAITING_NOTE), report.error
        assert report.attempts == 0
    assert web_report.is_waiting_for_queue
    # the list page shows the note on the report's row
    listing = web_client(manager).get("/reports/")
    assert WAITING_NOTE in listing.text
    assert builds_of(redis_worker, "reports.tasks.build_report") == 0

    # when: Redis is back (the worker's broker) and an operator sends the waiting builds
    call_command("resend_queued_reports", verbosity=0)

    # then: each is built, exactly once
    def all_built() -> bool:
        return all(
            model.objects.get(pk=report.pk).state in ("done", "failed")
            for model, report in ((Report, web_report), (Report, api_report), (StatisticalReport, annual))
        )

    assert wait_until(all_built), f"not built after {WAIT_SECONDS} s"
    for model, report in ((Report, web_report), (Report, api_report), (StatisticalReport, annual)):
        report = model.objects.get(pk=report.pk)
        assert (report.state, report.error, report.attempts) == ("done", "", 1)
    assert Report.objects.get(pk=web_report.pk).figures["totals"]["received"] == 1
    assert builds_of(redis_worker, "reports.tasks.build_report") == 2
    assert builds_of(redis_worker, "reports.tasks.build_statistical_report") == 1

    # when: the periodic task runs afterwards
    sent_again = resend_queued_reports.apply().get()

    # then: nothing more is sent and nothing is built again
    assert sent_again == 0
    assert builds_of(redis_worker, "reports.tasks.build_report") == 2
    assert builds_of(redis_worker, "reports.tasks.build_statistical_report") == 1
    assert Report.objects.get(pk=web_report.pk).attempts == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_broker_that_never_answers_does_not_hang_the_request(center, manager):
    # given: Redis accepts connections but never answers
    with silent_broker() as url, broker_at(url):
        # when
        answer, seconds = timed(
            lambda: api_client(manager).post(
                "/api/v1/reports/",
                {"center": center.pk, "period_kind": "month", "period_start": LAST_MONTH.start.isoformat()},
                format="json",
            )
        )

    # then
    assert seconds < ANSWER_WITHIN_SECONDS
    assert answer.status_code == 202, answer.content
    assert (answer.json()["state"], answer.json()["error"][: len(WAITING_NOTE)]) == ("queued", WAITING_NOTE)


@pytest.mark.django_db(transaction=True)
def test_sending_again_while_redis_is_still_down_keeps_the_request_and_says_so(center, manager):
    # given: a rebuild requested on the web page while Redis is down
    report = Report.objects.create(center=center, period_kind="month", period_start=LAST_MONTH.start)
    with broker_at(DEAD_BROKER):
        page = web_client(manager).post(f"/reports/{report.pk}/rebuild/", follow=True)

        # when: the operator tries to send it again, Redis still down
        with pytest.raises(CommandError, match="still unavailable: 1 build"):
            call_command("resend_queued_reports", verbosity=0)

    # then
    assert page.status_code == 200
    assert any("the task queue is unavailable" in str(message) for message in page.context["messages"])
    report.refresh_from_db()
    assert report.is_waiting_for_queue
    assert report.error.startswith(WAITING_NOTE)


@pytest.mark.django_db
def test_a_build_whose_task_was_lost_is_sent_again_and_a_recent_one_is_left_alone(center, monkeypatch):
    # given: a build queued three hours ago that never ran (its message lost), and one just queued
    sent = []
    monkeypatch.setattr(build_report, "apply_async", lambda args, task_id: sent.append((*args, task_id)))
    lost = Report.objects.create(
        center=center,
        period_kind="month",
        period_start=LAST_MONTH.start,
        task_id="lost",
        requested_at=timezone.now() - STALE_AFTER - STALE_AFTER / 2,
    )
    Report.objects.create(center=center, period_kind="month", period_start=EARLIER_MONTH.start, task_id="new")

    # when
    result = queued_reports_resend()

    # then: the lost one is queued again under a new task id and sent; the recent one is not touched
    lost.refresh_from_db()
    assert (result.sent, result.waiting) == (1, 0)
    assert sent == [(lost.pk, lost.task_id)]
    assert lost.task_id != "lost"
    assert (lost.state, lost.error) == ("queued", "")
    assert not lost.is_stale
    # and a second run finds nothing to send
    assert queued_reports_resend().sent == 0
    assert len(sent) == 1


@pytest.mark.django_db
def test_the_resend_runs_every_five_minutes_from_beat():
    task = PeriodicTask.objects.select_related("crontab").get(task="reports.tasks.resend_queued_reports")

    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("*/5", "*")
    assert project_app.amqp.router.route({}, task.task)["queue"].name == "reports"
