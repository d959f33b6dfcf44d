"""ASGI entry point."""

from django.core.asgi import get_asgi_application

import config  # noqa: F401  (chooses the settings module)

application = get_asgi_application()
