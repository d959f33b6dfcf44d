"""Who wrote an audit entry. django-auditlog records the actor of a web request through its
middleware; services name the actor explicitly, so Celery tasks and management commands are
attributed as well."""

import contextlib
from collections.abc import Iterator

from auditlog.context import auditlog_value, set_actor


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
