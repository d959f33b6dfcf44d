#!/usr/bin/env python
"""Benchmark at scale: reports, the applications API and the staff's pages under load, queries per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tulegal_bench \\
        .venv/bin/python benchmarks/run.py --out benchmarks/results [--smoke]

Measures, on the data already in the database (make it with `manage.py generate_dataset`):
- building the monthly and the yearly report of one center and of the federation through
  reports.services.report_build (median of --repeat runs after a warm-up), against the bare SQL floor
  (benchmarks.floor: hand-written SQL computing the same counts, checked equal to the report's);
  and the monthly reports of all 20 centers one after another;
- the applications list (a page of 50, three filters; as a center's manager and as a federation
  analyst) side by side with its floor (benchmarks.urls: a plain Django view doing the same work by
  hand) and the detail endpoint under 1, 8 and 16 concurrent clients on gunicorn (started here on a
  free loopback port, stopped at the end) with wrk, signed in with a token obtained from
  /api/v1/auth/token/; with the CPU time gunicorn and the database's backends spent per request
  (from /proc), which other load on the machine hardly changes;
- search as the staff use it: the desk's person search as you type (a name prefix growing from 3 to 8
  letters, an IIN prefix, a phone fragment) and the case search of the API list (registration number,
  IIN, phone, name); and every staff page (the desk, the case list in each order it offers, a case,
  the dashboard, the federation page), signed in with a session cookie; at --page-clients;
- for each figure over its target, the EXPLAIN ANALYZE plan of its slowest query;
- the number of SQL queries per endpoint (Django test client + CaptureQueriesContext);
- the machine and PostgreSQL's version and settings.
Writes <out>/results.json and <out>/results.md. --smoke: a few seconds on a tiny dataset (generated
if the database has no applications); wrk if it is installed, else a small in-process load.
"""

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
INVOKED_FROM = Path.cwd()
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Celery's Django fix-up puts the working directory first on sys.path: it must be this tree.
os.chdir(ROOT)
# Always the benchmark settings, whatever the caller's environment says (pytest sets its own).
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from benchmarks import load  # noqa: E402
from benchmarks.dataset import dataset_generate  # noqa: E402
from benchmarks.floor import floor_figures, mismatches  # noqa: E402
from benchmarks.urls import FLOOR_PATH  # noqa: E402
from clinic.filters import ApplicationFilter  # noqa: E402
from clinic.forms import CaseFilterForm  # noqa: E402
from clinic.imports import COLUMNS, KIND_COLUMNS  # noqa: E402
from clinic.models import Application, ImportJob, Person, Service, Status  # noqa: E402
from clinic.services.imports import import_run  # noqa: E402
from organizations.identifiers import make_iin  # noqa: E402
from organizations.models import Role, TerritorialCenter, User  # noqa: E402
from organizations.services import staff_create  # noqa: E402
from reports.models import Report  # noqa: E402
from reports.periods import Period, PeriodKind  # noqa: E402
from reports.queries import report_figures  # noqa: E402
from reports.services import report_build  # noqa: E402

BENCH_PASSWORD = "bench-only-password-2026"  # noqa: S105  (benchmark users on a benchmark database)
MANAGER, ANALYST, RECEPTION = "bench-manager", "bench-analyst", "bench-reception"
SMOKE_APPLICATIONS = 300
TARGETS = {
    "federation_month_s": 1.0,
    "federation_year_s": 5.0,
    "report_floor_ratio": 1.5,
    "list_p95_ms": 100.0,
    "list_floor_rps_ratio": 0.8,
    "person_search_p95_ms": 30.0,
    "case_search_p95_ms": 100.0,
    "page_p95_ms": 150.0,
}
SEARCH_SAMPLES = 6  # persons (and cases) whose name, IIN, phone and number are searched for


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def median_seconds(function: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None) -> dict:
    """Run once to warm up, then `repeat` times; the median, min and max in seconds."""
    runs = []
    for attempt in range(repeat + 1):
        if before:
            before()
        started = time.perf_counter()
        function()
        elapsed = time.perf_counter() - started
        if attempt:
            runs.append(elapsed)
    return {
        "median_s": round(statistics.median(runs), 4),
        "min_s": round(min(runs), 4),
        "max_s": round(max(runs), 4),
        "runs": len(runs),
    }


# The machine and the data


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine_info() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if "model name" in line
        ),
        platform.processor() or platform.machine(),
    )
    memory_kb = next(
        (int(line.split()[1]) for line in _read("/proc/meminfo").splitlines() if line.startswith("MemTotal")),
        0,
    )
    settings_names = (
        "shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather", "jit",
        "random_page_cost", "max_connections",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s) ORDER BY name",
            [list(settings_names)],
        )
        pg_settings = dict(cursor.fetchall())
    import gunicorn

    return {
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 2**20, 1),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": server_version,
        "postgresql_settings": pg_settings,
        "wrk": load.wrk_version(),
    }


def dataset_info() -> dict:
    tables = (
        "clinic_application", "clinic_person", "clinic_visit", "clinic_statuschange", "clinic_note",
        "clinic_labordispute", "clinic_preventeddispute",
    )  # fmt: skip
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (constant names)
            counts[table.removeprefix("clinic_")] = cursor.fetchone()[0]
        cursor.execute("SELECT min(received_on), max(received_on) FROM clinic_application")
        first, last = cursor.fetchone()
        cursor.execute(
            "SELECT pg_database_size(current_database()), pg_total_relation_size('clinic_application')"
        )
        database_bytes, applications_bytes = cursor.fetchone()
    return {
        "rows": counts,
        "received_from": first.isoformat() if first else None,
        "received_to": last.isoformat() if last else None,
        "database_mib": round(database_bytes / 2**20, 1),
        "applications_table_mib": round(applications_bytes / 2**20, 1),
    }


