"""The README's demo command, run as a user runs it: it migrates a fresh SQLite database, loads the
demo data and serves a login page."""

import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        return response.status, response.read().decode()


def test_demo_command_serves_a_login_page(tmp_path):
    # given a fresh database and a free port
    port = _free_port()
    env = {
        **{
            key: value
            for key, value in os.environ.items()
            if key not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")
        },
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEMO_ADDRESS": f"127.0.0.1:{port}",
    }
    log = (tmp_path / "demo.log").open("w+")
    # when the demo command runs
    process = subprocess.Popen(
        [str(ROOT / "bin" / "demo")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 480  # generous: CI machines may be loaded
        page = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                page = _get(f"http://127.0.0.1:{port}/")
                break
            except urllib.error.HTTPError as error:  # the server answered, with an error
                page = (error.code, "")
                break
            except OSError:  # not listening yet
                time.sleep(1)
        log.seek(0)
        output = log.read()
        # then the root address leads to a login form, and the demo users were announced
        assert page is not None, output
        status, html = page
        assert status == 200
        assert 'name="username"' in html
        assert 'name="password"' in html
        assert "demo-clinic-2021" in output
        assert "reception" in output
        # and the federation's annual statistical reports of the demo years are built
        with closing(sqlite3.connect(tmp_path / "demo.sqlite3")) as database:
            built = database.execute(
                "SELECT year, state FROM reports_statisticalreport ORDER BY year"
            ).fetchall()
        assert built == [(2020, "done"), (2021, "done")], output
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        log.close()
