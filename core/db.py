"""Reads from PostgreSQL streaming replicas (settings.DATABASE_REPLICA_URL), where a caller asks for them.

Only reads that can do with data a moment old go to a replica, and only inside `reading_from_replica()`:
report builds, exports, the federation's pages, the analysts' read-only API. Everything else, every
write, and every read inside a transaction on the primary go to the primary (`ReplicaRouter`). A page
right after a change by the same user reads the primary too (`pinned_to_primary`, set by
core.middleware.ReplicaMiddleware).

A replica is used only if it answers and is no further behind the primary than
DATABASE_REPLICA_MAX_LAG_SECONDS; otherwise it is skipped, with a warning in the log, and the primary is
used. The check is kept DATABASE_REPLICA_CHECK_SECONDS per process. Without replicas nothing changes.
"""

import logging
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

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
