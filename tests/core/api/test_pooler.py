"""Behind PgBouncer in transaction mode (Debian's package, started by bin/test through bin/pgbouncer): a
case written and read back through the API, a CSV export streamed in several chunks, a possible
duplicate searched and a backup taken by `manage.py backup` in its own process, all with the pooler's
settings (DATABASE_POOLER=pgbouncer-transaction) and the test database reached through the bouncer."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from clinic.models import Application, Person
from core.db import behind_transaction_pooler
from tests.factories import PersonFactory
from tests.test_processes import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]


def bouncer_port() -> int:
    port = os.environ.get("TEST_PGBOUNCER_PORT")
    if not port:
        pytest.fail(
            "No PgBouncer for this test: bin/test installs Debian's pgbouncer and starts it "
            "(bin/pgbouncer start prints its port; set TEST_PGBOUNCER_PORT to it)."
        )
    return int(port)


def bouncer(database: str, **options) -> psycopg.Connection:
    """A connection through the bouncer: to a database, or to its admin console ("pgbouncer")."""
    return psycopg.connect(
        host="127.0.0.1", port=bouncer_port(), user="postgres", dbname=database, autocommit=True, **options
    )


@pytest.fixture(scope="module", autouse=True)
def bouncer_lets_go(django_db_setup):
    """The bouncer keeps its server connections to the test database: closed after these tests, or the
    test database could not be dropped at the end of the run."""
    yield
    with bouncer("pgbouncer") as console:
        name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        console.execute(f"KILL {name}")
        console.execute(f"RESUME {name}")


@pytest.fixture
def through_pgbouncer():
    """The default connection reaches the test database through the bouncer, with the pooler's settings."""
    direct = connections[DEFAULT_DB_ALIAS]
    direct.close()
    pooled = behind_transaction_pooler({**direct.settings_dict, "HOST": "127.0.0.1", "PORT": bouncer_port()})
    connections[DEFAULT_DB_ALIAS] = load_backend(pooled["ENGINE"]).DatabaseWrapper(pooled, DEFAULT_DB_ALIAS)
    try:
        yield connections[DEFAULT_DB_ALIAS]
    finally:
        connections[DEFAULT_DB_ALIAS].close()
        connections[DEFAULT_DB_ALIAS] = direct


def test_the_bouncer_pools_in_transaction_mode():
    name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    first, second = bouncer(name), bouncer(name)

    # two clients at once, one after the other: the same server connection serves both (in session
    # mode the second would have a server connection of its own while the first is connected)
    pids = [client.execute("SELECT pg_backend_pid()").fetchone()[0] for client in (first, second, first)]

    assert len(set(pids)) == 1
    with bouncer("pgbouncer") as console:
        pools = console.execute("SHOW POOLS").fetchall()
        columns = [column.name for column in console.execute("SHOW POOLS").description or ()]
    modes = {row[columns.index("database")]: row[columns.index("pool_mode")] for row in pools}
    assert modes[name] == "transaction"
    first.close()
    second.close()


def test_a_case_is_written_read_back_and_exported_through_the_bouncer(
    through_pgbouncer, client_for, ref, reception, manager, center, monkeypatch
):
    # given the default connection through the bouncer, with its settings, and an export read in
    # chunks of 2 rows
    assert through_pgbouncer.settings_dict["PORT"] == bouncer_port()
    assert through_pgbouncer.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert through_pgbouncer.settings_dict["OPTIONS"] == {"prepare_threshold": None}  # no "options"
    monkeypatch.setattr("clinic.exports.CHUNK_SIZE", 2)
    persons = [PersonFactory(center=center, full_name=f"Person {number}") for number in range(4)]
    client = client_for(reception)

    # when a person with a name like one registered is refused, and cases are registered and read back
    refused = client.post("/api/v1/persons/", {"full_name": "Person 0", "phone": ""}, format="json")
    created = [
        client.post(
            "/api/v1/applications/",
            {
                "person": person.pk,
                "service": "legal_clinic",
                "kind": "written_application",
                "topic": "wages",
                "channel": "in_person",
            },
            format="json",
        )
        for person in persons
    ]
    read = client.get(f"/api/v1/applications/{created[0].json()['id']}/")
    exported = client_for(manager).get("/api/v1/applications/export/", {"type": "csv"})
    content = iter(exported.streaming_content)
    streamed = [next(content), next(content)]  # the header and the first row: the first chunk read
    # another client's transaction meanwhile holds the server connection that read it (the one
    # PgBouncer hands out next): the rest is read on another (a cursor declared WITH HOLD on the first,
    # as QuerySet.iterator() does by default, would not be found there)
    with bouncer(through_pgbouncer.settings_dict["NAME"]) as other, other.transaction():
        other.execute("SELECT 1")
        streamed.extend(content)
    lines = b"".join(streamed).decode("utf-8-sig").splitlines()

    # then every answer is right: the duplicate search ran in its transaction, the export's chunks
    # (keys first, then 2 rows a query) hold every case once, in the list's order
    assert refused.status_code == 400, refused.content
    assert "full_name" in refused.json()
    assert [response.status_code for response in created] == [201] * 4
    assert read.status_code == 200
    assert read.json()["registration_number"] == created[0].json()["registration_number"]
    assert len(lines) == 1 + 4
    listed = Application.objects.order_by("-received_on", "-sequence")
    numbers = list(listed.values_list("registration_number", flat=True))
    assert [next(number for number in numbers if number in line) for line in lines[1:]] == numbers
    assert Person.objects.count() == 4


def test_a_backup_through_the_pooler_dumps_from_postgresql_itself(tmp_path):
    # given the app's settings for the bouncer, in a process of its own
    PersonFactory(full_name="Backed up")
    direct = database_url()
    port = connections[DEFAULT_DB_ALIAS].settings_dict["PORT"] or 5432
    pooled = direct.replace(f":{port}/", f":{bouncer_port()}/")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "False",
        "DATABASE_URL": pooled,
        "DATABASE_POOLER": "pgbouncer-transaction",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }

    def backup(**extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "backup", "--to", str(tmp_path)],
            cwd=ROOT,
            env={**environment, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )

    # when a backup is taken without, then with, DATABASE_DIRECT_URL
    refused = backup()
    taken = backup(DATABASE_DIRECT_URL=direct)

    # then pg_dump is never pointed at the bouncer: refused with the reason, then taken from PostgreSQL
    assert refused.returncode != 0
    assert "DATABASE_DIRECT_URL" in refused.stderr
    assert taken.returncode == 0, taken.stderr
    assert [path.suffix for path in tmp_path.glob("tulegal-backup-*")] == [".tar"]
