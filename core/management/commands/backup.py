"""manage.py backup [--to DIR]: the database and the private files in one archive (core.backups)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.backups import backup_create


class Command(BaseCommand):
    help = "Back up the database and the private files into one archive, with a manifest of row counts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "backups",
            help="The folder to write the archive into (default: var/backups).",
        )

    def handle(self, *args, to: Path, **options):
        archive = backup_create(to)
        self.stdout.write(str(archive))
