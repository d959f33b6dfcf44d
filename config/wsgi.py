"""WSGI entry point (gunicorn config.wsgi)."""

from django.core.wsgi import get_wsgi_application

import config  # noqa: F401  (chooses the settings module)

application = get_wsgi_application()
