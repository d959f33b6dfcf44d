"""Test settings: PostgreSQL and Redis on localhost unless DATABASE_URL / REDIS_URL say otherwise."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tulegal")

from .base import *  # noqa: E402, F403
from .base import BASE_DIR, INSTALLED_APPS, STORAGES, env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "core.sms.MemorySmsBackend"  # the tests' gateway; tests/core/test_sms.py runs a real HTTP one
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")
# Unit tests run tasks in-process; the integration tests start a real worker on Redis.
TEST_REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_TASK_ALWAYS_EAGER = True
# Tests see their own writes at once; the tests of the cache turn it on.
REPORTS_LIVE_FIGURES_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The probes read the migrations afresh on every request.
HEALTH_MIGRATIONS_CACHE_SECONDS = 0
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # manage.py generate_dataset
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not DATABASE_POOLER:  # noqa: F405
    # A test database is thrown away: its commits (the migrations building it, the transactional
    # tests) need not wait for the disk.
    options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
# Tests sign staff in with client.force_login: the second factor is asked only by the tests about it
# (tests/organizations/test_two_factor.py turns it on with the `two_factor_on` fixture).
TWO_FACTOR_REQUIRED_ROLES = []
TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = False
