"""Celery under faults (issue 7, item 5), with real processes: a report build whose worker child is
killed in the middle is delivered again and completes exactly once. The schedule firing twice is
specified in tests/reports/test_services.py
(test_the_scheduling_task_fired_twice_leaves_one_report_per_scope).
"""

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.utils import timezone

from reports.models import Report
from tests.celery_worker import wait_until
from tests.factories import ApplicationFactory
from tests.test_processes import key_prefix

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user, password = db.get("USER") or "", db.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _start_worker(marker: Path, log: Path, prefix: str) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        REDIS_URL=settings.TEST_REDIS_URL,
        DATABASE_URL=_database_url(),
        CELERY_VISIBILITY_TIMEOUT="5",  # a message whose worker died is delivered again within seconds
        SLOW_BUILD_MARKER=str(marker),
        CELERY_KEY_PREFIX=prefix,
    )
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "reports,default",
        "--pool", "prefork", "--concurrency", "1", "--include", "tests.security.slow_tasks",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", f"fault-{uuid.uuid4().hex[:8]}@%h",
    ]  # fmt: skip
    # A session of its own: stopping it stops its pool processes too, and with them their database
    # connections (an orphaned pool process would keep the test database open).
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):  # whatever of the group outlived the main process
        os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.django_db(transaction=True)
def test_a_build_whose_worker_is_killed_is_delivered_again_and_done_once(center, tmp_path):
    # given: a queued report (the row first, as report_request writes it) and its task on Redis
    redis.Redis.from_url(settings.TEST_REDIS_URL).ping()
    ApplicationFactory(center=center)
    period_start = timezone.localdate().replace(day=1)
    report = Report.objects.create(
        center=center, period_kind="month", period_start=period_start, task_id=str(uuid.uuid4())
    )
    marker, log = tmp_path / "slow-build-pid", tmp_path / "workers.log"
    prefix = key_prefix()
    first = _start_worker(marker, log, prefix)
    second = None
    try:
        sender = Celery("sender", broker=settings.TEST_REDIS_URL)
        sender.conf.broker_transport_options = {"global_keyprefix": prefix}
        sender.send_task(
            "reports.tasks.build_report", args=(report.pk,), queue="reports", task_id=report.task_id
        )

        # when: the build is under way, its process is killed (SIGKILL: no clean-up at all)
        assert wait_until(marker.exists, seconds=60), log.read_text()
        assert wait_until(lambda: Report.objects.get(pk=report.pk).state == Report.State.RUNNING)
        os.kill(int(marker.read_text()), signal.SIGKILL)
        _stop(first)
        # and a new worker starts
        second = _start_worker(marker, log, prefix)

        # then: delivered again, built once
        def done() -> bool:
            return Report.objects.get(pk=report.pk).state == Report.State.DONE

        assert wait_until(done, seconds=90), log.read_text()[-3000:]
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
    report.refresh_from_db()
    assert report.attempts >= 2  # the killed attempt and the redelivery
    assert report.built_at is not None
    assert report.figures["totals"]["received"] == 1
    assert Report.objects.filter(center=center, period_kind="month", period_start=period_start).count() == 1
