"""/health/live and /health/ready: what a load balancer and an orchestrator ask before sending traffic."""

import time
import uuid

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from core.health import heartbeat_write


@pytest.fixture
def with_redis(settings):
    """REDIS_URL set (a worker expected), on the test Redis, with a heartbeat key of this test's own."""
    settings.REDIS_URL = settings.TEST_REDIS_URL
    settings.HEALTH_WORKER_HEARTBEAT_KEY = f"tulegal-test-heartbeats-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(settings.TEST_REDIS_URL)
    yield client
    client.delete(settings.HEALTH_WORKER_HEARTBEAT_KEY)


def test_live_answers_without_the_database(client):
    # no django_db mark: any query would raise
    response = client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_without_redis_reports_the_tasks_in_process_and_is_ready(client):
    response = client.get("/health/ready")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"state": "ok"}
    assert body["checks"]["migrations"] == {"state": "ok"}
    assert body["checks"]["redis"]["state"] == "in-process"
    assert body["checks"]["worker"]["state"] == "in-process"
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_the_probes_answer_any_host_over_plain_http_when_https_is_forced(client, settings):
    # given the production's host check and HTTPS redirect
    settings.ALLOWED_HOSTS = ["clinic.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    # when a probe asks by the server's own address over HTTP
    live = client.get("/health/live", HTTP_HOST="10.0.0.7:8000")
    ready = client.get("/health/ready", HTTP_HOST="10.0.0.7:8000")

    # then both answer, while a page asked so is refused
    assert live.status_code == 200
    assert ready.status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.django_db
def test_the_probes_take_no_writes(client):
    assert client.post("/health/ready").status_code == 405
    assert client.post("/health/live").status_code == 405


@pytest.mark.django_db
def test_ready_fails_while_a_migration_is_not_applied(client):
    # given the newest migration of the clinic app recorded as not applied
    recorder = MigrationRecorder(connection)
    newest = recorder.migration_qs.filter(app="clinic").order_by("-name").first()
    newest.delete()

    response = client.get("/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["migrations"] == {"state": "failing", "detail": "1 migrations not applied"}
    assert body["checks"]["database"] == {"state": "ok"}


@pytest.mark.django_db(transaction=True)
def test_ready_fails_when_the_database_does_not_answer(client):
    # given the database's port changed to one where nothing listens
    saved = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/health/ready")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == {"state": "failing", "detail": "the database does not answer"}
    assert checks["migrations"]["state"] == "failing"
    # and the live probe still answers: the process itself is fine
    assert client.get("/health/live").status_code == 200


@pytest.mark.django_db
def test_ready_with_redis_waits_for_a_worker_heartbeat(client, with_redis):
    # no worker has written one yet
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"state": "ok"}
    assert response.json()["checks"]["worker"] == {"state": "failing", "detail": "no worker heartbeat"}

    # a worker writes its heartbeat
    heartbeat_write(with_redis, "worker-1@host")
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["state"] == "ok"


@pytest.mark.django_db
def test_ready_fails_when_the_newest_heartbeat_is_too_old(client, with_redis, settings):
    settings.HEALTH_WORKER_HEARTBEAT_MAX_AGE = 60
    heartbeat_write(with_redis, "worker-1@host", now=time.time() - 600)
    heartbeat_write(with_redis, "worker-2@host", now=time.time() - 120)

    response = client.get("/health/ready")

    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["state"] == "failing"
    assert worker["detail"].startswith("newest heartbeat 12")
    assert worker["detail"].endswith("s old (limit 60 s)")


@pytest.mark.django_db
def test_ready_fails_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.HEALTH_REDIS_TIMEOUT = 0.5

    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"state": "failing", "detail": "Redis does not answer"}
    assert response.json()["checks"]["database"] == {"state": "ok"}


def test_the_probes_are_the_first_middleware():
    assert settings.MIDDLEWARE[0] == "core.health.HealthProbeMiddleware"


@pytest.fixture
def client():
    return Client()
