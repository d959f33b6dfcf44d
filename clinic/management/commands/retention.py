"""manage.py retention [--dry-run]: apply the retention rules now, or list what they would anonymise."""

from django.core.management.base import BaseCommand
from django.utils import formats

from clinic.services.retention import retention_plan, retention_run


class Command(BaseCommand):
    help = (
        "Anonymise the personal data kept longer than RETENTION_YEARS allows and write a destruction "
        "record; with --dry-run, list what would be anonymised and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what is due; change nothing.")

    def handle(self, *args, dry_run: bool, **options):
        if dry_run:
            for line in retention_plan():
                cutoff = formats.date_format(line.cutoff, "SHORT_DATE_FORMAT")
                self.stdout.write(
                    f"{line.rule}: {line.count} {line.kind} (kept {line.years} years, before {cutoff})"
                )
                if line.examples:
                    more = (
                        f" and {line.count - len(line.examples)} more"
                        if line.count > len(line.examples)
                        else ""
                    )
                    self.stdout.write(f"  {', '.join(line.examples)}{more}")
            self.stdout.write("Dry run: nothing was changed.")
            return
        run = retention_run(started_by="manage.py retention")
        for record in run.records.all():
            self.stdout.write(
                f"{record.rule}: {record.count} {record.kind} anonymised (before {record.cutoff})"
            )
