"""Developer and demo settings: debug on, SQLite and in-process Celery unless configured."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

DEBUG = env.bool("DEBUG", default=True)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # manage.py generate_dataset
