"""The project installs as a package (`pip install -e .`, or a wheel): setuptools finds exactly the apps
and the settings, not the tests or the benchmarks. Built offline, from the locked setuptools."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "var", "build", "*.egg-info", "__pycache__", "node_modules", "db.sqlite3", "results"
)


def test_the_project_builds_as_a_wheel_of_the_apps_and_the_settings(tmp_path):
    # given: a copy of the sources (the build writes its own files next to them)
    sources = tmp_path / "src"
    shutil.copytree(ROOT, sources, ignore=NOT_SOURCES)

    # when
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["--wheel-dir", str(tmp_path / "dist"), str(sources)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    # then
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = (tmp_path / "dist").glob("tulegal-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names if not name.startswith("tulegal-")} == {
        "core",
        "organizations",
        "clinic",
        "reports",
        "seeds",
        "config",
    }
    assert "clinic/templates/clinic/case_detail.html" in names
    assert "organizations/migrations/0001_initial.py" in names
    assert "config/settings/production.py" in names
    assert "seeds/reference/centers.json" in names
