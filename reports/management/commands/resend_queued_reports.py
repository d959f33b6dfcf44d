from django.core.management.base import BaseCommand, CommandError

from reports.services import queued_reports_resend


class Command(BaseCommand):
    help = (
        "Send the report builds that wait for the task queue (requested while Redis was down) or whose "
        "task was lost. Safe to run again: a build sent twice is built once."
    )

    def handle(self, *args, **options) -> None:
        result = queued_reports_resend()
        if result.waiting:
            raise CommandError(
                f"The task queue is still unavailable: {result.waiting} build(s) still wait for it "
                f"({result.sent} sent). Run this again once the broker is back."
            )
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Report builds sent again: {result.sent}."))
