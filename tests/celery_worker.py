"""A real Celery worker on the test Redis, for tests where delivery matters (not eager mode).

Tests using it need `@pytest.mark.django_db(transaction=True)`: the worker runs in another thread
with its own database connection and must see committed rows.
"""

import time
import uuid
from types import SimpleNamespace

import pytest
import redis
from celery import Celery
from celery.contrib.testing.app import setup_default_app
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import connections

from config.celery import app as project_app

WAIT_SECONDS = 30


@pytest.fixture
def redis_worker():
    """A worker thread consuming `-Q reports,default` of an app set up like the project's, on test Redis."""
    # The keys carry a prefix of their own, so parallel test runs never share a queue.
    prefix = f"tulegal-test-{uuid.uuid4().hex}:"
    app = Celery("tulegal-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=settings.TEST_REDIS_URL,
        task_always_eager=False,
        broker_transport_options={**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": prefix},
        worker_hijack_root_logger=False,
    )
    # Every app's tasks module, imported before the worker starts: a worker only consumes the tasks
    # registered when it started.
    project_app.loader.import_default_modules()
    deliveries = []

    def record_delivery(task=None, **kwargs):
        deliveries.append((task.name, task.request.delivery_info.get("routing_key")))

    def close_connections(**kwargs):
        # The worker thread's connections must not outlive the test database.
        connections.close_all()

    task_prerun.connect(record_delivery, weak=False)
    task_postrun.connect(close_connections, weak=False)
    try:
        with (
            setup_default_app(app),
            start_worker(app, pool="solo", queues=["reports", "default"], perform_ping_check=False),
        ):
            yield SimpleNamespace(app=app, deliveries=deliveries)
    finally:
        task_prerun.disconnect(record_delivery)
        task_postrun.disconnect(close_connections)
        client = redis.Redis.from_url(settings.TEST_REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)


def wait_until(condition, seconds: float = WAIT_SECONDS) -> bool:
    """Poll `condition` until it holds or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
