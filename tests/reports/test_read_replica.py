"""Reads from a real PostgreSQL streaming replica (core.db): report builds, exports, the federation page
and the analysts' API read from it; a lagging or stopped replica is skipped for the primary; writes and
a page right after a change go to the primary. bin/test starts the replica (bin/replica) and names its
port in TEST_REPLICA_PORT; the test databases reach it by streaming replication."""

import logging
import os
import time
import types
from datetime import date

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from clinic.models import Application, ExportJob, Outcome
from core import db
from reports.models import Report
from reports.periods import PeriodKind
from reports.services import report_request

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ALIAS = "replica_1"
NOWHERE_PORT = "1"  # nothing listens there: a replica that is down


def _replica_port() -> str:
    port = os.environ.get("TEST_REPLICA_PORT")
    if not port:
        pytest.fail(
            "No streaming replica to test against: run the tests with bin/test, which starts one "
            "(bin/replica start), or start it yourself and set TEST_REPLICA_PORT."
        )
    return port


def _add_replica(port: str, django_db_blocker) -> str:
    # The test database's settings (its name included) on the replica's port.
    connections.settings[ALIAS] = {**connections[DEFAULT_DB_ALIAS].settings_dict, "PORT": port}
    connection = connections[ALIAS]
    # Added while the test runs: its test case lets it connect as it lets the databases it knew.
    with django_db_blocker.unblock():
        ensure_connection = BaseDatabaseWrapper.ensure_connection
    connection.ensure_connection = types.MethodType(ensure_connection, connection)  # type: ignore[method-assign]
    db.forget_replica_health()
    return ALIAS


@pytest.fixture
def replica(transactional_db, django_db_blocker):
    """The streaming replica as replica_1, caught up with the test database."""
    alias = _add_replica(_replica_port(), django_db_blocker)
    _wait_caught_up(alias)
    yield alias
    _remove_replica()


@pytest.fixture
def replica_down(transactional_db, django_db_blocker):
    alias = _add_replica(NOWHERE_PORT, django_db_blocker)
    yield alias
    _remove_replica()


def _remove_replica() -> None:
    connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]
    db.forget_replica_health()


def _wait_caught_up(alias: str) -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        lsn = cursor.fetchone()[0]
    with connections[alias].cursor() as cursor:
        for _attempt in range(200):
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    pytest.fail(f"the replica has not replayed the primary's {lsn}")


def _selects_of(context: CaptureQueriesContext, table: str) -> list[str]:
    return [
        query["sql"]
        for query in context.captured_queries
        if table in query["sql"] and query["sql"] not in _writes(context)
    ]


def _writes(context: CaptureQueriesContext) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE", "SELECT PG_ADVISORY")
    return [query["sql"] for query in context.captured_queries if query["sql"].upper().startswith(verbs)]


def test_the_replica_is_a_streaming_standby_of_the_test_database(replica):
    with connections[replica].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        in_recovery, name = cursor.fetchone()

    assert in_recovery is True
    assert name == connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]


def test_a_report_is_built_from_the_replica_and_stored_on_the_primary(replica, center, manager, make_case):
    # given two committed cases, replayed by the replica
    make_case(
        center, received_on=date(2021, 3, 2), decided_on=date(2021, 3, 9), outcome_code=Outcome.SATISFIED
    )
    make_case(center, received_on=date(2021, 3, 4))

    # when the report is requested (the build runs in-process once the request commits)
    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        report = report_request(
            center=center, period_kind=PeriodKind.MONTH, period_start=date(2021, 3, 1), by=manager
        )

    # then its figures were read from the replica, and written to the primary only
    report.refresh_from_db()
    assert report.state == Report.State.DONE, report.error
    assert report.figures["totals"]["received"] == 2
    assert report.figures["totals"]["positive"] == 1
    assert _selects_of(on_replica, '"clinic_application"')
    assert not _selects_of(on_primary, '"clinic_application"')
    assert not _writes(on_replica)
    assert any('UPDATE "reports_report"' in sql for sql in _writes(on_primary))


