"""The database behind a connection pooler, and reading a long query's rows in bounded memory.

Behind PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer-transaction) each transaction may run
on another server connection, so nothing may outlive a transaction on the server: no session setting
(a startup "options" parameter, a SET outside a transaction), no server-side prepared statement, no
cursor WITH HOLD (what QuerySet.iterator() declares outside a transaction), no session advisory lock,
LISTEN or temporary table. The application holds none of these otherwise: its advisory locks are
pg_advisory_xact_lock, its set_config calls are local to their transaction, and the backups' pg_dump
and pg_restore talk to the database directly (DATABASE_DIRECT_URL).
"""

from collections.abc import Iterator
from typing import Any

from django.db import connections
from django.db.models import QuerySet

POOLERS = ("pgbouncer-transaction",)


def behind_transaction_pooler(database: dict[str, Any]) -> dict[str, Any]:
    """Django's settings of a PostgreSQL database (DATABASES["default"]) reached through PgBouncer in
    transaction mode: a copy without what would outlive a transaction on the server connection."""
    database = {**database, "OPTIONS": dict(database.get("OPTIONS", {}))}
    # PgBouncer refuses the "options" startup parameter (settings such as jit=off): those are set on
    # the database instead (ALTER DATABASE ... SET jit = off), where every server connection has them.
    database["OPTIONS"].pop("options", None)
    # psycopg prepares a query on the server after 5 runs; the next run may find another connection.
    database["OPTIONS"]["prepare_threshold"] = None
    # QuerySet.iterator() reads the rows of one query in the client (see rows_in_chunks for the long ones).
    database["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Connections to PgBouncer are cheap to keep (CONN_MAX_AGE as set); one it dropped is replaced.
    database["CONN_HEALTH_CHECKS"] = True
    return database


def rows_in_chunks(queryset: QuerySet, chunk_size: int) -> Iterator[Any]:
    """The queryset's rows in its order, `chunk_size` rows in memory at a time: through a server-side
    cursor, or where those are off (behind a transaction pooler) its primary keys first, then the rows
    of each `chunk_size` of them, one query (one transaction) each."""
    if not connections[queryset.db].settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    keys = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(keys), chunk_size):
        # The same ordered query, so the chunk's rows come in the list's order; a row deleted meanwhile
        # is left out.
        yield from queryset.filter(pk__in=keys[start : start + chunk_size])