def unapplied_migrations() -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


# Users and tokens


def bench_users(center: TerritorialCenter) -> dict[str, User]:
    """A manager and a receptionist of the benchmarked center and a federation analyst, with a known
    password."""
    users = {}
    for username, role, user_center in (
        (MANAGER, Role.MANAGER, center),
        (RECEPTION, Role.RECEPTION, center),
        (ANALYST, Role.ANALYST, None),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = staff_create(username=username, password=BENCH_PASSWORD, role=role, center=user_center)
        elif (
            user.center_id != (user_center.pk if user_center else None)
            or user.role != role
            or not user.check_password(BENCH_PASSWORD)
        ):
            user.center, user.role, user.is_active = user_center, role, True
            user.set_password(BENCH_PASSWORD)
            user.save(update_fields=["center", "role", "is_active", "password"])
        users[username] = user
    return users


def session_cookie(user: User) -> str:
    """A signed-in session of the user, as the `Cookie` header a browser would send."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


# Reports


def _report(center: TerritorialCenter | None, period: Period) -> Report:
    report, _created = Report.objects.get_or_create(
        center=center, period_kind=period.kind, period_start=period.start
    )
    return report


def _requeue(report: Report) -> Callable[[], None]:
    def requeue() -> None:
        # As a new request would (without sending a task): the next build computes again.
        Report.objects.filter(pk=report.pk).update(
            state=Report.State.QUEUED, requested_at=timezone.now(), data_as_of=None, built_at=None
        )

    return requeue


def bench_reports(center: TerritorialCenter, repeat: int, today) -> dict:
    month = Period.last_completed(PeriodKind.MONTH, today)
    year = Period.last_completed(PeriodKind.YEAR, today)
    results = {}
    for scope, scope_center in (("center", center), ("federation", None)):
        for period in (month, year):
            name = f"{scope}_{period.kind}"
            log(f"report {name} ({period})")
            report = _report(scope_center, period)
            center_id = scope_center.pk if scope_center else None
            build = median_seconds(partial(report_build, report_id=report.pk), repeat, _requeue(report))
            report.refresh_from_db()
            as_of = timezone.now()
            floor = median_seconds(
                partial(floor_figures, center_id=center_id, period=period, as_of=as_of), repeat
            )
            problems = mismatches(
                report.figures, floor_figures(center_id=center_id, period=period, as_of=as_of)
            )
            with CaptureQueriesContext(connection) as queries:
                report_figures(center_id=center_id, period=period, as_of=as_of)
            timed: list[dict[str, Any]] = sorted(
                ({"ms": round(float(query["time"]) * 1000, 1), "sql": query["sql"]} for query in queries),
                key=lambda query: -query["ms"],
            )
            ratio = round(build["median_s"] / floor["median_s"], 2) if floor["median_s"] else None
            over = (ratio or 0) > TARGETS["report_floor_ratio"] or (
                name == "federation_month" and build["median_s"] > TARGETS["federation_month_s"]
            )
            results[name] = {
                "scope": scope_center.code if scope_center else "federation",
                "period": str(period),
                "build": build,
                "floor": floor,
                "ratio_to_floor": ratio,
                "state": report.state,
                "floor_matches": not problems,
                "mismatches": problems[:20],
                "queries": len(timed),
                "query_ms_total": round(sum(query["ms"] for query in timed), 1),
                "slowest_queries": [{**query, "sql": query["sql"][:240]} for query in timed[:6]],
                "received": report.figures.get("totals", {}).get("received"),
                "plan": explain(timed[0]["sql"]) if over and timed else None,
            }
    log("monthly reports of every center")
    seconds = []
    for each in TerritorialCenter.objects.order_by("iso_code"):
        report = _report(each, month)
        _requeue(report)()
        started = time.perf_counter()
        report_build(report_id=report.pk)
        seconds.append(time.perf_counter() - started)
    results["every_center_month"] = {
        "period": str(month),
        "centers": len(seconds),
        "total_s": round(sum(seconds), 3),
        "max_s": round(max(seconds), 4) if seconds else None,
    }
    return results


def import_csv(rows: int, today) -> bytes:
    """A register of `rows` cases with Russian headers, as a clinic keeps one: each case with its own
    number; every fifth applicant one who came before (found again by the phone), half with an IIN;
    60% decided (an outcome, a date, an amount), 30% in progress, 10% just registered."""
    columns = KIND_COLUMNS[ImportJob.Kind.APPLICATIONS]
    received = today.replace(day=1).strftime("%d.%m.%Y")
    stamp = int(time.time())
    values = {
        "service": "legal_clinic", "kind": "written_application", "channel": "in_person",
        "topic": "Оплата труда и задолженность по зарплате", "date": received,
    }  # fmt: skip
    decided = {"status": "Рассмотрено", "outcome": "Удовлетворено", "decided_on": received}
    lines = [";".join(COLUMNS[key]["ru"] for key in columns)]
    for number in range(rows):
        applicant = number - 1 if number % 5 == 4 else number  # the fifth: the fourth's applicant again
        row = values | {
            "external_key": f"bench-{stamp}-{number}",
            "full_name": f"Импортов Заявитель {applicant}",
            "phone": f"+7708{(stamp + applicant) % 10_000_000:07d}",
            "summary": "Задолженность по заработной плате за три месяца",
        }
        if applicant % 2 == 0:
            birth = date(1960 + applicant % 40, 1 + applicant % 12, 1 + applicant % 28)
            row["iin"] = make_iin(birth, female=applicant % 4 == 0, serial=(stamp + applicant // 480) % 9000)
        if number % 10 < 6:
            row |= decided | {"recovered_kzt": str(50_000 + number % 7 * 25_000)}
        elif number % 10 < 9:
            row["status"] = "В работе"
        lines.append(";".join(row.get(key, "") for key in columns))
    return ("\ufeff" + "\r\n".join(lines)).encode()


def bench_import(center: TerritorialCenter, manager: User, rows: int, today, *, real: bool = False) -> dict:
    """Rows per second of checking a register (the dry run: every row through the desk's services,
    each chunk rolled back, so the dataset is left as it was) and, `real`, of importing it for real
    after the check (the same task's path, chunk by chunk committed: the rows stay in the database)."""
    from django.core.files.base import ContentFile

    job = ImportJob(center=center, created_by=manager, kind=ImportJob.Kind.APPLICATIONS,
                    token=os.urandom(16).hex(), file_name="bench.csv")  # fmt: skip
    job.file.save(job.token, ContentFile(import_csv(rows, today)), save=True)
    result: dict[str, Any] = {"rows": rows, "chunk": settings.CLINIC_IMPORT_CHUNK}
    try:
        started, cpu = time.perf_counter(), time.process_time()
        job = import_run(job_id=job.pk)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        result |= {
            "created": job.created,
            "refused": job.refused,
            "first_refusals": job.refused_rows[:3],
            "seconds": round(seconds, 2),
            "rows_per_second": round(rows / seconds, 1) if seconds else None,
            "cpu_ms_per_row": round(cpu * 1000 / rows, 2) if rows else None,
        }
        if real:
            cases_before = Application.objects.filter(center=center).count()
            job.dry_run, job.state = False, ImportJob.State.QUEUED
            job.save(update_fields=["dry_run", "state"])
            started, cpu = time.perf_counter(), time.process_time()
            job = import_run(job_id=job.pk)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            result["real"] = {
                "created": job.created,
                "refused": job.refused,
                "first_refusals": job.refused_rows[:3],
                "cases_added": Application.objects.filter(center=center).count() - cases_before,
                "seconds": round(seconds, 2),
                "rows_per_second": round(rows / seconds, 1) if seconds else None,
                "cpu_ms_per_row": round(cpu * 1000 / rows, 2) if rows else None,
            }
    finally:
        job.file.delete(save=False)
        job.delete()
    return result


# Exports: each measured in a child process of its own, so that its memory high-water mark is its own.


def memory_high_water_kib() -> int:
    """This process's resident memory high-water mark. Linux's VmHWM is the process's own; getrusage's
    ru_maxrss keeps the parent's mark across fork and exec, which would hide the export's growth."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def export_child(file_format: str, rows: int, username: str) -> dict:
    """Write the first `rows` of the federation's case list (as the API's `export/` reads it: masked,
    the related names joined) as `file_format` into a temporary file, as a streamed download or a
    background export does; the process's memory high-water mark before and after."""
    import tempfile
    from itertools import islice

    from django.http import QueryDict

    from clinic.exports import EXPORTS, api_list, export_rows, header
    from core.exports import csv_stream, xlsx_file

    user = User.objects.get(username=username)
    export = EXPORTS["cases"]
    queryset = api_list("cases", user, QueryDict(""))
    rss_before = memory_high_water_kib()
    started = time.perf_counter()
    rows_out = islice(export_rows(export, queryset, user=user, filters="", file_format=file_format), rows)
    with tempfile.TemporaryFile() as target:
        if file_format == "csv":
            for chunk in csv_stream(header(export), rows_out):
                target.write(chunk)
        else:
            xlsx_file(header(export), rows_out, target)
        size = target.seek(0, os.SEEK_END)
    seconds = time.perf_counter() - started
    rss_peak = memory_high_water_kib()
    return {
        "rows": rows,
        "format": file_format,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "file_mib": round(size / 2**20, 1),
        "rss_before_mib": round(rss_before / 1024, 1),
        "rss_peak_mib": round(rss_peak / 1024, 1),
        "rss_growth_mib": round((rss_peak - rss_before) / 1024, 1),
    }


def bench_export(counts: list[int], username: str) -> dict:
    """CSV and XLSX exports of 10k, 100k, 1M... rows: time and peak memory, each in a fresh process."""
    available = Application.objects.count()
    results: dict[str, Any] = {"available_rows": available, "runs": []}
    connection.close()
    for rows in counts:
        if rows > available:
            log(f"export: only {available} applications, {rows} rows skipped")
            continue
        for file_format in ("csv", "xlsx"):
            log(f"export of {rows} rows as {file_format}")
            completed = subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--export-child",
                    f"{file_format}:{rows}:{username}",
                ],
                capture_output=True,
                text=True,
                check=True,
                env=os.environ,
            )
            results["runs"].append(json.loads(completed.stdout.strip().splitlines()[-1]))
            log(f"export: {results['runs'][-1]}")
    return results