def test_a_paused_replica_is_skipped_as_lagging_and_the_primary_builds_the_report(
    replica, center, manager, make_case, settings, caplog
):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 0.5
    with connections[replica].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        # given a case the replica has not replayed
        make_case(center, received_on=date(2021, 3, 2))

        # when
        with (
            caplog.at_level(logging.WARNING, logger="core.db"),
            CaptureQueriesContext(connections[replica]) as on_replica,
        ):
            report = report_request(
                center=center, period_kind=PeriodKind.MONTH, period_start=date(2021, 3, 1), by=manager
            )
    finally:
        with connections[replica].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")

    # then the primary's figures, with the log line saying why
    report.refresh_from_db()
    assert report.state == Report.State.DONE, report.error
    assert report.figures["totals"]["received"] == 1
    assert not _selects_of(on_replica, '"clinic_application"')
    assert "Replica replica_1 skipped, reading from the primary: it has not caught up" in caplog.text


def test_a_replica_behind_the_lag_allowed_is_skipped_for_the_federation_page(
    replica, center, analyst, make_case, client, settings, caplog
):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 0
    with connections[replica].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        make_case(center, received_on=timezone.localdate())
        client.force_login(analyst)
        with (
            caplog.at_level(logging.WARNING, logger="core.db"),
            CaptureQueriesContext(connections[replica]) as on_replica,
        ):
            response = client.get(reverse("federation"))
    finally:
        with connections[replica].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")

    assert response.status_code == 200
    assert not _selects_of(on_replica, '"clinic_application"')
    assert "Replica replica_1 skipped, reading from the primary: it is behind the primary by" in caplog.text


def test_a_stopped_replica_is_skipped_with_a_log_line(replica_down, center, manager, make_case, caplog):
    make_case(center, received_on=date(2021, 3, 2))

    with caplog.at_level(logging.WARNING, logger="core.db"):
        report = report_request(
            center=center, period_kind=PeriodKind.MONTH, period_start=date(2021, 3, 1), by=manager
        )

    report.refresh_from_db()
    assert report.state == Report.State.DONE, report.error
    assert report.figures["totals"]["received"] == 1
    assert "Replica replica_1 skipped, reading from the primary: it does not answer" in caplog.text


def test_the_federation_page_reads_every_center_from_the_replica(replica, center, analyst, make_case, client):
    make_case(center, received_on=timezone.localdate())
    _wait_caught_up(replica)
    client.force_login(analyst)

    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        response = client.get(reverse("federation"))

    assert response.status_code == 200
    assert _selects_of(on_replica, '"clinic_application"')
    assert not _selects_of(on_primary, '"clinic_application"')


def test_an_analysts_api_list_and_export_read_from_the_replica(
    replica, center, analyst, make_case, api_client
):
    application = make_case(center, received_on=date(2021, 3, 2))
    _wait_caught_up(replica)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")

    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        listed = api_client.get("/api/v1/applications/")
        exported = api_client.get("/api/v1/applications/export/?type=csv")
        body = b"".join(exported.streaming_content).decode("utf-8-sig")

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [application.pk]
    assert exported.status_code == 200
    assert application.registration_number in body
    assert _selects_of(on_replica, '"clinic_application"')
    assert not _selects_of(on_primary, '"clinic_application"')
    # the export's audit entry is written to the primary
    assert not _writes(on_replica)
    assert any('INSERT INTO "auditlog_logentry"' in sql for sql in _writes(on_primary))


