"""The Procfile's worker and beat as real OS processes: beat sends the scheduled-reports task through
Redis, the worker runs it and the report builds it queues, and the reports end up built."""

import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

from reports.models import Report
from reports.periods import PeriodKind
from tests.factories import CenterFactory

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "Procfile"
SCHEDULED_TASK = "reports.tasks.build_scheduled_reports"
WAIT_SECONDS = 90
QUEUES = ("reports", "default")
# Faster start for a test: no pool of child processes, no waiting for other workers' replies.
WORKER_OPTIONS = ["--pool", "solo", "--without-mingle", "--without-gossip", "--loglevel", "INFO"]


def procfile() -> dict[str, str]:
    """The Procfile's process types and their command lines."""
    processes = {}
    for line in PROCFILE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = command.strip()
    return processes


def key_prefix() -> str:
    """A broker key prefix of a test's own: the process tests of parallel xdist workers share the test
    Redis and would otherwise take each other's tasks."""
    return f"tulegal-test-{uuid.uuid4().hex}:"


def database_url() -> str:
    """The database pytest-django made for this test run (its NAME is only known at test time)."""
    database = settings.DATABASES["default"]
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    return f"postgres://{credentials}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


def start(command: list[str], log: Path, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        # The local settings: a REDIS_URL turns eager mode off (the test settings force it on).
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "False",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.TEST_REDIS_URL,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    with log.open("w") as output:
        # A process group of its own, so that stopping it stops the children it forks too.
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def test_the_procfile_runs_the_web_server_worker_and_beat_with_the_project_settings():
    processes = procfile()

    assert set(processes) == {"web", "worker", "beat"}
    assert processes["web"].startswith("gunicorn config.wsgi")
    assert shlex.split(processes["worker"])[:4] == ["celery", "-A", "config", "worker"]
    assert "-Q reports,default" in processes["worker"]
    assert shlex.split(processes["beat"])[:4] == ["celery", "-A", "config", "beat"]


@pytest.mark.django_db(transaction=True)
def test_beat_and_a_worker_build_the_scheduled_reports():
    # given a center, and the schedule's task due every 2 seconds (this test's database was flushed
    # by the transactional tests before it: the migration's schedule rows may be gone)
    center = CenterFactory()
    PeriodicTask.objects.all().delete()
    every_two_seconds = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="Build the reports (test)", task=SCHEDULED_TASK, interval=every_two_seconds
    )
    PeriodicTasks.update_changed()
    expected = 3 * 2  # last month, quarter and year; of the center and of the federation
    commands = procfile()
    logs = Path(tempfile.mkdtemp(prefix="tulegal-processes-"))
    prefix = key_prefix()
    env = {"CELERY_KEY_PREFIX": prefix}
    started = []

    # when the worker and beat run as the Procfile starts them
    try:
        started.append(start([*shlex.split(commands["worker"]), *WORKER_OPTIONS], logs / "worker.log", env))
        started.append(start(shlex.split(commands["beat"]), logs / "beat.log", env))
        deadline = time.monotonic() + WAIT_SECONDS
        built = 0
        while time.monotonic() < deadline:
            built = Report.objects.filter(state=Report.State.DONE, requested_by=None).count()
            if built >= expected or any(process.poll() is not None for process in started):
                break
            time.sleep(0.5)
    finally:
        for process in started:
            stop(process)
        # Messages beat sent that nobody consumed would otherwise wait for the next run's worker.
        redis.Redis.from_url(settings.TEST_REDIS_URL).delete(*(prefix + queue for queue in QUEUES))

    # then beat sent the task, the worker ran it and built every report it queued
    diagnostics = f"\n--- worker\n{tail(logs / 'worker.log')}\n--- beat\n{tail(logs / 'beat.log')}"
    assert all(process.returncode is not None for process in started)
    reports = Report.objects.all()
    assert built == expected, f"{built} of {expected} reports built in {WAIT_SECONDS} s{diagnostics}"
    assert {report.center_id for report in reports} == {center.pk, None}
    assert {report.period_kind for report in reports} == {
        PeriodKind.MONTH,
        PeriodKind.QUARTER,
        PeriodKind.YEAR,
    }
    assert all(report.figures["totals"]["received"] == 0 for report in reports)