def explain(sql: str) -> str | None:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured SELECT (its parameters already in the text)."""
    if not sql.lstrip("( ").upper().startswith("SELECT"):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


# Paths the load cycles through


def list_paths(today) -> list[str]:
    """A page of 50 with three filters: status, service and received_after, in 36 combinations."""
    since = [
        today.replace(day=1).isoformat(),
        f"{today.year - 1}-{today.month:02d}-01",
        f"{today.year - 4}-01-01",
    ]
    statuses = [Status.IN_PROGRESS, Status.DECIDED, Status.CLOSED, Status.REGISTERED]
    services = [Service.LEGAL_CLINIC, Service.PUBLIC_RECEPTION, Service.PREVENTION_CENTER]
    return [
        f"/api/v1/applications/?status={status}&service={service}&received_after={day}"
        for day in since
        for status in statuses
        for service in services
    ]


def floor_paths(paths: list[str]) -> list[str]:
    """The same requests to the floor view (benchmarks.urls)."""
    return [path.replace("/api/v1/applications/", f"/{FLOOR_PATH}", 1) for path in paths]


def sample_persons(center: TerritorialCenter, count: int) -> list[Person]:
    """`count` persons of the center with an IIN, a phone and a case, spread over its id range."""
    persons = (
        Person.objects.filter(center=center)
        .exclude(iin="")
        .exclude(phone="")
        .filter(applications__isnull=False)
    )
    ids = persons.order_by("pk").values_list("pk", flat=True)
    first, last = ids.first(), ids.last()
    if first is None or last is None:
        return []
    chosen: dict[int, Person] = {}
    for step in range(count):
        target = first + (last - first) * step // max(count - 1, 1)
        person = persons.filter(pk__gte=target).order_by("pk").first()
        if person is not None:
            chosen[person.pk] = person
    return list(chosen.values())


def _digits(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


def person_search_paths(persons: list[Person]) -> dict[str, list[str]]:
    """The desk's search box as a receptionist types: the surname growing from 3 to 8 letters, the first 6
    digits of an IIN, 7 digits of a phone number."""
    names = []
    for person in persons:
        surname = person.full_name.split()[0] if person.full_name.split() else person.full_name
        names += [surname[:length] for length in range(3, min(len(surname), 8) + 1)]
    return {
        "person_search_name": [f"/reception/persons/?{urlencode({'q': name})}" for name in names],
        "person_search_iin": [f"/reception/persons/?{urlencode({'q': p.iin[:6]})}" for p in persons],
        "person_search_phone": [
            f"/reception/persons/?{urlencode({'q': _digits(p.phone)[-7:]})}" for p in persons
        ],
    }


def case_search_param() -> str:
    """The applications list's search parameter: `search` where the list has it, else `q`."""
    return "search" if "search" in ApplicationFilter.base_filters else "q"