def test_a_large_export_is_built_in_the_background_from_the_replica(
    replica, center, analyst, make_case, api_client, settings, tmp_path
):
    # given a list longer than an export streamed while the analyst waits
    settings.EXPORT_SYNC_MAX_ROWS, settings.MEDIA_ROOT = 0, tmp_path
    application = make_case(center, received_on=date(2021, 3, 2))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    _wait_caught_up(replica)

    # when it is exported: the job is recorded on the primary and built by the (eager) task at once
    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        response = api_client.get("/api/v1/applications/export/?type=csv")

    # then its rows came from the replica, the job and its audit entry went to the primary
    assert response.status_code == 202
    job = ExportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.row_count) == (ExportJob.State.DONE, 1)
    assert application.registration_number in job.file.read().decode("utf-8-sig")
    assert _selects_of(on_replica, '"clinic_application"')
    assert not _selects_of(on_primary, '"clinic_application"')
    assert not _writes(on_replica)
    assert any('UPDATE "clinic_exportjob"' in sql for sql in _writes(on_primary))


def test_a_managers_case_list_reads_from_the_primary(replica, center, manager, make_case, api_client):
    make_case(center, received_on=date(2021, 3, 2))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager).key}")

    with CaptureQueriesContext(connections[replica]) as on_replica:
        response = api_client.get("/api/v1/applications/")

    assert response.status_code == 200
    assert on_replica.captured_queries == []


def test_a_page_right_after_a_change_reads_from_the_primary(replica, center, manager, client):
    client.force_login(manager)

    # when the manager requests a report (a change) and opens the federation page at once
    changed = client.post(
        reverse("reports:build"), {"center": center.pk, "period_kind": "month", "year": 2021, "month": 3}
    )
    with CaptureQueriesContext(connections[replica]) as on_replica:
        client.get(reverse("reports:list"))
        export = client.get(reverse("clinic:case_export") + "?type=csv")
        b"".join(export.streaming_content)

    assert changed.status_code == 302
    assert "primary_reads" in client.cookies
    assert export.status_code == 200
    assert on_replica.captured_queries == []


def test_the_same_export_reads_from_the_replica_without_a_change_before(
    replica, center, manager, make_case, client
):
    make_case(center, received_on=date(2021, 3, 2))
    _wait_caught_up(replica)
    client.force_login(manager)

    with CaptureQueriesContext(connections[replica]) as on_replica:
        export = b"".join(client.get(reverse("clinic:case_export") + "?type=csv").streaming_content)

    assert export
    assert _selects_of(on_replica, '"clinic_application"')


def test_writes_inside_the_replica_block_go_to_the_primary(replica, center, make_case):
    application = make_case(center, received_on=date(2021, 3, 2))
    _wait_caught_up(replica)

    with (
        db.reading_from_replica() as alias,
        CaptureQueriesContext(connections[replica]) as on_replica,
    ):
        read = Application.objects.get(pk=application.pk)
        read_on = read._state.db
        read.registration_number = "ALR-2021-99999"
        read.save(update_fields=["registration_number"])
        Application.objects.filter(pk=read.pk).update(decided_on=None)

    assert alias == replica
    assert read_on == replica
    assert read._state.db == DEFAULT_DB_ALIAS  # saved on the primary
    assert [query["sql"] for query in on_replica.captured_queries if "clinic_application" in query["sql"]]
    assert not _writes(on_replica)
    assert (
        Application.objects.using(DEFAULT_DB_ALIAS).get(pk=application.pk).registration_number
        == "ALR-2021-99999"
    )


def test_a_transaction_on_the_primary_keeps_its_reads_there(replica, center, make_case):
    from django.db import transaction

    application = make_case(center, received_on=date(2021, 3, 2))

    with db.reading_from_replica(), transaction.atomic():
        assert db.reading_alias() == DEFAULT_DB_ALIAS
        assert Application.objects.filter(pk=application.pk).exists()
    with db.reading_from_replica():
        assert db.reading_alias() == replica


def test_without_replicas_nothing_changes(center, make_case):
    assert db.replica_aliases() == []
    with db.reading_from_replica() as alias:
        assert alias is None
        assert db.reading_alias() == DEFAULT_DB_ALIAS
        assert db.ReplicaRouter().db_for_read(Application) == DEFAULT_DB_ALIAS
    assert db.ReplicaRouter().db_for_write(Application) == DEFAULT_DB_ALIAS
    assert db.ReplicaRouter().allow_migrate(ALIAS, "clinic") is False
