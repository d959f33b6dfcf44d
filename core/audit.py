"""Who wrote an audit entry. django-auditlog records the actor of a web request through its
middleware; services name the actor explicitly, so Celery tasks and management commands are
attributed as well."""

import contextlib
import contextvars
from collections.abc import Iterator, Sequence
from typing import Any

from auditlog.context import auditlog_value, set_actor
from auditlog.registry import auditlog
from django.db import connections, router
from django.db.models import Model
from django.db.models.signals import post_save, pre_save


def audit_model(model: type[Model], *, exclude_fields: Sequence[str] = (), **options: Any) -> None:
    """Register `model` with auditlog (called from an app's ready()), leaving out the relations of
    other records to it (a case's notes, events, documents): auditlog's diff of a created record would
    write each of them as a change to "clinic.Note.None"."""
    fields = model._meta.get_fields()
    relations = [field.name for field in fields if field.auto_created and not field.concrete]
    auditlog.register(model, exclude_fields=[*exclude_fields, *relations], **options)


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


# Entries kept by audit_entries_deferred instead of written one INSERT each (None: written at once).
_deferred: contextvars.ContextVar[list | None] = contextvars.ContextVar("audit_deferred", default=None)
_installed = False


def _install() -> None:
    """Let auditlog's LogEntry manager keep an entry instead of writing it, inside
    audit_entries_deferred: the entry is built by auditlog's own log_create (the same changes,
    representation, correlation id) and given its actor and address by auditlog's own pre_save
    receivers, which bulk_create would skip; everywhere else the manager writes as it always does."""
    global _installed
    if _installed:
        return
    from auditlog.models import LogEntryManager

    write = LogEntryManager.create

    def create(self, **kwargs):
        entries = _deferred.get()
        if entries is None:
            return write(self, **kwargs)
        entry = self.model(**kwargs)
        pre_save.send(sender=self.model, instance=entry, raw=False, using=self.db, update_fields=None)
        entries.append(entry)
        return entry

    LogEntryManager.create = create
    _installed = True


@contextlib.contextmanager
def audit_entries_deferred() -> Iterator[list]:
    """Keep the audit entries written inside in a list, for the caller to drop those of a write it
    rolled back (`del entries[mark:]`) and to write the others at once with audit_entries_write, in
    the same transaction: the import writes a chunk's entries in one INSERT, not one per record."""
    _install()
    entries: list = []
    token = _deferred.set(entries)
    try:
        yield entries
    finally:
        _deferred.reset(token)


def audit_entries_write(entries: list) -> None:
    """Write the entries kept by audit_entries_deferred: on PostgreSQL with one COPY, elsewhere (the
    demo's SQLite) with bulk_create. bulk_create would send each column as an array, and quoting the
    arrays of JSON changes, quotes and all, costs more than building the entries."""
    if not entries:
        return
    model = type(entries[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(entries, batch_size=1000)
    else:
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        statement = f"COPY {table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for entry in entries:
                row = [field.get_db_prep_save(field.pre_save(entry, True), connection) for field in fields]
                copy.write_row(row)
    entries.clear()


def created_in_bulk(instances: list) -> None:
    """Tell the receivers of post_save (auditlog's among them: its "created" entry, with the diff it
    computes for a save) of records written by bulk_create, which sends no signals."""
    for instance in instances:
        post_save.send(
            sender=type(instance),
            instance=instance,
            created=True,
            raw=False,
            using="default",
            update_fields=None,
        )
