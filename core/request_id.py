"""The request id: one id per web request, in every log line written while it is served and in those of
the Celery tasks it queues, so that one request's lines can be found together.

It comes from the request's X-Request-ID header when that looks like an id (a proxy such as nginx may
set one: `proxy_set_header X-Request-ID $request_id;`), else it is made here; the answer carries it
back in the same header. A task sent while a request is served carries it as a message header, and the
worker takes it up for the task's run; a task sent by beat gets an id of its own."""

import logging
import re
import uuid
from contextvars import ContextVar, Token
from typing import Any

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "request_id"  # the Celery message header
# Letters, digits and a few separators, 8 to 64 of them: a proxy's id or a UUID, never free text.
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)
# The ids replaced by each running task, put back when it ends (a task run in-process, without a
# broker, runs inside the request that queued it and must leave the request's id in place).
_task_tokens: dict[str, Token[str | None]] = {}


def new() -> str:
    return uuid.uuid4().hex


def get() -> str | None:
    return _current.get()


def set_current(value: str | None) -> Token[str | None]:
    return _current.set(value)


def reset(token: Token[str | None]) -> None:
    _current.reset(token)


def from_header(value: str | None) -> str:
    """The incoming header's id if it is sane, else a new one."""
    if value and SANE.fullmatch(value):
        return value
    return new()


class RequestIdFilter(logging.Filter):
    """Gives every log record a `request_id` attribute (None outside a request or a task), for the
    formatters of settings.LOGGING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


# Celery signal receivers, connected by core.apps.


def task_publishing(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """before_task_publish: the current request's (or task's) id travels with the message."""
    current = _current.get()
    if current and headers is not None:
        headers[TASK_HEADER] = current


def task_starting(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    """task_prerun: the id the message carries; in-process, the id of the request running the task;
    else a new one."""
    carried = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if not (isinstance(carried, str) and SANE.fullmatch(carried)):
        carried = _current.get() or new()
    if task_id:
        _task_tokens[task_id] = _current.set(carried)


def task_finished(task_id: str | None = None, **kwargs: Any) -> None:
    """task_postrun: the id in force before the task."""
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:  # set in another context (never expected): forget the id instead
            _current.set(None)
