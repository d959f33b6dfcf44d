from django.core.management.base import BaseCommand

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
        if options["verbosity"]:
            for model, count in counts.items():
                self.stdout.write(f"{model}: {count}")
            self.stdout.write(f"clinic.LetterTemplate: {letters} created")
            self.stdout.write(
                self.style.SUCCESS("Reference data, role groups and letter templates are up to date.")
            )
