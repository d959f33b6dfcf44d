"""Loaded by a test worker (`celery worker --include tests.security.slow_tasks`): makes the first report
build of the run slow, so that a test can kill the worker's child process in the middle of it.

The patch is applied at import, in the worker's parent process, before it forks its pool: every child
inherits it. Nothing in the project changes; a worker started without --include is untouched.
"""

import os
import time
from pathlib import Path

from reports import services

_report_figures = services.report_figures


def _slow_first_build(**kwargs):
    marker = Path(os.environ["SLOW_BUILD_MARKER"])
    if not marker.exists():
        marker.write_text(str(os.getpid()))  # the test reads the child's pid here, then kills it
        time.sleep(120)
    return _report_figures(**kwargs)


if os.environ.get("SLOW_BUILD_MARKER"):
    services.report_figures = _slow_first_build
