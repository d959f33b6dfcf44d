"""Prometheus metrics (prometheus_client): web requests by view, Celery tasks by name and state, the
builds of stored snapshots (the reports), and figures computed when Prometheus scrapes (the outbox).

Web workers and Celery workers are separate processes: with the PROMETHEUS_MULTIPROC_DIR environment
variable (the same empty, writable folder for gunicorn, the worker and `manage.py serve_metrics`) each
process writes its figures there and `serve_metrics` adds them up. Without it the figures stay in the
process that counted them, which only suits the tests and a single process.

The metrics are served by `manage.py serve_metrics` on an address for monitoring only
(METRICS_ADDRESS), never by the application's public pages."""

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIServer

from django.db import connection
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess, start_wsgi_server
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

# Seconds: a page takes milliseconds, a task or a build up to its time limit (CELERY_TASK_TIME_LIMIT).
LONG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900, float("inf"))

http_request_duration = Histogram(
    "tulegal_http_request_duration_seconds",
    "Time to answer a web request, by the view's route name, method and status code.",
    ["view", "method", "status"],
)
celery_tasks = Counter(
    "tulegal_celery_tasks",
    "Celery task runs finished, by task name and final state (success, failure, retry).",
    ["task", "state"],
)
celery_task_duration = Histogram(
    "tulegal_celery_task_duration_seconds",
    "Time a Celery task ran, by task name.",
    ["task"],
    buckets=LONG_BUCKETS,
)
snapshot_build_duration = Histogram(
    "tulegal_report_build_duration_seconds",
    "Time to build a stored report (an outcome report, a statistical return), by kind and outcome.",
    ["kind", "outcome"],
    buckets=LONG_BUCKETS,
)

# Figures computed at scrape time, registered by the apps that own them (core knows no domain model):
# each callable returns the metric families to add to a scrape.
_scrape_collectors: dict[str, Callable[[], Iterable[Metric]]] = {}


def register_scrape_collector(name: str, collect: Callable[[], Iterable[Metric]]) -> None:
    """Adds `collect()` to every scrape of `serve_metrics` (the same name again: replaced)."""
    _scrape_collectors[name] = collect


class ScrapeTimeCollector(Collector):
    """The registered scrape-time figures. They read the database, from the metrics server's thread:
    its connection is closed after each scrape (a thread per scrape would otherwise leave one open)."""

    def collect(self) -> Iterator[Metric]:
        try:
            for name, collect in list(_scrape_collectors.items()):
                try:
                    yield from collect()
                except Exception:
                    # One broken figure must not hide the others (nor the scrape).
                    logger.exception("Scrape-time metrics %s could not be computed", name)
        finally:
            connection.close()


class _ProcessCollector(Collector):
    """This process's own metrics (no PROMETHEUS_MULTIPROC_DIR): the default registry's."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def scrape_registry() -> CollectorRegistry:
    """What `serve_metrics` serves: every process's figures and the scrape-time ones."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessCollector())
    registry.register(ScrapeTimeCollector())
    return registry


# Celery signal receivers, connected by core.apps: every task's run, in the worker (or in-process
# without a broker).
_task_started: dict[str, float] = {}


def task_started(task_id: str | None = None, **kwargs: Any) -> None:
    if task_id:
        _task_started[task_id] = time.monotonic()


def task_finished(
    task_id: str | None = None, task: Any = None, state: str | None = None, **kwargs: Any
) -> None:
    started = _task_started.pop(task_id, None) if task_id else None
    name = getattr(task, "name", None) or "unknown"
    celery_tasks.labels(task=name, state=(state or "unknown").lower()).inc()
    if started is not None:
        celery_task_duration.labels(task=name).observe(time.monotonic() - started)


METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(*, view: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"  # a label per made-up method would grow forever
    http_request_duration.labels(view=view, method=method, status=str(status)).observe(seconds)


def observe_build(*, kind: str, outcome: str, seconds: float) -> None:
    snapshot_build_duration.labels(kind=kind, outcome=outcome).observe(seconds)


def parse_address(address: str) -> tuple[str, int]:
    """'127.0.0.1:9100', '[::1]:9100' -> (host, port)."""
    host, separator, port = address.rpartition(":")
    if not separator or not host or not port.isdigit():
        raise ValueError(f"A metrics address is host:port, got {address!r}")
    return host.strip("[]"), int(port)


def metrics_server_start(host: str, port: int) -> tuple[WSGIServer, threading.Thread]:
    """Serves scrape_registry() at http://host:port/ (any path) from a thread; stop it with shutdown()."""
    return start_wsgi_server(port, addr=host, registry=scrape_registry())
