"""Prometheus metrics: requests by view, tasks by name and state, report builds and the outbox's backlog,
scraped from the monitoring server (core.metrics, manage.py serve_metrics), never from the public site."""

import urllib.request
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from clinic.models import OutgoingMessage
from core.metrics import metrics_server_start
from reports.periods import Period, PeriodKind
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LAST_MONTH = Period.last_completed(PeriodKind.MONTH, timezone.localdate())


@pytest.fixture
def scrape():
    """Reads the metrics from a monitoring server on a free port of 127.0.0.1: {(name, labels): value}."""
    server, thread = metrics_server_start("127.0.0.1", 0)

    def read() -> dict[tuple[str, frozenset], float]:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/metrics", timeout=10) as answer:
            text = answer.read().decode()
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    yield read
    server.shutdown()
    thread.join(timeout=5)


def value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_requests_tasks_and_builds_are_counted_by_view_task_and_kind(
    scrape, api_client, center, manager, django_capture_on_commit_callbacks
):
    before = scrape()
    request = {"view": "reports-api:report-list", "method": "POST", "status": "202"}
    task = {"task": "reports.tasks.build_report"}

    # when a manager requests a report (built in-process when the request commits) and lists them
    client = api_client
    client.force_authenticate(manager)
    body = {"center": center.pk, "period_kind": "month", "period_start": LAST_MONTH.start.isoformat()}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/api/v1/reports/", body, format="json").status_code == 202
    assert client.get("/api/v1/reports/").status_code == 200
    after = scrape()

    # then each is counted under its route name, the task under its name, the build under its kind
    name = "tulegal_http_request_duration_seconds_count"
    assert value(after, name, **request) == value(before, name, **request) + 1
    listed = {"view": "reports-api:report-list", "method": "GET", "status": "200"}
    assert value(after, name, **listed) == value(before, name, **listed) + 1
    name = "tulegal_celery_tasks_total"
    assert value(after, name, state="success", **task) == value(before, name, state="success", **task) + 1
    name = "tulegal_celery_task_duration_seconds_count"
    assert value(after, name, **task) == value(before, name, **task) + 1
    name = "tulegal_report_build_duration_seconds_count"
    built = {"kind": "report", "outcome": "done"}
    assert value(after, name, **built) == value(before, name, **built) + 1


def test_an_unknown_address_and_a_made_up_method_keep_the_labels_few(scrape, client):
    before = scrape()

    client.get("/no-such-page/")
    client.generic("BREW", "/no-such-page/")
    after = scrape()

    name = "tulegal_http_request_duration_seconds_count"
    get = {"view": "unresolved", "method": "GET", "status": "404"}
    assert value(after, name, **get) == value(before, name, **get) + 1
    assert all(dict(labels).get("method") != "BREW" for (_name, labels) in after)


@pytest.mark.django_db(transaction=True)  # the monitoring server's thread reads committed rows
def test_the_outbox_backlog_is_read_at_each_scrape(scrape, center):
    person = PersonFactory(center=center)

    def message(key: str, status: str, minutes_ago: int) -> OutgoingMessage:
        return OutgoingMessage.objects.create(
            center=center,
            person=person,
            channel=OutgoingMessage.Channel.SMS,
            purpose=OutgoingMessage.Purpose.REGISTRATION,
            language="ru",
            recipient="+77010000000",
            body="text",
            status=status,
            idempotency_key=key,
            queued_at=timezone.now() - timedelta(minutes=minutes_ago),
        )

    assert value(scrape(), "tulegal_outbox_messages_waiting", state="queued") == 0
    message("a", OutgoingMessage.State.QUEUED, 30)
    message("b", OutgoingMessage.State.QUEUED, 5)
    message("c", OutgoingMessage.State.SENDING, 1)
    message("d", OutgoingMessage.State.SENT, 90)

    samples = scrape()

    assert value(samples, "tulegal_outbox_messages_waiting", state="queued") == 2
    assert value(samples, "tulegal_outbox_messages_waiting", state="sending") == 1
    assert 30 * 60 <= value(samples, "tulegal_outbox_oldest_waiting_seconds") < 31 * 60


def test_the_public_site_serves_no_metrics(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics/").status_code == 404


def test_serve_metrics_refuses_an_address_without_a_port():
    with pytest.raises(CommandError, match="host:port"):
        call_command("serve_metrics", bind="127.0.0.1")
