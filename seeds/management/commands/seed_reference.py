from django.core.management.base import BaseCommand

from clinic.services import dispute_deadlines_recompute
from organizations.roles import roles_sync
from seeds.letters import letter_templates_load
from seeds.reference import reference_load


class Command(BaseCommand):
    help = (
        "Load the reference data of seeds/reference, the role groups and the letter templates "
        "(seeds/letters). Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        counts = reference_load()
        roles_sync()
        letters = letter_templates_load()
        # The limitation rules may have changed: the unresolved disputes' dates follow them.
        recomputed = dispute_deadlines_recompute()
        if options["verbosity"]:
            for model, count in counts.items():
                self.stdout.write(f"{model}: {count}")
            self.stdout.write(f"clinic.LetterTemplate: {letters} created")
            if recomputed:
                self.stdout.write(f"Labor disputes with recomputed limitation dates: {len(recomputed)}")
            self.stdout.write(
                self.style.SUCCESS("Reference data, role groups and letter templates are up to date.")
            )
