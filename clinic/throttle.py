"""Rate limits for the public pages, counted in the database.

Why the database and not Django's cache: the project configures no shared cache (only Celery uses
Redis, and only when REDIS_URL is set; the demo and an offline office run without it), so the cache
is each process's own memory: with four gunicorn workers a limit of 10 would let 40 through, and a
restart would forget it. A counter row per (scope, key, window) in PostgreSQL is shared by every
worker on every machine, survives restarts, and is exact under concurrency: the increment is one
UPDATE ... SET count = count + 1, so parallel requests queue on the row lock and each reads its own
position. Fixed windows (an hour, a day) keep it to one row per key and window; at a window's edge
up to twice the limit can pass in a short time, which is acceptable for abuse control.

Keys are HMACs of the address or the phone with SECRET_KEY: the table never holds a readable
address or phone number.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import RateLimitCounter

# Rows of windows that ended this long ago are deleted while counting (no separate task needed).
KEEP_FOR = timedelta(days=2)


@dataclass(frozen=True)
class Limit:
    """At most `count` requests per `seconds` for one key of a scope."""

    scope: str
    count: int
    seconds: int


class Throttled(Exception):
    """Too many requests for this key in the current window."""

    def __init__(self, limit: Limit, retry_after: int):
        super().__init__(f"{limit.scope}: more than {limit.count} in {limit.seconds} s")
        self.limit = limit
        self.retry_after = retry_after


def hashed_key(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


@transaction.atomic
def throttle_hit(*, limit: Limit, value: str, now: datetime | None = None) -> int:
    """Count one request for `value` in the limit's scope; raise Throttled past the limit.

    Called inside a larger transaction, the count is rolled back with it (a refused submission does
    not use up the phone's allowance); called on its own, it is committed at once."""
    now = now or timezone.now()
    start = _window_start(now, limit.seconds)
    key = hashed_key(value)
    counter, created = RateLimitCounter.objects.get_or_create(scope=limit.scope, key=key, window_start=start)
    if created:
        RateLimitCounter.objects.filter(window_start__lt=now - KEEP_FOR).delete()
    RateLimitCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
    count = RateLimitCounter.objects.values_list("count", flat=True).get(pk=counter.pk)
    if count > limit.count:
        retry_after = int((start + timedelta(seconds=limit.seconds) - now).total_seconds()) + 1
        raise Throttled(limit, retry_after)
    return count


def throttle_exceeded(*, limit: Limit, value: str, now: datetime | None = None) -> bool:
    """Whether `value` has used up its allowance in the current window (counts nothing)."""
    now = now or timezone.now()
    count = (
        RateLimitCounter.objects.filter(
            scope=limit.scope, key=hashed_key(value), window_start=_window_start(now, limit.seconds)
        )
        .values_list("count", flat=True)
        .first()
    )
    return (count or 0) >= limit.count
