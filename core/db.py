"""The database: reads from streaming replicas where a caller asks for them, and the settings and reads
that work behind a connection pooler.

Replicas: PostgreSQL streaming replicas (settings.DATABASE_REPLICA_URL). Only reads that can do with
data a moment old go to a replica, and only inside `reading_from_replica()`: report builds, exports, the
federation's pages, the analysts' read-only API. Everything else, every write, and every read inside a
transaction on the primary go to the primary (`ReplicaRouter`). A page right after a change by the same
user reads the primary too (`pinned_to_primary`, set by core.middleware.ReplicaMiddleware).

A replica is used only if it answers and is no further behind the primary than
DATABASE_REPLICA_MAX_LAG_SECONDS; otherwise it is skipped, with a warning in the log, and the primary is
used. The check is kept DATABASE_REPLICA_CHECK_SECONDS per process. Without replicas nothing changes.

The pooler, and reading a long query's rows in bounded memory: behind PgBouncer in transaction mode
(DATABASE_POOLER=pgbouncer-transaction) each transaction may run on another server connection, so
nothing may outlive a transaction on the server: no session setting (a startup "options" parameter, a
SET outside a transaction), no server-side prepared statement, no cursor WITH HOLD (what
QuerySet.iterator() declares outside a transaction), no session advisory lock, LISTEN or temporary
table. The application holds none of these otherwise: its advisory locks are pg_advisory_xact_lock, its
set_config calls are local to their transaction, and the backups' pg_dump and pg_restore talk to the
database directly (DATABASE_DIRECT_URL).
"""

import logging
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import QuerySet

logger = logging.getLogger(__name__)

REPLICA_PREFIX = "replica_"


@dataclass(frozen=True)
class _Reads:
    alias: str | None  # the replica chosen, None: the primary
    in_transaction: bool  # the replica has caught up with the primary: read it even in a transaction


_reads: ContextVar[_Reads | None] = ContextVar("replica_reads", default=None)
_pinned: ContextVar[bool] = ContextVar("replica_pinned", default=False)
# alias -> (checked at, time.monotonic(); why it may not be used, "" if it may)
_health: dict[str, tuple[float, str]] = {}


def replica_aliases() -> list[str]:
    return [alias for alias in connections.settings if alias.startswith(REPLICA_PREFIX)]


def forget_replica_health() -> None:
    """Check every replica again at its next use (the tests; a process's cache is otherwise brief)."""
    _health.clear()


def _lsn_behind(alias: str, primary_lsn: str) -> tuple[bool, int | None]:
    """Whether `alias` is a standby, and the bytes of WAL it has still to replay."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())::bigint",
            [primary_lsn],
        )
        in_recovery, behind = cursor.fetchone()
    return in_recovery, behind


def _primary_lsn() -> str:
    # Where the primary's WAL ends as inserted: a commit with synchronous_commit off has returned before
    # its record was written out, and must count too.
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        return cursor.fetchone()[0]


def _why_not(alias: str, *, caught_up: bool) -> str:
    """Why the replica may not be read now ("" if it may)."""
    limit = settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    try:
        primary_lsn = _primary_lsn()
        in_recovery, behind = _lsn_behind(alias, primary_lsn)
        if not in_recovery:
            return "it is not a standby (promoted?)"
        if caught_up:
            # Wait, up to the lag allowed, until it has replayed everything committed on the primary
            # before now: what it then shows is the primary's data as of now.
            deadline = time.monotonic() + limit
            while behind and behind > 0 and time.monotonic() < deadline:
                time.sleep(0.05)
                _in_recovery, behind = _lsn_behind(alias, primary_lsn)
            return f"it has not caught up within {limit} s" if behind and behind > 0 else ""
        if not behind or behind <= 0:
            return ""  # it has replayed everything the primary wrote, however long ago
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float")
            lag = cursor.fetchone()[0]
        if lag is None or lag > limit:
            shown = "unknown" if lag is None else f"{lag:.1f} s"
            return f"it is behind the primary by {behind} bytes of WAL ({shown}, at most {limit} s allowed)"
        return ""
    except DatabaseError as error:
        connections[alias].close()  # reconnect at the next check
        return f"it does not answer ({str(error).strip() or type(error).__name__})"


def _usable(alias: str, *, caught_up: bool) -> bool:
    now = time.monotonic()
    if not caught_up:
        checked = _health.get(alias)
        if checked and now - checked[0] < settings.DATABASE_REPLICA_CHECK_SECONDS:
            return not checked[1]
    why_not = _why_not(alias, caught_up=caught_up)
    if not caught_up:
        _health[alias] = (now, why_not)
    if why_not:
        logger.warning("Replica %s skipped, reading from the primary: %s", alias, why_not)
    return not why_not


def pick_replica(*, caught_up: bool = False) -> str | None:
    """A replica to read from now, or None for the primary (pinned to it, or no replica fit)."""
    aliases = replica_aliases()
    if not aliases or _pinned.get():
        return None
    random.shuffle(aliases)  # spread the readers over the replicas
    return next((alias for alias in aliases if _usable(alias, caught_up=caught_up)), None)


@contextmanager
def reading_from_replica(*, caught_up: bool = False) -> Iterator[str | None]:
    """Reads in this block go to a replica if one is fit (the alias is given; None: the primary).
    Also a decorator. Reads inside a transaction on the primary stay there (they may need its writes),
    unless `caught_up`: then the replica must first replay everything the primary committed before
    the block began, waiting up to the lag allowed, and is read even inside a transaction. Writes
    always go to the primary."""
    # A block inside another keeps the outer one's choice.
    reads = _reads.get() or _Reads(pick_replica(caught_up=caught_up), in_transaction=caught_up)
    token = _reads.set(reads)
    try:
        yield reads.alias
    finally:
        _reads.reset(token)


def replica_for_reads() -> str:
    """The alias reading_from_replica() reads from here and now, decided at once: for a response that
    streams its rows after the view (and its middleware) returned."""
    with reading_from_replica():
        return reading_alias()


_request_scope: ContextVar[bool] = ContextVar("replica_request_scope", default=False)


@contextmanager
def request_scope(*, pinned: bool) -> Iterator[None]:
    """One request (core.middleware.ReplicaMiddleware): what it sets for its reads ends with it."""
    tokens = (_request_scope.set(True), _pinned.set(pinned), _reads.set(_reads.get()))
    try:
        yield
    finally:
        _reads.reset(tokens[2])
        _pinned.reset(tokens[1])
        _request_scope.reset(tokens[0])


def read_rest_of_request_from_replica() -> None:
    """The request's remaining reads go to a replica (e.g. once the API knows the user is read-only)."""
    if _request_scope.get() and _reads.get() is None:
        _reads.set(_Reads(pick_replica(), in_transaction=False))


def reading_alias() -> str:
    """Where reads go at this point: a replica's alias or the primary's."""
    reads = _reads.get()
    if reads is None or reads.alias is None:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block and not reads.in_transaction:
        return DEFAULT_DB_ALIAS
    return reads.alias


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads to a replica only inside reading_from_replica(); writes, and
    the migrations, to the primary alone."""

    def db_for_read(self, model, **hints) -> str:
        return reading_alias()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # A replica holds the primary's rows: an object read from either may refer to the other's.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return False if db.startswith(REPLICA_PREFIX) else None


# Behind a connection pooler.

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
