"""One JSON log line per request (the production's LOG_FORMAT=json): its request id, the user's numeric id,
the view, method, status and duration, and no personal data; the same id in the lines of the tasks the
request runs or queues."""

import io
import json
import logging.config

import pytest
from django.conf import settings
from django.utils import timezone

from config.settings.base import logging_settings
from core import request_id
from organizations.models import Role
from reports.periods import Period, PeriodKind
from tests.factories import PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db

LAST_MONTH = Period.last_completed(PeriodKind.MONTH, timezone.localdate())


@pytest.fixture
def json_logs():
    """The production's logging (JSON lines), into a buffer; returns the lines written since last asked."""
    stream = io.StringIO()
    config = logging_settings("json", "INFO")
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)

    def lines() -> list[dict]:
        text = stream.getvalue()
        stream.seek(0)
        stream.truncate()
        return [json.loads(line) for line in text.splitlines()]

    yield lines
    logging.config.dictConfig(settings.LOGGING)


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "core.requests"]


def test_a_request_writes_one_json_line_with_its_id_user_view_and_duration(json_logs, client, center):
    # given a receptionist named like a person, and a person found by IIN
    receptionist = StaffFactory(
        role=Role.RECEPTION, center=center, first_name="Aigerim", last_name="Nurlanova"
    )
    person = PersonFactory(center=center)
    client.force_login(receptionist)
    json_logs()

    # when the receptionist searches by the IIN, through a proxy that gave the request an id
    response = client.get("/reception/persons/", {"q": person.iin}, HTTP_X_REQUEST_ID="nginx-4f2a9c1e7b")

    # then the answer carries the id, and one line tells the request without any personal data
    assert response.status_code == 200
    assert response["X-Request-ID"] == "nginx-4f2a9c1e7b"
    lines = json_logs()
    [line] = request_lines(lines)
    assert line["request_id"] == "nginx-4f2a9c1e7b"
    assert line["user_id"] == receptionist.pk
    assert line["view"] == "clinic:person_search"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")
    text = json.dumps(lines, ensure_ascii=False)
    for personal in (
        person.iin,
        person.full_name,
        person.phone,
        receptionist.username,
        "Aigerim",
        "Nurlanova",
    ):
        assert personal not in text


def test_an_anonymous_request_with_an_unusable_id_gets_a_new_one(json_logs, client):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="not an id; DROP")

    generated = response["X-Request-ID"]
    assert generated != "not an id; DROP"
    assert request_id.SANE.fullmatch(generated)
    [line] = request_lines(json_logs())
    assert line["request_id"] == generated
    assert line["user_id"] is None
    assert line["view"] == "login"


def test_each_request_gets_its_own_id(client):
    first = client.get("/accounts/login/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]

    assert first != second
    assert request_id.get() is None  # none left behind once answered


@pytest.mark.django_db(transaction=True)  # the request's commit runs its on_commit: the build
def test_a_task_run_in_process_logs_under_the_requests_id_and_leaves_it(
    json_logs, api_client, center, manager
):
    # given no broker: the report's build runs in the request, when it commits
    api_client.force_authenticate(manager)
    body = {"center": center.pk, "period_kind": "month", "period_start": LAST_MONTH.start.isoformat()}

    response = api_client.post("/api/v1/reports/", body, format="json", HTTP_X_REQUEST_ID="req-0123456789")

    assert response.status_code == 202
    lines = json_logs()
    built = [line for line in lines if line["logger"] == "core.snapshots" and "built in" in line["message"]]
    assert [line["request_id"] for line in built] == ["req-0123456789"]
    [line] = request_lines(lines)
    assert line["request_id"] == "req-0123456789"
    assert line["view"] == "reports-api:report-list"
    assert line["user_id"] == manager.pk


def test_production_logs_json_and_the_demo_readable_lines():
    assert logging_settings("json", "INFO")["handlers"]["console"]["formatter"] == "json"
    assert logging_settings("text", "INFO")["handlers"]["console"]["formatter"] == "text"
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_settings("xml", "INFO")
