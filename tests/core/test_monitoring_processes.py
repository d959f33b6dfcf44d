"""Health, metrics and logs of the real processes: the Procfile's gunicorn and Celery worker and
`manage.py serve_metrics`, sharing a PROMETHEUS_MULTIPROC_DIR, with JSON logs. A request queues a report's
build through Redis; its request id is in the worker's log lines of the build, and the monitoring
address counts the request, the task and the build."""

import json
import shlex
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.authtoken.models import Token

from organizations.models import Role
from reports.models import Report
from reports.periods import Period, PeriodKind
from tests.factories import CenterFactory, StaffFactory
from tests.test_processes import QUEUES, key_prefix, procfile, start, stop, tail

pytestmark = pytest.mark.slow

WAIT_SECONDS = 60
WORKER_OPTIONS = ["--concurrency", "1", "--without-mingle", "--without-gossip", "--loglevel", "INFO"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None):
    """(status, headers, body) of a request; an HTTP error's status too, None when nothing answers."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()
    except OSError:
        return None, {}, ""


def wait_for(condition, seconds: float = WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def json_lines(log: Path) -> list[dict]:
    lines = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.mark.django_db(transaction=True)
def test_probes_metrics_and_the_request_id_across_gunicorn_a_worker_and_the_metrics_server():
    # given a manager with an API token, and the processes' shared settings
    center = CenterFactory()
    manager = StaffFactory(role=Role.MANAGER, center=center)
    token = Token.objects.create(user=manager).key
    web_port, metrics_port = free_port(), free_port()
    logs = Path(tempfile.mkdtemp(prefix="tulegal-monitoring-"))
    (logs / "metrics").mkdir()
    heartbeats = f"tulegal-test-heartbeats-{uuid.uuid4().hex}"
    prefix = key_prefix()
    env = {
        "CELERY_KEY_PREFIX": prefix,
        "LOG_FORMAT": "json",
        "PROMETHEUS_MULTIPROC_DIR": str(logs / "metrics"),
        "HEALTH_WORKER_HEARTBEAT_KEY": heartbeats,
        "HEALTH_WORKER_HEARTBEAT_SECONDS": "1",
        "PORT": str(web_port),
        "WEB_CONCURRENCY": "2",
    }
    web = f"http://127.0.0.1:{web_port}"
    period = Period.last_completed(PeriodKind.MONTH, timezone.localdate())
    body = {"center": center.pk, "period_kind": "month", "period_start": period.start.isoformat()}
    commands = procfile()
    started = []
    try:
        # when gunicorn and the metrics server run, without a worker yet
        started.append(start(["bash", "-c", f"exec {commands['web']}"], logs / "web.log", env))
        started.append(
            start(
                [sys.executable, "manage.py", "serve_metrics", "--bind", f"127.0.0.1:{metrics_port}"],
                logs / "metrics.log",
                env,
            )
        )
        assert wait_for(lambda: http(f"{web}/health/live")[0] == 200), tail(logs / "web.log")
        status, _headers, text = http(f"{web}/health/ready")
        # then the site is not ready: no worker has written its heartbeat
        assert status == 503, text
        assert json.loads(text)["checks"]["worker"] == {"state": "failing", "detail": "no worker heartbeat"}

        # when the worker starts, it is ready
        started.append(start([*shlex.split(commands["worker"]), *WORKER_OPTIONS], logs / "worker.log", env))
        assert wait_for(lambda: http(f"{web}/health/ready")[0] == 200), tail(logs / "worker.log")

        # when the manager requests a report through a proxy that gave the request an id
        status, headers, text = http(
            f"{web}/api/v1/reports/",
            data=json.dumps(body).encode(),
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "X-Request-ID": "proxy-7d3e0c9a51",
            },
        )
        assert status == 202, text
        assert headers["X-Request-ID"] == "proxy-7d3e0c9a51"
        report = Report.objects.get(pk=json.loads(text)["id"])
        assert wait_for(lambda: Report.objects.get(pk=report.pk).state == Report.State.DONE), tail(
            logs / "worker.log"
        )

        # then the monitoring address counts the request, the task and the build
        def scraped() -> dict:
            return samples(http(f"http://127.0.0.1:{metrics_port}/metrics")[2])

        task = frozenset({"task": "reports.tasks.build_report", "state": "success"}.items())
        assert wait_for(lambda: scraped().get(("tulegal_celery_tasks_total", task)) == 1)
        metrics = scraped()
        request = frozenset({"view": "reports-api:report-list", "method": "POST", "status": "202"}.items())
        assert metrics[("tulegal_http_request_duration_seconds_count", request)] == 1
        build = frozenset({"kind": "report", "outcome": "done"}.items())
        assert metrics[("tulegal_report_build_duration_seconds_count", build)] == 1
        duration = frozenset({"task": "reports.tasks.build_report"}.items())
        assert metrics[("tulegal_celery_task_duration_seconds_count", duration)] == 1
        assert metrics[("tulegal_outbox_messages_waiting", frozenset({"state": "queued"}.items()))] == 0
        # and the public site serves no metrics
        assert http(f"{web}/metrics")[0] == 404
    finally:
        for process in started:
            stop(process)
        client = redis.Redis.from_url(settings.TEST_REDIS_URL)
        client.delete(heartbeats, *(prefix + queue for queue in QUEUES))

    # and the request's id is in its log line and in the worker's lines of the build it queued
    diagnostics = f"\n--- web\n{tail(logs / 'web.log')}\n--- worker\n{tail(logs / 'worker.log')}"
    [line] = [
        line
        for line in json_lines(logs / "web.log")
        if line["logger"] == "core.requests" and line["request_id"] == "proxy-7d3e0c9a51"
    ]
    assert line["user_id"] == manager.pk
    assert line["view"] == "reports-api:report-list"
    assert line["status"] == 202
    assert line["duration_ms"] > 0
    assert manager.username not in (logs / "web.log").read_text()
    worker_lines = [
        line for line in json_lines(logs / "worker.log") if line["request_id"] == "proxy-7d3e0c9a51"
    ]
    assert any(
        line["logger"] == "core.snapshots" and line["message"].startswith(f"report {report.pk} built in")
        for line in worker_lines
    ), diagnostics
