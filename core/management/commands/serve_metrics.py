"""manage.py serve_metrics [--bind HOST:PORT]: the Prometheus metrics (core.metrics) on an address for
monitoring only."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.metrics import metrics_server_start, parse_address


class Command(BaseCommand):
    help = (
        "Serve the Prometheus metrics of the web and Celery workers (PROMETHEUS_MULTIPROC_DIR) and the "
        "outbox's backlog on an address that only the monitoring reaches."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=settings.METRICS_ADDRESS,
            help="host:port to listen on (default: METRICS_ADDRESS, %(default)s).",
        )

    def handle(self, *args, bind: str, **options):
        try:
            host, port = parse_address(bind)
        except ValueError as error:
            raise CommandError(str(error)) from error
        stopping = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_args: stopping.set())
        server, thread = metrics_server_start(host, port)
        self.stdout.write(f"Serving the metrics at http://{bind}/metrics", ending="\n")
        self.stdout.flush()
        stopping.wait()
        server.shutdown()
        thread.join(timeout=5)
