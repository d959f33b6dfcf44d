"""The project's URLs plus a bare Django view: the ceiling of what the server can answer."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import handler404  # noqa: F401  (the project's JSON 404 under /api/)
from config.urls import urlpatterns as project_urlpatterns

BARE_PATH = "bench/bare/"


def bare(request: HttpRequest) -> JsonResponse:
    """JSON without the database, authentication or DRF: the same middleware as every other view."""
    return JsonResponse({"status": "ok", "items": [{"id": n} for n in range(3)]})


urlpatterns = [path(BARE_PATH, bare, name="bench-bare"), *project_urlpatterns]