def case_search_paths(persons: list[Person]) -> dict[str, list[str]]:
    """The case list of the API searched by a case's registration number, its applicant's IIN, phone and
    name."""
    param = case_search_param()
    numbers = list(
        Application.objects.filter(person__in=persons)
        .order_by("person_id", "pk")
        .values_list("registration_number", flat=True)[: len(persons) * 2]
    )
    values = {
        "case_search_number": numbers,
        "case_search_iin": [person.iin for person in persons],
        "case_search_phone": [person.phone for person in persons],
        "case_search_name": [person.full_name for person in persons],
    }
    return {
        name: [f"/api/v1/applications/?{urlencode({param: value})}" for value in found]
        for name, found in values.items()
    }


def case_list_orders() -> list[str]:
    """Every order the case list offers (its filter form's choices)."""
    field = CaseFilterForm.base_fields["order"]
    return [str(value) for value, _label in getattr(field, "choices", []) if value]


def page_endpoints(center: TerritorialCenter, case_ids: list[int]) -> dict[str, dict[str, Any]]:
    """Every staff page, as the role that works on it."""
    endpoints: dict[str, dict[str, Any]] = {
        "page_desk": {"paths": ["/reception/"], "user": RECEPTION},
    }
    for order in case_list_orders():
        for suffix, user in (("", MANAGER), ("_federation", ANALYST)):
            endpoints[f"page_cases_{order}{suffix}"] = {
                "paths": [f"/cases/?{urlencode({'order': order})}"],
                "user": user,
            }
    endpoints |= {
        "page_case": {"paths": [f"/cases/{pk}/" for pk in case_ids], "user": MANAGER},
        "page_dashboard": {"paths": ["/dashboard/"], "user": MANAGER},
        "page_federation": {"paths": ["/federation/"], "user": ANALYST},
    }
    for endpoint in endpoints.values():
        endpoint |= {"auth": "session", "target": "page_p95_ms"}
    return endpoints


