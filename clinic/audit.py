"""The audit trail: every create, change and delete of the clinic's records, with old and new values.

django-auditlog writes a LogEntry on each save of a registered model. Services name the actor
explicitly, so Celery tasks and management commands are attributed as well as web requests.
"""

import contextlib
from collections.abc import Iterator

from auditlog.context import auditlog_value, set_actor
from auditlog.registry import auditlog

from .models import (
    Application,
    DeadlineExtension,
    Document,
    LaborDispute,
    Note,
    Person,
    PreventedDispute,
    Visit,
)

NOT_AUDITED = ["updated_at", "version"]

auditlog.register(Person, exclude_fields=NOT_AUDITED)
auditlog.register(Visit, exclude_fields=NOT_AUDITED, m2m_fields={"topics"})
auditlog.register(Application, exclude_fields=NOT_AUDITED)
auditlog.register(LaborDispute, exclude_fields=NOT_AUDITED, m2m_fields={"applications"})
auditlog.register(PreventedDispute)
auditlog.register(Note)
auditlog.register(Document, exclude_fields=["file", "token"])
auditlog.register(DeadlineExtension)


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    """Attribute the audit entries written inside to `user`, keeping the request's address if any."""
    # auditlog's set_actor overwrites the request's context and does not restore it on exit;
    # restoring it keeps the middleware's own context working after a service returns.
    previous = auditlog_value.get(None)
    try:
        with set_actor(user, remote_addr=(previous or {}).get("remote_addr")):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)
