"""Health probes for the load balancer and the orchestrator, and the Celery workers' heartbeat.

- /health/live: the process answers (no database, no Redis): restart it when this fails.
- /health/ready: the database answers, every migration is applied, and, with REDIS_URL, Redis answers
  and a worker wrote its heartbeat within HEALTH_WORKER_HEARTBEAT_MAX_AGE seconds: send it traffic only
  when this answers 200. Without REDIS_URL (the demo) the tasks run in-process: Redis and the worker are
  reported as such, and the site is still ready.

Both answer JSON with each check's state and nothing else: no account, no personal data, no audit.
HealthProbeMiddleware answers them before the host check, the HTTPS redirect and the session, so a
probe may ask by the server's own address over plain HTTP."""

import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from celery import bootsteps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK, FAILING, IN_PROCESS = "ok", "failing", "in-process"


def _redis_client() -> redis.Redis:
    timeout = settings.HEALTH_REDIS_TIMEOUT
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)


# The heartbeat: each worker writes the time to a sorted set in Redis (member: its hostname).


def heartbeat_write(client: redis.Redis, hostname: str, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    key = settings.HEALTH_WORKER_HEARTBEAT_KEY
    with client.pipeline() as pipe:
        pipe.zadd(key, {hostname: now})
        pipe.zremrangebyscore(key, "-inf", now - 24 * 3600)  # workers gone for a day
        pipe.execute()


def heartbeat_newest(client: redis.Redis) -> float | None:
    newest = client.zrevrange(settings.HEALTH_WORKER_HEARTBEAT_KEY, 0, 0, withscores=True)
    return float(newest[0][1]) if newest else None


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A worker bootstep (config/celery.py): a thread of the worker's main process writes the heartbeat
    every HEALTH_WORKER_HEARTBEAT_SECONDS while the worker runs, whatever its pool is busy with."""

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self, parent: Any) -> None:
        if not settings.REDIS_URL:
            return
        hostname = getattr(parent, "hostname", None) or socket.gethostname()
        self.stopping.clear()
        self.thread = threading.Thread(
            target=self._beat, args=(hostname,), name="worker-heartbeat", daemon=True
        )
        self.thread.start()

    def stop(self, parent: Any) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
            self.thread = None

    def _beat(self, hostname: str) -> None:
        client = _redis_client()
        while not self.stopping.is_set():
            try:
                heartbeat_write(client, hostname)
            except redis.RedisError as error:
                logger.warning("The worker's heartbeat could not be written: %s", error)
            self.stopping.wait(settings.HEALTH_WORKER_HEARTBEAT_SECONDS)


# The checks of /health/ready: each returns (state, detail).

Check = tuple[str, str]


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning("Readiness: the database does not answer: %s", error)
        return FAILING, "the database does not answer"
    return OK, ""


_migrations_checked: dict[str, Any] = {"at": None, "result": None}


def check_migrations() -> Check:
    """Every migration applied; the answer is kept HEALTH_MIGRATIONS_CACHE_SECONDS (reading the
    migration graph takes a while)."""
    cached_at = _migrations_checked["at"]
    if cached_at is not None and time.monotonic() - cached_at < settings.HEALTH_MIGRATIONS_CACHE_SECONDS:
        return _migrations_checked["result"]
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        logger.warning("Readiness: the migrations could not be read: %s", error)
        return FAILING, "the migrations could not be read"
    result: Check = (FAILING, f"{len(plan)} migrations not applied") if plan else (OK, "")
    _migrations_checked.update(at=time.monotonic(), result=result)
    return result


def check_redis_and_worker() -> dict[str, Check]:
    if not settings.REDIS_URL:
        detail = "no REDIS_URL: tasks run in-process"
        return {"redis": (IN_PROCESS, detail), "worker": (IN_PROCESS, detail)}
    try:
        client = _redis_client()
        client.ping()
        newest = heartbeat_newest(client)
    except redis.RedisError as error:
        logger.warning("Readiness: Redis does not answer: %s", error)
        return {"redis": (FAILING, "Redis does not answer"), "worker": (FAILING, "Redis does not answer")}
    limit = settings.HEALTH_WORKER_HEARTBEAT_MAX_AGE
    if newest is None:
        return {"redis": (OK, ""), "worker": (FAILING, "no worker heartbeat")}
    age = max(0.0, time.time() - newest)
    if age > limit:
        return {"redis": (OK, ""), "worker": (FAILING, f"newest heartbeat {age:.0f} s old (limit {limit} s)")}
    return {"redis": (OK, ""), "worker": (OK, f"newest heartbeat {age:.0f} s old")}


def _answer(checks: dict[str, Check]) -> JsonResponse:
    ready = all(state != FAILING for state, _detail in checks.values())
    body = {
        "status": "ok" if ready else "failing",
        "checks": {
            name: {"state": state, **({"detail": detail} if detail else {})}
            for name, (state, detail) in checks.items()
        },
    }
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
@require_safe
def live(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> HttpResponse:
    checks = {"database": check_database()}
    checks["migrations"] = check_migrations() if checks["database"][0] == OK else (FAILING, "no database")
    checks.update(check_redis_and_worker())
    return _answer(checks)


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/health/live": live, "/health/ready": ready}


class HealthProbeMiddleware:
    """First of MIDDLEWARE: the probes are answered before anything else looks at the request (the
    allowed hosts, the HTTPS redirect, the session, the second factor, the request log)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