def detail_paths(center: TerritorialCenter, count: int = 200) -> list[str]:
    """Applications of the center spread over its id range (deterministic)."""
    total = Application.objects.filter(center=center).count()
    step = max(total // count, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM clinic_application "
            "WHERE center_id = %s) t WHERE n %% %s = 0 LIMIT %s",
            [center.pk, step, count],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return [f"/api/v1/applications/{pk}/" for pk in ids]


# Queries per request


def bench_queries(endpoints: dict[str, dict], users: dict[str, User]) -> tuple[dict, dict[str, str]]:
    """Queries and database time of one request per endpoint; and the slowest query's SQL of each."""
    results, slowest = {}, {}
    for name, endpoint in endpoints.items():
        client = Client()
        path = endpoint["paths"][0]
        headers = {}
        if endpoint.get("auth") == "session":
            client.force_login(users[endpoint["user"]])
        elif endpoint.get("token"):
            headers = {"authorization": f"Token {endpoint['token']}"}
        client.get(path, headers=headers)  # warm up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, headers=headers)
        timed = sorted(queries, key=lambda query: -float(query["time"]))
        if timed:
            slowest[name] = timed[0]["sql"]
        results[name] = {
            "path": path,
            "user": endpoint.get("user"),
            "status": response.status_code,
            "queries": len(queries),
            "query_ms": round(sum(float(query["time"]) for query in queries) * 1000, 1),
            "sql": [
                {"ms": round(float(query["time"]) * 1000, 1), "sql": query["sql"][:300]} for query in queries
            ],
        }
    return results, slowest


# The server and the load


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((load.LOOPBACK, 0))
        return sock.getsockname()[1]


def gunicorn_version() -> tuple[int, ...]:
    import gunicorn

    return tuple(gunicorn.version_info)


def start_server(*, workers: int, worker_class: str, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "benchmarks.wsgi:application",
        "--bind", f"{load.LOOPBACK}:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--threads", str(threads),
        "--backlog", "256",
        "--log-level", "warning",
        "--timeout", "60",
        "--graceful-timeout", "3",
    ]  # fmt: skip
    if gunicorn_version() >= (27,):
        command.append("--no-control-socket")  # its default path is shared by every gunicorn of the user
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", "PYTHONPATH": str(ROOT)}
    # A session of its own: stopping it stops every worker with it.
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://{load.LOOPBACK}:{port}/{FLOOR_PATH}", timeout=2):
                return process, port
        except urllib.error.HTTPError:  # 401 without a token: the server answers
            return process, port
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # graceful: at most --graceful-timeout seconds
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def obtain_token(port: int, username: str) -> str:
    """The token, as a client gets it: POST /api/v1/auth/token/ with the username and password."""
    body = json.dumps({"username": username, "password": BENCH_PASSWORD}).encode()
    request = urllib.request.Request(
        f"http://{load.LOOPBACK}:{port}/api/v1/auth/token/",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


# The server's CPU time: what a request costs, whatever else the machine is running


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: str) -> list[str] | None:
    try:
        # The fields after the command name, which is in parentheses and may hold spaces.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def server_cpu(server_pid: int, database: str) -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) used so far by gunicorn (the master and its workers, "app") and by
    the PostgreSQL backends connected to `database` ("db"), by process id. Empty without /proc."""
    processes: dict[int, tuple[str, float]] = {}
    if not Path("/proc/self/stat").exists():
        return processes
    marker = f" {database} ".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(entry.name)
        if fields is None:
            continue
        pid, parent = int(entry.name), int(fields[1])
        if pid == server_pid or parent == server_pid:
            kind = "app"
        else:
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if not (title.startswith(b"postgres:") and marker in title):
                continue
            kind = "db"
        processes[pid] = (kind, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)  # utime + stime
    return processes


def cpu_per_request(before: dict, after: dict, requests: int) -> dict | None:
    """Milliseconds of CPU per request the server ("app") and the database ("db") spent between two
    server_cpu() readings; a process started in between counts from zero."""
    if not after or not requests:
        return None
    spent = {"app": 0.0, "db": 0.0}
    for pid, (kind, seconds) in after.items():
        spent[kind] += seconds - before.get(pid, (kind, 0.0))[1]
    return {kind: round(seconds * 1000 / requests, 2) for kind, seconds in spent.items()}


def bench_http(
    *,
    port: int,
    endpoints: dict[str, dict],
    levels: list[int],
    seconds: float,
    warmup: float,
    tool: str,
    server_pid: int | None = None,
) -> dict:
    run = load.run_wrk if tool == "wrk" else load.run_threads
    database = settings.DATABASES["default"]["NAME"]
    results: dict[str, dict] = {}
    for name, endpoint in endpoints.items():
        headers = endpoint.get("headers", {})
        endpoint_levels = endpoint.get("levels") or levels
        if warmup:
            run(
                port=port,
                paths=endpoint["paths"],
                clients=max(endpoint_levels),
                seconds=warmup,
                headers=headers,
            )
        results[name] = {}
        for clients in endpoint_levels:
            log(f"load {name}: {clients} clients, {endpoint.get('seconds', seconds):g} s ({tool})")
            before = server_cpu(server_pid, database) if server_pid else {}
            result = run(
                port=port,
                paths=endpoint["paths"],
                clients=clients,
                seconds=endpoint.get("seconds", seconds),
                headers=headers,
            )
            after = server_cpu(server_pid, database) if server_pid else {}
            results[name][str(clients)] = {
                **result.as_dict(),
                "cpu_ms_per_request": cpu_per_request(before, after, result.requests),
            }
    for name, by_level in results.items():
        floor = results.get(endpoints[name].get("floor") or "", {})
        for clients, result in by_level.items():
            base = floor.get(clients, {}).get("rps")
            result["rps_vs_floor"] = round(result["rps"] / base, 3) if base else None
    return results


# Targets and output


def evaluate(results: dict, endpoints: dict[str, dict]) -> list[dict]:
    checks = []
    reports, http = results.get("reports", {}), results.get("http", {}).get("results", {})

    def check(name: str, value, limit, met) -> None:
        checks.append(
            {"target": name, "value": value, "limit": limit, "met": bool(met) if value is not None else None}
        )

    month, year = reports.get("federation_month", {}), reports.get("federation_year", {})
    value = month.get("build", {}).get("median_s")
    check("federation monthly report (20 centers, breakdowns) < 1 s", value, TARGETS["federation_month_s"],
          value is not None and value < TARGETS["federation_month_s"])  # fmt: skip
    value = year.get("build", {}).get("median_s")
    check("federation yearly report < 5 s", value, TARGETS["federation_year_s"],
          value is not None and value < TARGETS["federation_year_s"])  # fmt: skip
    for name, report in reports.items():
        if "ratio_to_floor" not in report:
            continue
        value = report["ratio_to_floor"]
        limit = TARGETS["report_floor_ratio"]
        check(f"report {name} <= {limit}x the SQL floor", value, limit,
              value is not None and value <= limit)  # fmt: skip
    for name in ("list", "list_federation"):
        by_level = http.get(name, {})
        if not by_level:
            continue
        top = str(max(int(level) for level in by_level))
        result = by_level[top]
        check(f"{name}: p95 at {top} clients <= 100 ms", result["p95_ms"], TARGETS["list_p95_ms"],
              result["p95_ms"] <= TARGETS["list_p95_ms"])  # fmt: skip
        for clients, result in by_level.items():
            ratio, share = result["rps_vs_floor"], TARGETS["list_floor_rps_ratio"]
            check(f"{name}: req/s at {clients} clients >= {share:.0%} of the floor's", ratio, share,
                  ratio is not None and ratio >= share)  # fmt: skip
    for name, endpoint in endpoints.items():
        target, by_level = endpoint.get("target"), http.get(name, {})
        if not target or not by_level:
            continue
        top = str(max(int(level) for level in by_level))
        limit, result = TARGETS[target], by_level[top]
        label = f"{name}: p95 at {top} clients <= {limit:g} ms"
        if not result["requests"]:  # not one answer within the run: far over
            checks.append({"target": label, "value": None, "limit": limit, "met": False})
            continue
        check(label, result["p95_ms"], limit, result["p95_ms"] <= limit)
    return checks


def markdown(results: dict) -> str:
    machine, data, meta = results["machine"], results["dataset"], results["meta"]
    lines = [
        f"# Benchmark results{' (smoke)' if meta['smoke'] else ''}",
        "",
        f"{meta['finished_at']}, {meta['seconds']:.0f} s. Machine: {machine['cpu_model']}, "
        f"{machine['cores']} cores, "
        f"{machine['memory_gib']} GiB; PostgreSQL {machine['postgresql']} "
        f"({', '.join(f'{k}={v}' for k, v in machine['postgresql_settings'].items())}); "
        "load average at start "
        f"{machine['load_average']}, at end {meta['load_average_end']}.",
        "",
        f"Dataset: {data['rows']['application']:,} applications received {data['received_from']} to "
        f"{data['received_to']}, {data['rows']['person']:,} persons, {data['rows']['visit']:,} visits, "
        f"{data['rows']['statuschange']:,} status changes, {data['rows']['note']:,} notes, "
        f"{data['rows']['labordispute']:,} disputes, {data['rows']['preventeddispute']:,} prevented; "
        f"database {data['database_mib']:,} MiB.",
        "",
    ]
    imported = results.get("imports")
    if imported:
        lines += [
            f"Import check of a register: {imported['rows']:,} cases in chunks of {imported['chunk']}, "
            f"{imported['seconds']} s, {imported['rows_per_second']} rows/s "
            f"({imported['created']} would be created, {imported['refused']} refused).",
            "",
        ]
        if imported.get("real"):
            real = imported["real"]
            lines += [
                f"Import of the same register for real after the check: {real['seconds']} s, "
                f"{real['rows_per_second']} rows/s ({real['created']} created, {real['refused']} refused, "
                f"{real['cases_added']:,} cases added).",
                "",
            ]
    exported = results.get("exports")
    if exported:
        lines += [
            "Exports of the federation's case list (each in a process of its own; memory: the "
            "process's high-water mark before the export and after it):",
            "",
            "| rows | format | seconds | rows/s | file MiB | RSS before MiB | RSS peak MiB | growth MiB |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {run['rows']:,} | {run['format']} | {run['seconds']} | {run['rows_per_second']:,} | "
            f"{run['file_mib']} | {run['rss_before_mib']} | {run['rss_peak_mib']} | {run['rss_growth_mib']} |"
            for run in exported["runs"]
        ]
        lines.append("")
    reports = results.get("reports")
    if reports:
        lines += [
            f"## Reports (median of {meta['repeat']} after a warm-up, seconds)",
            "",
            "| report | period | report_build | SQL floor | ratio | queries | slowest query, ms "
            "| floor = report |",
            "|---|---|---:|---:|---:|---:|---:|---|",
        ]
        for name, report in reports.items():
            if name == "every_center_month":
                continue
            slowest = report["slowest_queries"][0]["ms"] if report["slowest_queries"] else 0
            lines.append(
                f"| {name} ({report['scope']}) | {report['period']} | {report['build']['median_s']:.3f} | "
                f"{report['floor']['median_s']:.3f} | {report['ratio_to_floor']}× | {report['queries']} | "
                f"{slowest} | "
                f"{'yes' if report['floor_matches'] else 'NO'} |"
            )
        every = reports["every_center_month"]
        lines += [
            "",
            f"Monthly reports of all {every['centers']} centers ({every['period']}), "
            "built one after another: "
            f"{every['total_s']:.3f} s in all, the slowest {every['max_s']:.3f} s.",
            "",
        ]
    http = results.get("http")
    if http:
        server = http["server"]
        lines += [
            f"## API under load ({server['tool']}, {server['seconds']:g} s per level; "
            f"gunicorn {server['workers']} "
            f"{server['worker_class']} workers × {server['threads']} threads)",
            "",
            "| endpoint | user | clients | req/s | p50 ms | p95 ms | p99 ms | target p95 ms | vs floor req/s "
            "| CPU ms/request (server + database) | errors |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name, by_level in http["results"].items():
            target = http["targets"].get(name)
            for clients, result in by_level.items():
                cpu = result.get("cpu_ms_per_request")
                cpu_text = "" if cpu is None else f"{cpu['app']:.2f} + {cpu['db']:.2f}"
                lines.append(
                    f"| {name} | {http['users'].get(name) or ''} | {clients} | {result['rps']:,.1f} | "
                    f"{result['p50_ms']:.1f} | {result['p95_ms']:.1f} | {result['p99_ms']:.1f} | "
                    f"{'' if target is None else f'{target:g}'} | "
                    f"{'' if result['rps_vs_floor'] is None else result['rps_vs_floor']} | "
                    f"{cpu_text} | "
                    f"{result['errors'] or ''} |"
                )
        lines += [
            "",
            "CPU ms/request: the CPU time gunicorn and the PostgreSQL backends of the benchmarked database "
            "spent per request (from /proc), a figure other load on the machine hardly changes; "
            "the cores divided by their sum bound the requests per second. vs floor: the requests per "
            "second against the floor view's (the same list by hand, benchmarks/urls.py) at the same "
            "concurrency. Paths cycled through: see `paths` in results.json.",
            "",
        ]
    queries = results.get("queries")
    if queries:
        lines += [
            "## Queries per request",
            "",
            "| endpoint | user | status | queries | DB ms | path |",
            "|---|---|---:|---:|---:|---|",
        ]
        for name, result in queries.items():
            lines.append(
                f"| {name} | {result.get('user') or ''} | {result['status']} | {result['queries']} | "
                f"{result['query_ms']} | `{result['path']}` |"
            )
        lines.append("")
    if results.get("targets"):
        lines += ["## Targets", "", "| target | value | limit | met |", "|---|---:|---:|---|"]
        for check in results["targets"]:
            met = {True: "yes", False: "**no**", None: "n/a"}[check["met"]]
            lines.append(f"| {check['target']} | {check['value']} | {check['limit']} | {met} |")
        lines.append("")
    plans = {name: report["plan"] for name, report in (reports or {}).items() if report.get("plan")}
    plans |= results.get("plans", {})
    if plans:
        lines += ["## Plans of the figures over their target (EXPLAIN ANALYZE of the slowest query)", ""]
        for name, plan in plans.items():
            lines += [f"### {name}", "", "```", plan, "```", ""]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="output directory")
    parser.add_argument("--smoke", action="store_true", help="a few seconds on tiny data, no wrk needed")
    parser.add_argument("--center", help="code of the center to benchmark (default: the one with most cases)")
    parser.add_argument("--repeat", type=int, help="report builds measured per report (default 5, smoke 1)")
    parser.add_argument("--seconds", type=float, help="load per level and endpoint (default 15, smoke 0.5)")
    parser.add_argument("--clients", help="comma-separated load levels (default 1,8,16; smoke 1,4)")
    parser.add_argument("--page-clients", help="load levels of the searches and pages (default 1,4; smoke 1)")
    parser.add_argument("--page-seconds", type=float, help="load per level of a search or page (default 10)")
    parser.add_argument("--skip-pages", action="store_true", help="the API list and detail only")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 3, smoke 2)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto",
                        help="wrk (required without --smoke), python (threads), auto")  # fmt: skip
    parser.add_argument("--skip-http", action="store_true", help="reports and query counts only")
    parser.add_argument("--skip-reports", action="store_true", help="the API only")
    parser.add_argument(
        "--import-rows",
        type=int,
        help="rows of the register import's check (default 2,000; smoke 200; 0 skips)",
    )
    parser.add_argument(
        "--import-real",
        action="store_true",
        help="import the checked register for real too (its cases stay in the database)",
    )
    parser.add_argument(
        "--export-rows",
        help="comma-separated row counts of the case list's CSV and XLSX exports, e.g. 10000,100000,1000000 "
        "(default none; smoke 100)",
    )
    parser.add_argument("--export-child", help=argparse.SUPPRESS)  # format:rows:username, one measurement
    args = parser.parse_args(argv)
    args.out = INVOKED_FROM / args.out  # an absolute --out stays as it is
    args.repeat = args.repeat or (1 if args.smoke else 5)
    args.seconds = args.seconds or (0.5 if args.smoke else 15.0)
    args.levels = [int(level) for level in (args.clients or ("1,4" if args.smoke else "1,8,16")).split(",")]
    args.page_levels = [
        int(level) for level in (args.page_clients or ("1" if args.smoke else "1,4")).split(",")
    ]
    args.page_seconds = args.page_seconds or (0.5 if args.smoke else 10.0)
    args.workers = args.workers or (2 if args.smoke else 3)
    if args.import_rows is None:
        args.import_rows = 200 if args.smoke else 2000
    args.export_counts = [
        int(count) for count in (args.export_rows or ("100" if args.smoke else "")).split(",") if count
    ]
    if args.tool == "auto":
        args.tool = "wrk" if load.wrk_available() or not args.smoke else "python"
    if args.tool == "wrk" and not load.wrk_available():
        parser.error(load.WRK_INSTALL)
    if args.tool == "python" and not args.smoke:
        log("warning: the in-process load is for smoke runs; its figures understate the server")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.export_child:
        file_format, rows, username = args.export_child.split(":", 2)
        print(json.dumps(export_child(file_format, int(rows), username)))
        return 0
    if connection.vendor != "postgresql":
        log(f"The benchmark needs PostgreSQL, not {connection.vendor}: set DATABASE_URL.")
        return 2
    if pending := unapplied_migrations():
        log(f"The database lacks {len(pending)} migrations ({pending[0]}...): run `manage.py migrate` first.")
        return 2
    started, today = time.monotonic(), timezone.localdate()
    if args.smoke and not Application.objects.exists():
        log(f"smoke: generating {SMOKE_APPLICATIONS} applications")
        dataset_generate(applications=SMOKE_APPLICATIONS, seed=42, years=2)
    if not Application.objects.exists():
        log("No applications: run `manage.py generate_dataset` first.")
        return 2
    centers = TerritorialCenter.objects.all()
    center = (
        centers.get(code=args.center)
        if args.center
        else max(centers, key=lambda each: Application.objects.filter(center=each).count())
    )
    results: dict[str, Any] = {
        "meta": {
            "smoke": args.smoke,
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "repeat": args.repeat,
            "center": center.code,
            "today": today.isoformat(),
            "database": connection.settings_dict["NAME"],
        },
        "machine": machine_info(),
        "dataset": dataset_info(),
    }
    users = bench_users(center)
    tokens = {username: Token.objects.get_or_create(user=user)[0].key for username, user in users.items()}
    if not args.skip_reports:
        results["reports"] = bench_reports(center, args.repeat, today)
    if args.import_rows:
        log(f"import check of {args.import_rows} rows")
        results["imports"] = bench_import(
            center, users[MANAGER], args.import_rows, today, real=args.import_real
        )
        log(f"import: {results['imports']}")
    if args.export_counts:
        results["exports"] = bench_export(args.export_counts, ANALYST)
    details = detail_paths(center)
    endpoints: dict[str, dict[str, Any]] = {
        "list": {"paths": list_paths(today), "user": MANAGER, "floor": "floor"},
        "floor": {"paths": floor_paths(list_paths(today)), "user": MANAGER},
        "list_federation": {"paths": list_paths(today), "user": ANALYST, "floor": "floor_federation"},
        "floor_federation": {"paths": floor_paths(list_paths(today)), "user": ANALYST},
        "detail": {"paths": details, "user": MANAGER},
    }
    if not args.skip_pages:
        persons = sample_persons(center, SEARCH_SAMPLES)
        for name, paths in person_search_paths(persons).items():
            endpoints[name] = {
                "paths": paths,
                "user": RECEPTION,
                "auth": "session",
                "target": "person_search_p95_ms",
            }
        for name, paths in case_search_paths(persons).items():
            endpoints[name] = {"paths": paths, "user": MANAGER, "target": "case_search_p95_ms"}
        case_ids = [int(path.rstrip("/").rsplit("/", 1)[1]) for path in details[:50]]
        endpoints |= page_endpoints(center, case_ids)
        for endpoint in endpoints.values():
            if endpoint.get("target"):
                endpoint["levels"] = args.page_levels
                endpoint["seconds"] = args.page_seconds
    for endpoint in endpoints.values():
        endpoint["token"] = tokens.get(endpoint["user"])
    log("queries per request")
    results["queries"], slowest_sql = bench_queries(endpoints, users)
    if not args.skip_http:
        connection.close()  # the server's workers get the database to themselves
        process, port = start_server(
            workers=args.workers, worker_class=args.worker_class, threads=args.threads
        )
        try:
            http_tokens = {username: obtain_token(port, username) for username in users}
            cookies = {username: session_cookie(user) for username, user in users.items()}
            for endpoint in endpoints.values():
                if endpoint.get("auth") == "session":
                    endpoint["headers"] = {"Cookie": cookies[endpoint["user"]]}
                else:
                    endpoint["headers"] = {"Authorization": f"Token {http_tokens[endpoint['user']]}"}
            results["http"] = {
                "server": {
                    "port": port,
                    "workers": args.workers,
                    "worker_class": args.worker_class,
                    "threads": args.threads,
                    "tool": args.tool,
                    "seconds": args.seconds,
                    "levels": args.levels,
                },
                "paths": {name: endpoint["paths"][:12] for name, endpoint in endpoints.items()},
                "users": {name: endpoint["user"] for name, endpoint in endpoints.items()},
                "targets": {
                    name: TARGETS[endpoint["target"]]
                    for name, endpoint in endpoints.items()
                    if endpoint.get("target")
                },
                "results": bench_http(
                    port=port,
                    endpoints=endpoints,
                    levels=args.levels,
                    seconds=args.seconds,
                    warmup=0 if args.smoke else 3,
                    tool=args.tool,
                    server_pid=process.pid,
                ),
            }
        finally:
            stop_server(process)
    results["targets"] = evaluate(results, endpoints)
    over = {check["target"].split(":", 1)[0] for check in results["targets"] if check["met"] is False}
    results["plans"] = {
        name: plan for name in sorted(over & set(slowest_sql)) if (plan := explain(slowest_sql[name]))
    }
    results["meta"]["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["meta"]["seconds"] = round(time.monotonic() - started, 1)
    results["meta"]["load_average_end"] = [round(value, 2) for value in os.getloadavg()]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (args.out / "results.md").write_text(markdown(results))
    log(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
