"""manage.py restore ARCHIVE: a backup into the configured database and media folder, both empty."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.backups import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the configured database (DATABASE_URL) and media folder "
        "(MEDIA_ROOT). Both must be empty; the row count of every table is checked against the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        if not archive.is_file():
            raise CommandError(f"No such file: {archive}")
        try:
            restored = backup_restore(archive)
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        self.stdout.write(
            f"Restored {restored.rows} rows in {restored.tables} tables and {restored.files} files "
            f"from {restored.archive}; every table's row count matches the backup."
        )
