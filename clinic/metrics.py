"""The outbox's backlog as Prometheus metrics, computed when Prometheus scrapes (core.metrics): the
messages to applicants still waiting to be sent or being sent, and how long the oldest has waited."""

from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from .models import OutgoingMessage

WAITING = (OutgoingMessage.State.QUEUED, OutgoingMessage.State.SENDING)


def outbox_backlog() -> Iterator[Metric]:
    """Two queries on the partial index of the waiting messages (message_waiting)."""
    waiting = OutgoingMessage.objects.filter(status__in=WAITING)
    counts = dict(waiting.values_list("status").annotate(count=Count("pk")).order_by())
    backlog = GaugeMetricFamily(
        "tulegal_outbox_messages_waiting",
        "Messages to applicants not yet sent: queued, or being sent.",
        labels=["state"],
    )
    for state in WAITING:
        backlog.add_metric([state.value], counts.get(state, 0))
    yield backlog
    oldest = waiting.aggregate(oldest=Min("queued_at"))["oldest"]
    age = GaugeMetricFamily(
        "tulegal_outbox_oldest_waiting_seconds",
        "How long the oldest message not yet sent has waited (0: none waits).",
    )
    age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0)
    yield age
