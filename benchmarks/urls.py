"""The project's URLs plus the benchmark's floor: a plain Django view doing the applications list's work
by hand, the fastest the server can answer that request, to measure the API list against."""

from datetime import date, datetime

from django.db.models import F, Value
from django.db.models.functions import Concat, Trim
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from rest_framework.authtoken.models import Token

from clinic.models import OPEN_STATUSES, Application, Status
from clinic.personal_data import shown
from config.urls import handler404  # noqa: F401  (the project's JSON 404 under /api/)
from config.urls import urlpatterns as project_urlpatterns
from core.api.common import COUNT_LIMIT

FLOOR_PATH = "bench/floor/applications/"
PAGE_SIZE = 50
STATUSES = frozenset(Status.values)
OPEN = frozenset(OPEN_STATUSES)
# The list's fields, in its order, as `.values()` names them.
COLUMNS = (
    "id", "registration_number", "center_id", "office_id", "person_id", "person__full_name", "person__iin",
    "person__phone", "person__center_id", "visit_id", "employer_id", "employer__name", "employer__bin",
    "service_id", "kind_id", "topic_id", "channel_id", "summary", "received_on", "due_on", "lawyer_id",
    "lawyer__username", "lawyer_full_name", "lawyer__role", "status", "outcome_id", "decided_on", "decision",
    "public_answer", "recovered_kzt", "registered_by_id", "version", "created_at", "updated_at",
)  # fmt: skip


def _unauthorized(detail: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=401)
    response["WWW-Authenticate"] = "Token"
    return response


def _datetime(value: datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat().replace("+00:00", "Z")


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _row(row: dict, user, today: date) -> dict:
    person_center = row["person__center_id"]
    return {
        "id": row["id"],
        "registration_number": row["registration_number"],
        "center": row["center_id"],
        "office": row["office_id"],
        "person": {
            "id": row["person_id"],
            "full_name": row["person__full_name"],
            "iin": shown(user, person_center, "iin", row["person__iin"]),
            "phone": shown(user, person_center, "phone", row["person__phone"]),
        },
        "visit": row["visit_id"],
        "employer": None
        if row["employer_id"] is None
        else {"id": row["employer_id"], "name": row["employer__name"], "bin": row["employer__bin"]},
        "service": row["service_id"],
        "kind": row["kind_id"],
        "topic": row["topic_id"],
        "channel": row["channel_id"],
        "summary": row["summary"],
        "received_on": _day(row["received_on"]),
        "due_on": _day(row["due_on"]),
        "is_overdue": row["status"] in OPEN and row["due_on"] < today,
        "lawyer": None
        if row["lawyer_id"] is None
        else {
            "id": row["lawyer_id"],
            "username": row["lawyer__username"],
            "full_name": row["lawyer_full_name"],
            "role": row["lawyer__role"],
        },
        "status": row["status"],
        "outcome": row["outcome_id"],
        "decided_on": _day(row["decided_on"]),
        "decision": row["decision"],
        "public_answer": row["public_answer"],
        "recovered_kzt": str(row["recovered_kzt"]),
        "registered_by": row["registered_by_id"],
        "version": row["version"],
        "created_at": _datetime(row["created_at"]),
        "updated_at": _datetime(row["updated_at"]),
    }


def floor_applications(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/applications/ by hand: the token looked up as DRF's TokenAuthentication does, the
    list's filters (status, service, received_after), order and bounded count, a page of 50 read with
    `.values()`, the same JSON fields and the same masking of personal data. No DRF, no serializer."""
    keyword, _space, key = request.headers.get("Authorization", "").partition(" ")
    if keyword != "Token" or not key:
        return _unauthorized("Authentication credentials were not provided.")
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return _unauthorized("Invalid token.")
    user = token.user
    cases = Application.objects.visible_to(user)
    statuses = [value for value in request.GET.getlist("status") if value in STATUSES]
    if statuses:
        cases = cases.filter(status__in=statuses)
    if service := request.GET.get("service"):
        cases = cases.filter(service_id=service)
    if received_after := request.GET.get("received_after"):
        try:
            cases = cases.filter(received_on__gte=date.fromisoformat(received_after))
        except ValueError:
            return JsonResponse({"received_after": ["Enter a valid date."]}, status=400)
    cases = cases.order_by("-received_on", "-sequence")
    rows = cases.annotate(
        lawyer_full_name=Trim(Concat(F("lawyer__first_name"), Value(" "), F("lawyer__last_name")))
    ).values(*COLUMNS)
    count = min(cases.order_by().values("pk")[: COUNT_LIMIT + 1].count(), COUNT_LIMIT + 1)
    page = request.GET.get("page") or "1"
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    start = (number - 1) * PAGE_SIZE
    today = timezone.localdate()
    results = [_row(row, user, today) for row in rows[start : start + PAGE_SIZE]]
    shown_count = min(count, COUNT_LIMIT)
    return JsonResponse(
        {
            "count": shown_count,
            "count_capped": count > COUNT_LIMIT,
            "next": _page_link(request, number + 1) if start + PAGE_SIZE < shown_count else None,
            "previous": _page_link(request, number - 1) if number > 1 else None,
            "results": results,
        }
    )


def _page_link(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = str(number)
    return request.build_absolute_uri(f"?{query.urlencode()}")


urlpatterns = [path(FLOOR_PATH, floor_applications, name="bench-floor"), *project_urlpatterns]
