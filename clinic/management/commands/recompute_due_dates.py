from datetime import date

from django.core.management.base import BaseCommand

from clinic import workdays
from clinic.deadlines import due_dates_recompute
from clinic.services import dispute_deadlines_recompute


class Command(BaseCommand):
    help = (
        "Recompute the due dates of open cases (not extended by a manager) and of pending online questions "
        "under the current working-day calendar; run it after upgrading python-holidays or editing "
        "seeds/calendar_overrides.csv. Changes only the dates that differ, each with an audit entry."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would change; save nothing.")

    def handle(self, *args, dry_run: bool, **options) -> None:
        self.stdout.write(f"Calendar: {workdays.source()}")
        for line in workdays.redundant_overrides():
            self.stdout.write(
                f"  python-holidays already has the override of {line.day} ({line.decree}): the line may go."
            )
        result = due_dates_recompute(dry_run=dry_run)
        # The labor disputes' limitation dates are counted in the same calendar.
        disputes = dispute_deadlines_recompute(dry_run=dry_run)
        for moved in disputes:
            self.stdout.write(
                f"  labor dispute {moved.dispute_id} ({moved.label}): "
                f"{_dates(moved.previous)} -> {_dates(moved.new)} (last day to file, decision)"
            )
        for change in (*result.applications, *result.online_questions):
            self.stdout.write(f"  {change.label}: {change.previous} -> {change.new}")
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(
                f"Due dates {verb}: {result.changed} ({len(result.applications)} open case(s), "
                f"{len(result.online_questions)} pending online question(s)). "
                f"{result.extended_kept} open case(s) extended by a manager keep the date set then."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(f"Limitation dates of unresolved labor disputes {verb}: {len(disputes)}.")
        )


def _dates(days: tuple[date | None, date | None]) -> str:
    return ", ".join(day.isoformat() if day else "-" for day in days)
