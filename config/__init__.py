import os

# One place decides the settings module: DJANGO_SETTINGS_MODULE if set, else DJANGO_ENV (default local).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{os.environ.get('DJANGO_ENV', 'local')}")

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
