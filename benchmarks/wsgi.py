"""WSGI entry point of the benchmark server: the project's application on benchmarks.settings."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

from config.wsgi import application  # noqa: E402

__all__ = ("application",)
