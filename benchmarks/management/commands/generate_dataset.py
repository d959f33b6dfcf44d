"""manage.py generate_dataset: a large deterministic dataset for benchmarks (PostgreSQL only)."""

from typing import TextIO, cast

from django.core.management.base import BaseCommand, CommandError

from benchmarks.dataset import (
    DEFAULT_APPLICATIONS,
    DEFAULT_SEED,
    DEFAULT_YEARS,
    DatasetError,
    Progress,
    dataset_generate,
)


class Command(BaseCommand):
    help = (
        "Generate N synthetic applications with their persons, visits, notes, status changes, labor "
        "disputes and prevented disputes over the 20 centers and the last years ending today, with COPY "
        "(PostgreSQL only; refuses SQLite). Deterministic for a given --seed, N, --years and day."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--applications", type=int, default=DEFAULT_APPLICATIONS, help="how many (default 1,000,000)"
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 42)")
        parser.add_argument(
            "--years", type=int, default=DEFAULT_YEARS, help="years of cases ending today (default 5)"
        )
        parser.add_argument(
            "--truncate",
            action="store_true",
            help="empty the case tables first (persons, visits, cases, disputes, counters, report snapshots)",
        )

    def handle(self, *args, applications: int, seed: int, years: int, truncate: bool, **options) -> None:
        # The stream the command writes to (OutputWrapper's stubs type every unknown attribute as a callable).
        progress = Progress(applications, stream=cast(TextIO, self.stderr._out))
        quiet = options["verbosity"] == 0
        try:
            summary = dataset_generate(
                applications=applications,
                seed=seed,
                years=years,
                truncate=truncate,
                progress=None if quiet else progress.update,
                note=None if quiet else progress.note,
            )
        except DatasetError as error:
            raise CommandError(str(error)) from error
        if quiet:
            return
        for table, count in summary.rows.items():
            self.stdout.write(f"  {table:<36} {count:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.total_rows:,} rows in {summary.seconds:,.1f} s "
                f"({summary.total_rows / max(summary.seconds, 1e-9):,.0f} rows/s)."
            )
        )
