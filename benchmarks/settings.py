"""Benchmark-only settings: the production settings (DEBUG off, the same middleware, persistent database
connections) over plain HTTP on loopback, with one extra URL (benchmarks.urls: the
floor view of the applications list).

Never used by the application itself; `benchmarks/run.py` and the gunicorn it starts select it.
"""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "benchmark-only-key-never-used-for-real-data-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tulegal_bench")
# The load tool speaks plain HTTP to 127.0.0.1: no redirect to HTTPS.
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")

from config.settings.production import *  # noqa: E402, F403
from config.settings.production import INSTALLED_APPS, STORAGES  # noqa: E402

ROOT_URLCONF = "benchmarks.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # manage.py generate_dataset
# The benchmark's users sign in once each: a fast hash first (the defaults still check other users).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# No collectstatic manifest is needed to serve JSON.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# whitenoise warns once per worker when collectstatic has not run: no static files are benchmarked.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# The benchmark measures pages and the API behind a signed-in session or a token, not the sign-in: its
# staff sign in with a password only (the second factor is measured by nothing here).
TWO_FACTOR_REQUIRED_ROLES = []
TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = False
