"""Backups: one archive holds the database and the private files (documents, attachments, report
files), with a manifest of every table's row count; a restore puts them into an empty database and an
empty media folder and checks the counts.

PostgreSQL: the row counts and pg_dump's custom-format dump read one snapshot (a repeatable-read
transaction exports it and pg_dump --snapshot reads it), so the manifest describes exactly the dump.
The files are copied after the dump: a document's file is written before its row is committed, so every
file the dump refers to is in the archive (a file written since is extra, and harmless). pg_dump and
pg_restore connect to PostgreSQL itself (DATABASE_DIRECT_URL behind a pooler); the snapshot's
transaction may go through the pooler, which keeps it on one server connection while it lasts.
SQLite (the demo): the database file is copied with SQLite's online backup.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
POSTGRESQL_DUMP = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA = "media"


@dataclass(frozen=True)
class Restored:
    archive: Path
    tables: int
    rows: int
    files: int


def _engine(alias: str = "default") -> str:
    return "postgresql" if connections[alias].vendor == "postgresql" else "sqlite"


def _tables() -> list[str]:
    """Every table of the installed models (many-to-many tables included), in a stable order."""
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return sorted(tables)


def _row_counts(alias: str = "default") -> dict[str, int]:
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables():
            if table in existing:
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
    return counts


def _libpq_environment(database: dict[str, Any]) -> dict[str, str]:
    """pg_dump's and pg_restore's connection from Django's settings (a password never on a command line)."""
    environment = {**os.environ}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if database.get(key):
            environment[variable] = str(database[key])
    environment["PGDATABASE"] = database["NAME"]
    return environment


def _direct_database() -> dict[str, Any]:
    """PostgreSQL itself, for pg_dump and pg_restore: DATABASE_DIRECT_URL, else the default database.
    Not through a transaction pooler: their session settings would land on other server connections."""
    if settings.DATABASE_DIRECT:
        return settings.DATABASE_DIRECT
    if settings.DATABASE_POOLER:
        raise ImproperlyConfigured(
            "Behind a connection pooler (DATABASE_POOLER) the backups need DATABASE_DIRECT_URL: "
            "PostgreSQL itself, for pg_dump and pg_restore."
        )
    return settings.DATABASES["default"]


def _run(command: list[str], environment: dict[str, str]) -> None:
    finished = subprocess.run(command, env=environment, capture_output=True, text=True)
    if finished.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({finished.returncode}): {finished.stderr.strip()}")


@contextmanager
def _one_snapshot() -> Iterator[str]:
    """A read-only repeatable-read transaction on the default database, and its exported snapshot's name:
    everything read in it, and by pg_dump --snapshot, sees the same committed state."""
    connection = connections["default"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        yield cursor.fetchone()[0]


def _manifest(engine: str, counts: dict[str, int], files: int) -> dict[str, Any]:
    applied = MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name")
    return {
        "format": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "migrations": [f"{app}.{name}" for app, name in applied],
        "row_counts": counts,
        "files": files,
    }


def _add_media(archive: tarfile.TarFile) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    files = 0
    if media_root.is_dir():
        for path in sorted(media_root.rglob("*")):
            if path.is_file():
                archive.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
                files += 1
    return files


def _add_json(archive: tarfile.TarFile, name: str, content: dict[str, Any]) -> None:
    data = json.dumps(content, indent=2, sort_keys=True).encode()
    member = tarfile.TarInfo(name)
    member.size = len(data)
    member.mtime = int(datetime.now(UTC).timestamp())
    with tempfile.SpooledTemporaryFile() as buffer:
        buffer.write(data)
        buffer.seek(0)
        archive.addfile(member, buffer)


def backup_create(directory: Path) -> Path:
    """Write tulegal-backup-<UTC time>.tar into `directory` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = directory / f"tulegal-backup-{stamp}.tar"
    partial = target.with_suffix(".tar.partial")
    engine = _engine()
    environment = _libpq_environment(_direct_database()) if engine == "postgresql" else {}
    with tempfile.TemporaryDirectory() as work, tarfile.open(partial, "w") as archive:
        if engine == "postgresql":
            dump = Path(work) / POSTGRESQL_DUMP
            with _one_snapshot() as snapshot:
                counts = _row_counts()
                _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"], environment)
            archive.add(dump, arcname=POSTGRESQL_DUMP)
        else:
            copy = Path(work) / SQLITE_FILE
            connection = connections["default"]
            connection.ensure_connection()
            with sqlite3.connect(copy) as destination:
                connection.connection.backup(destination)
            counts = _row_counts()
            archive.add(copy, arcname=SQLITE_FILE)
        files = _add_media(archive)
        _add_json(archive, MANIFEST, _manifest(engine, counts, files))
    # The archive gets its final name only when complete: a failed backup never looks like a good one.
    partial.rename(target)
    return target


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise ValidationError(_("This file is not a backup of this system: it has no manifest."))
    manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT_VERSION:
        raise ValidationError(
            _("This backup's format (%(format)s) is not supported.") % {"format": manifest.get("format")}
        )
    return manifest


def _ensure_empty_target(engine: str) -> None:
    if _engine() != engine:
        raise ValidationError(
            _("This backup is of a %(engine)s database; the configured database is another kind.")
            % {"engine": engine}
        )
    if connections["default"].introspection.table_names():
        raise ValidationError(
            _("The database to restore into is not empty: restore only into an empty database.")
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()):
        raise ValidationError(_("The media folder (%(path)s) is not empty.") % {"path": media_root})


def _restore_database(archive: tarfile.TarFile, engine: str, work: Path) -> None:
    connection = connections["default"]
    if engine == "postgresql":
        archive.extract(POSTGRESQL_DUMP, work, filter="data")
        environment = _libpq_environment(_direct_database())
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={environment['PGDATABASE']}",
                str(work / POSTGRESQL_DUMP),
            ],
            environment,
        )
    else:
        archive.extract(SQLITE_FILE, work, filter="data")
        connection.ensure_connection()
        with sqlite3.connect(work / SQLITE_FILE) as source:
            source.backup(connection.connection)


def _restore_media(archive: tarfile.TarFile) -> int:
    members = [
        member for member in archive.getmembers() if member.isfile() and member.name.startswith(f"{MEDIA}/")
    ]
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    if not members:
        return 0
    with tempfile.TemporaryDirectory(dir=media_root.parent) as work:
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(work, members=members, filter="data")
        extracted = Path(work) / MEDIA
        for source in extracted.rglob("*"):
            if source.is_file():
                target = media_root / source.relative_to(extracted)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(source, target)
    return len(members)


def backup_restore(path: Path) -> Restored:
    """Restore a backup into the configured database and media folder, both empty, and check that every
    table has the row count the manifest recorded. Refuses (ValidationError) before changing anything."""
    with tarfile.open(path, "r") as archive:
        manifest = _read_manifest(archive)
        _ensure_empty_target(manifest["engine"])
        with tempfile.TemporaryDirectory() as work:
            _restore_database(archive, manifest["engine"], Path(work))
        files = _restore_media(archive)
    counts = _row_counts()
    differing = {
        table: (expected, counts.get(table))
        for table, expected in manifest["row_counts"].items()
        if counts.get(table) != expected
    }
    if differing:
        raise RuntimeError(f"The restored row counts differ from the backup's manifest: {differing}")
    return Restored(archive=path, tables=len(counts), rows=sum(counts.values()), files=files)
