"""The benchmark keeps working: benchmarks/run.py --smoke on a tiny dataset in the test database."""

import json
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from benchmarks import load
from tests.test_processes import database_url

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent
REPORTS = ("center_month", "center_year", "federation_month", "federation_year")
API = ("list", "floor", "list_federation", "floor_federation", "detail")
SEARCHES = (
    "person_search_name", "person_search_iin", "person_search_phone",
    "case_search_number", "case_search_iin", "case_search_phone", "case_search_name",
)  # fmt: skip
PAGES = ("page_desk", "page_cases_received", "page_cases_received_federation", "page_cases_due",
         "page_cases_due_federation", "page_case", "page_dashboard", "page_federation")  # fmt: skip
ENDPOINTS = (*API, *SEARCHES, *PAGES)


def run_smoke(out: Path, *extra: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url()}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the script chooses benchmarks.settings itself
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--out", str(out), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads((out / "results.json").read_text())


@pytest.mark.django_db(transaction=True)
def test_the_smoke_run_measures_reports_queries_the_api_searches_and_pages_under_load(tmp_path):
    results = run_smoke(tmp_path, "--import-real")

    assert {"meta", "machine", "dataset", "reports", "queries", "http", "targets"} <= set(results)
    assert results["meta"]["smoke"] is True
    assert results["meta"]["database"] == settings.DATABASES["default"]["NAME"]
    assert {"cpu_model", "cores", "memory_gib", "postgresql", "postgresql_settings"} <= set(
        results["machine"]
    )
    assert results["dataset"]["rows"]["application"] > 0
    for name in REPORTS:
        report = results["reports"][name]
        assert report["state"] == "done"
        assert {"median_s", "min_s", "max_s"} <= set(report["build"])
        assert report["floor"]["median_s"] > 0
        assert report["ratio_to_floor"] > 0
        # The hand-written SQL and the report's queries count the same things.
        assert report["floor_matches"], report["mismatches"]
    assert results["reports"]["every_center_month"]["centers"] == 20
    # The register import's check: every row through the desk's services, nothing refused.
    assert results["imports"]["created"] == 200, results["imports"]["first_refusals"]
    assert results["imports"]["rows_per_second"] > 0
    # The same register imported for real after its check: the task's path, committed chunk by chunk.
    real = results["imports"]["real"]
    assert (real["created"], real["refused"], real["cases_added"]) == (200, 0, 200), real["first_refusals"]
    # The case list exported as CSV and XLSX, each measured in a process of its own.
    runs = {run["format"]: run for run in results["exports"]["runs"]}
    assert set(runs) == {"csv", "xlsx"}
    assert all(run["rows"] == 100 and run["seconds"] > 0 and run["rss_peak_mib"] > 0 for run in runs.values())
    assert set(results["queries"]) == set(ENDPOINTS)
    # Every page answers signed in (a redirect to the sign-in page would be a 302).
    assert {name: endpoint["status"] for name, endpoint in results["queries"].items()} == dict.fromkeys(
        ENDPOINTS, 200
    )
    assert 0 < results["queries"]["detail"]["queries"] <= 4
    # The floor does the list's work: the token, the count and the page.
    assert results["queries"]["floor"]["queries"] == 3
    http = results["http"]["results"]
    assert set(http) == set(ENDPOINTS)
    for name in ENDPOINTS:
        for level in ("1", "4") if name in API else ("1",):
            result = http[name][level]
            assert result["tool"] == ("wrk" if load.wrk_available() else "python-threads")
            assert result["requests"] > 0, (name, level, result)
            assert not result["errors"], (name, level, result)
            assert result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]
            assert result["rps"] > 0
            if name.startswith("list"):
                assert result["rps_vs_floor"] is not None
    targets = {check["target"].split(":")[0] for check in results["targets"]}
    assert {"list", "list_federation", *SEARCHES, *PAGES} <= targets
    markdown = (tmp_path / "results.md").read_text()
    for section in ("## Reports", "## API under load", "## Queries per request", "## Targets"):
        assert section in markdown


@contextmanager
def loopback_server():
    """A tiny JSON server on a free loopback port, in a thread, for the load drivers."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 (the http.server API)
            body = b'{"ok": true}' if self.path != "/missing" else b"{}"
            self.send_response(200 if self.path != "/missing" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((load.LOOPBACK, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_the_in_process_load_reports_rates_percentiles_and_errors():
    with loopback_server() as port:
        result = load.run_threads(port=port, paths=["/a", "/missing"], clients=2, seconds=0.3, headers={})

    assert result.tool == "python-threads"
    assert result.requests > 10
    assert result.rps > 0
    assert 0 < result.p50_ms <= result.p95_ms <= result.p99_ms <= result.max_ms
    assert 0 < result.errors["status"] < result.requests  # the 404s, half of the paths


def test_wrk_reports_rates_percentiles_and_errors():
    assert load.wrk_available(), "wrk is missing: apt-get install -y wrk (bin/test does it as root)"
    with loopback_server() as port:
        result = load.run_wrk(port=port, paths=["/a", "/missing"], clients=2, seconds=1, headers={"X-A": "b"})

    assert result.tool == "wrk"
    assert result.requests > 10
    assert 0 < result.p50_ms <= result.p95_ms <= result.p99_ms <= result.max_ms
    assert 0 < result.errors["status"] < result.requests


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 101)]

    assert load.percentile(values, 0.50) == 50.0
    assert load.percentile(values, 0.95) == 95.0
    assert load.percentile(values, 0.99) == 99.0
    assert load.percentile([], 0.5) == 0.0
