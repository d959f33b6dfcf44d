"""A backup of a populated database restores into an empty one, in another process, with every table's
row count, the private files and a report's figures unchanged; a restore into a database or media
folder that is not empty is refused before anything changes."""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from clinic import services
from clinic.models import Application, Document
from organizations.models import TerritorialCenter, User
from seeds.clinic import demo_cases_create
from seeds.organizations import demo_organizations_create, demo_staff_create

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# The report compared: a center's year (the first argument) of the demo data.
FIGURES = """
import datetime, json, sys, django
django.setup()
from django.utils import timezone
from reports.periods import Period
from reports.queries import report_figures
from organizations.models import TerritorialCenter
center = TerritorialCenter.objects.get(code="SHY")
period = Period("year", datetime.date(int(sys.argv[1]), 1, 1))
figures = report_figures(center_id=center.pk, period=period, as_of=timezone.now())
print(json.dumps(figures, sort_keys=True, default=str))
"""


def database_url(name: str) -> str:
    database = settings.DATABASES["default"]
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{name}"


def manage(*arguments: str, database: str, media: Path) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(media),
    }
    return subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )


@contextmanager
def empty_database():
    name = f"tulegal_restore_{uuid.uuid4().hex[:8]}"
    server = database_url("postgres")
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


@pytest.fixture
def populated(settings, tmp_path):
    """The demo's organizations and staff, one center's cases, and a document with its file."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_reference", verbosity=0)
    demo_organizations_create()
    staff = demo_staff_create()
    demo_cases_create(staff=staff, center_codes=["SHY"])
    application = Application.objects.filter(center__code="SHY").order_by("pk").first()
    manager = User.objects.get(username="admin")
    services.document_attach(
        application=application, by=manager, upload=SimpleUploadedFile("Приказ.pdf", PDF)
    )
    return tmp_path


def test_a_backup_restores_into_an_empty_database_with_the_same_rows_files_and_figures(populated):
    # given a backup of the populated database
    call_command("backup", to=populated / "backups", stdout=(out := io.StringIO()))
    archive = Path(out.getvalue().strip())
    assert archive.name.startswith("tulegal-backup-")
    assert archive.suffix == ".tar"
    with tarfile.open(archive) as contents:
        manifest = json.loads(contents.extractfile("manifest.json").read())
    source = database_url(settings.DATABASES["default"]["NAME"])
    assert manifest["row_counts"]["clinic_application"] == Application.objects.count() > 0
    assert manifest["files"] == 1

    with empty_database() as name:
        restored_media = populated / "restored-media"
        # when another process restores it into an empty database and media folder
        finished = manage(
            "manage.py", "restore", str(archive), database=database_url(name), media=restored_media
        )
        assert finished.returncode == 0, finished.stderr
        assert "every table's row count matches the backup" in finished.stdout

        # then every table has the rows it had
        assert row_counts(database_url(name)) == row_counts(source)
        # and the document's file is back, byte for byte, where its row says
        document = Document.objects.get()
        assert (restored_media / document.file.name).read_bytes() == PDF
        # and the center's report for the year has the same figures, computed from either database
        year = str(Application.objects.latest("received_on").received_on.year)
        before = manage("-c", FIGURES, year, database=source, media=populated / "media")
        after = manage("-c", FIGURES, year, database=database_url(name), media=restored_media)
        assert before.returncode == 0, before.stderr
        assert after.returncode == 0, after.stderr
        figures = json.loads(after.stdout)
        assert figures == json.loads(before.stdout)
        assert figures["totals"]["received"] > 0


def test_a_restore_into_a_database_that_is_not_empty_is_refused(populated):
    call_command("backup", to=populated / "backups", stdout=(out := io.StringIO()))
    archive = Path(out.getvalue().strip())
    centers = TerritorialCenter.objects.count()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))

    assert TerritorialCenter.objects.count() == centers


def test_a_restore_into_a_media_folder_that_is_not_empty_is_refused(populated):
    call_command("backup", to=populated / "backups", stdout=(out := io.StringIO()))
    with empty_database() as name:
        media = populated / "occupied"
        media.mkdir()
        (media / "something.pdf").write_bytes(PDF)

        finished = manage(
            "manage.py", "restore", out.getvalue().strip(), database=database_url(name), media=media
        )

        assert finished.returncode != 0
        assert "is not empty" in finished.stderr
        assert row_counts(database_url(name)) == {}


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    stranger = tmp_path / "stranger.tar"
    with tarfile.open(stranger, "w") as archive:
        archive.add(__file__, arcname="notes.txt")

    with pytest.raises(CommandError, match="no manifest"):
        call_command("restore", str(stranger))


def test_the_demos_sqlite_database_is_backed_up_and_restored(tmp_path):
    source = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    media = tmp_path / "media"
    for step in (["migrate"], ["seed_reference"]):
        finished = manage("manage.py", *step, "--verbosity=0", database=source, media=media)
        assert finished.returncode == 0, finished.stderr
    backed_up = manage("manage.py", "backup", f"--to={tmp_path}", database=source, media=media)
    assert backed_up.returncode == 0, backed_up.stderr

    restored = manage(
        "manage.py", "restore", backed_up.stdout.strip(), database=target, media=tmp_path / "m2"
    )

    assert restored.returncode == 0, restored.stderr
    assert "every table's row count matches the backup" in restored.stdout
    counted = (
        "import django; django.setup(); from organizations.models import TerritorialCenter; "
        "print(TerritorialCenter.objects.count())"
    )
    assert manage("-c", counted, database=target, media=media).stdout.strip() == "20"
