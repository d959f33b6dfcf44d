"""No 5xx, on any input or page: every URL the resolver knows, for each role, asked plainly and with
hostile input (NUL characters, megabyte strings, integers outside bigint, `²`, years 1 and 9999,
malformed and deeply nested JSON, wrong content types), answers below 500; and a request refused with
a 4xx leaves no row behind.

The addresses come from django.urls.get_resolver(), their parameters filled with the ids of one small
dataset (a case with its note, document and dispute, a question sent online, a report, a statistical
return...) and with hostile ids. The names sent with a POST or a query are the fields the page itself
shows (its form), the filters of an API list and a list of common ones. Each hostile number goes to a
different field for each role, so that over the roles every field gets every number."""

import json
import re
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from clinic import services
from clinic.models import ApplicationKind, Service, Topic
from organizations.models import Role
from reports.services import report_request
from reports.statistics import services as statistics_services
from reports.statistics.models import StatisticalReport
from tests.factories import (
    CenterFactory,
    EmployerFactory,
    OfficeFactory,
    PrimaryOrganizationFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
MEGABYTE = "x" * 2**20
LONG = "x" * 1000
NUMBERS = (str(2**63), "-1", "²", "0001-01-01", "9999-12-31", "1" * 30, "1e400", "NaN")
HOSTILE_IDS = (str(2**63), "²")
# Names that views read by hand, whether or not a page shows a field for them.
COMMON_NAMES = (
    "q",
    "page",
    "p",
    "o",
    "id",
    "pk",
    "person",
    "center",
    "office",
    "employer",
    "lawyer",
    "year",
    "day",
    "period_kind",
    "next",
    "scope",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "_changelist_filters",
    "format",
)
SKIPPED = {"logout"}  # signs the client out: every later request would be the anonymous one's
# Rows written on purpose by a refused request: the session of a sign-in, the failed sign-ins that
# django-axes counts, the online reception's limits (every attempt counts).
BOOKKEEPING_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "clinic_ratelimitcounter",
}
ROLES = (
    "anonymous",
    "reception",
    "lawyer",
    "manager",
    "center administrator",
    "federation analyst",
    "superuser",
)


# The dataset


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One center with one of everything a URL can point at, and a user of each role: built once for
    the module in a transaction rolled back at its end (each test's own transaction nests inside)."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media, transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> dict:
    call_command("seed_reference", verbosity=0)
    center = CenterFactory()
    office = OfficeFactory(center=center)
    staff = {
        "reception": StaffFactory(role=Role.RECEPTION, center=center),
        "lawyer": StaffFactory(role=Role.LAWYER, center=center),
        "manager": StaffFactory(role=Role.MANAGER, center=center),
        "center administrator": StaffFactory(role=Role.ADMINISTRATOR, center=center),
        "federation analyst": StaffFactory(role=Role.ANALYST, center=None),
        "superuser": StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True),
    }
    submission, _code = services.online_submission_create(
        center=center,
        office=office,
        full_name="Aigerim Walk",
        phone="+77015550101",
        topic=Topic.objects.get(pk="wages"),
        question="My wages have not been paid since March.",
        consent=True,
        uploads=[SimpleUploadedFile("contract.pdf", b"%PDF-1.4 contract", content_type="application/pdf")],
    )
    case = services.visit_open_case(
        visit=submission.visit,
        by=staff["reception"],
        service=Service.objects.get(pk=Service.LEGAL_CLINIC),
        kind=ApplicationKind.objects.get(pk=ApplicationKind.WRITTEN_APPLICATION),
        lawyer=staff["lawyer"],
    )
    note = services.note_add(application=case, by=staff["lawyer"], text="Called the employer.")
    document = services.document_attach(
        application=case, by=staff["lawyer"], upload=SimpleUploadedFile("order.pdf", b"%PDF-1.4 order")
    )
    employer = EmployerFactory(center=center)
    dispute = services.dispute_register(
        by=staff["manager"], employer=employer, subject="Wages", applications=[case]
    )
    prevented = services.prevented_dispute_record(
        by=staff["manager"],
        employer=employer,
        prevented_on=date(2025, 3, 3),
        how="Talks",
        workers_affected=12,
    )
    report = report_request(
        center=center, period_kind="month", period_start=date(2025, 1, 1), by=staff["manager"]
    )
    statistical_return = statistics_services.statistical_return_save(
        by=staff["manager"], year=timezone.localdate().year - 1, members=100
    )
    ids = {
        "clinic.person": submission.visit.person_id,
        "clinic.visit": submission.visit_id,
        "clinic.onlinesubmission": submission.pk,
        "clinic.onlineattachment": submission.attachments.get().pk,
        "clinic.application": case.pk,
        "clinic.note": note.pk,
        "clinic.document": document.pk,
        "clinic.labordispute": dispute.pk,
        "clinic.preventeddispute": prevented.pk,
        "clinic.service": Service.LEGAL_CLINIC,
        "clinic.topic": "wages",
        "clinic.channel": "in_person",
        "clinic.applicationkind": ApplicationKind.WRITTEN_APPLICATION,
        "clinic.outcome": "satisfied",
        "clinic.limitationrule": "reinstatement",
        "organizations.territorialcenter": center.pk,
        "organizations.representativeoffice": office.pk,
        "organizations.employer": employer.pk,
        "organizations.primaryorganization": PrimaryOrganizationFactory(center=center, employer=employer).pk,
        "organizations.branchunion": statistical_return.branch_union_id
        or PrimaryOrganizationFactory().branch_union_id,
        "organizations.statisticalreturn": statistical_return.pk,
        "organizations.statisticalreport": StatisticalReport.objects.create(year=2021).pk,
        "organizations.user": staff["lawyer"].pk,
        "reports.report": report.pk,
        "auditlog.logentry": LogEntry.objects.first().pk,
    }
    return {"staff": staff, "ids": ids}


# The addresses


def url_patterns(resolver=None, prefix="", namespace=""):
    """(route, name, pattern) of every URL the resolver knows, the routes of includes joined."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace + (entry.name or ""), entry


ADMIN_MODELS = {
    f"{model._meta.app_label}_{model._meta.model_name}_": model._meta.label_lower
    for model in admin.site._registry
}
API_MODELS = {
    "person": "clinic.person",
    "visit": "clinic.visit",
    "application": "clinic.application",
    "labor-dispute": "clinic.labordispute",
    "prevented-dispute": "clinic.preventeddispute",
    "service": "clinic.service",
    "topic": "clinic.topic",
    "channel": "clinic.channel",
    "kind": "clinic.applicationkind",
    "outcome": "clinic.outcome",
    "limitation-rule": "clinic.limitationrule",
    "center": "organizations.territorialcenter",
    "office": "organizations.representativeoffice",
    "branch-union": "organizations.branchunion",
    "employer": "organizations.employer",
    "primary-organization": "organizations.primaryorganization",
    "statistical-return": "organizations.statisticalreturn",
    "statistical-report": "organizations.statisticalreport",
    "report": "reports.report",
}
PAGE_MODELS = {
    "clinic:online_visit": "clinic.visit",
    "clinic:online_attachment_download": "clinic.onlineattachment",
    "clinic:case": "clinic.application",
    "clinic:document_download": "clinic.document",
    "clinic:dispute": "clinic.labordispute",
    "federation_center": "organizations.territorialcenter",
    "reports:": "reports.report",
    "statistics:return": "organizations.statisticalreturn",
    "statistics:report": "organizations.statisticalreport",
}
WORDS = {"action": "note", "file_format": "csv", "app_label": "clinic", "document_pk": "clinic.document"}


def model_of(name: str) -> str | None:
    """The model whose id a URL of this name takes."""
    if name.startswith("admin:"):
        return next((model for prefix, model in ADMIN_MODELS.items() if name[6:].startswith(prefix)), None)
    if name.endswith("-detail") or "-" in name.partition(":")[2]:
        basename = name.partition(":")[2]
        return next(
            (
                model
                for key, model in sorted(API_MODELS.items(), key=lambda item: -len(item[0]))
                if basename.startswith(key + "-")
            ),
            None,
        )
    return next((model for prefix, model in PAGE_MODELS.items() if name.startswith(prefix)), None)


PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


def fill(route: str, name: str, ids: dict, hostile: str | None = None) -> str:
    """The path of a route, its parameters filled with the dataset's ids (or the hostile value)."""
    model = model_of(name)

    def value(match: re.Match) -> str:
        parameter = match["name"] or match["group"]
        if hostile is not None:
            return hostile
        if parameter in WORDS:
            word = WORDS[parameter]
            return str(ids[word]) if word in ids else word
        if model in ids:
            return str(ids[model])
        return "1"

    path = PARAMETER.sub(value, route).replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


# Requests


FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def names_of(response, pattern: URLPattern) -> list[str]:
    """The fields a page shows, the filters of an API list, and the common names, in a stable order."""
    names = list(COMMON_NAMES)
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html") and not response.streaming:
        names += FIELD_NAME.findall(response.content.decode(errors="replace"))
    view_class = getattr(pattern.callback, "cls", None)
    filterset = getattr(view_class, "filterset_class", None)
    if filterset is not None:
        names += list(filterset.base_filters)
    serializer = getattr(view_class, "serializer_class", None)
    if serializer is not None and hasattr(serializer, "Meta"):
        fields = getattr(serializer.Meta, "fields", ())
        names += [field for field in fields if isinstance(field, str)] if fields != "__all__" else []
    names = [name for name in dict.fromkeys(names) if name not in ("csrfmiddlewaretoken",)]
    return names


def numbers(names: list[str], offset: int) -> dict[str, str]:
    return {name: NUMBERS[(index + offset) % len(NUMBERS)] for index, name in enumerate(names)}


def json_numbers(names: list[str], offset: int) -> str:
    def as_json(value: str):
        return int(value) if value.lstrip("-").isascii() and value.lstrip("-").isdigit() else value

    return json.dumps({name: as_json(value) for name, value in numbers(names, offset).items()})


def hostile_requests(names: list[str], offset: int):
    """(label, method, query, body, content type) of the hostile requests for a page with these names."""
    long_name = names[offset % len(names)]
    long_values = {name: MEGABYTE if name == long_name else LONG for name in names}
    yield "query: NUL", "get", {name: NUL for name in names}, None, None
    yield "query: numbers", "get", numbers(names, offset), None, None
    yield "query: 1 MB", "get", long_values, None, None
    yield "form: NUL", "post", None, {name: NUL for name in names}, None
    yield "form: numbers", "post", None, numbers(names, offset), None
    yield "form: 1 MB", "post", None, long_values, None
    yield "json: numbers", "post", None, json_numbers(names, offset), "application/json"
    yield "json: malformed", "post", None, '{"person": 1, "summary": "', "application/json"
    yield "json: deeply nested", "post", None, "[" * 100_000 + "]" * 100_000, "application/json"
    yield (
        "json: NUL and 1 MB",
        "post",
        None,
        json.dumps({names[0]: NUL, long_name: MEGABYTE}),
        "application/json",
    )
    yield "wrong type: xml", "post", None, "<person><id>1</id></person>", "application/xml"
    yield "wrong type: text as form", "post", None, "person=%00&&==", "text/plain"
    yield (
        "wrong type: bad multipart",
        "post",
        None,
        "--x\r\nContent-Disposition: form-data\r\n",
        "multipart/form-data; boundary=x",
    )


def counted_tables() -> list[str]:
    tables = connection.introspection.table_names()
    return sorted(
        table
        for table in tables
        if table not in BOOKKEEPING_TABLES and not table.startswith("django_celery_beat")
    )


def row_counts(tables: list[str]) -> tuple[int, ...]:
    """The rows of every table in one query; audit entries of records shown (ACCESS) do not count."""
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT count(*) FROM {quote(table)}"
        + (f" WHERE action <> {LogEntry.Action.ACCESS})" if table == LogEntry._meta.db_table else ")")
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return cursor.fetchone()


class Walk:
    """Sends requests, each in a savepoint: a 5xx is noted (and its broken transaction rolled back),
    so is a 4xx that left rows behind."""

    def __init__(self, client: Client):
        self.client = client
        self.tables = counted_tables()
        self.counts = row_counts(self.tables)
        self.failures: list[str] = []
        self.sent = 0

    def send(self, label: str, method: str, path: str, query=None, body=None, content_type=None):
        savepoint = transaction.savepoint()
        kwargs = {"QUERY_STRING": _query(query)} if query else {}
        if method == "get":
            response = self.client.get(path, **kwargs)
        elif content_type is None:
            response = self.client.generic(
                method.upper(), path, _query(body or {}), "application/x-www-form-urlencoded", **kwargs
            )
        else:
            response = self.client.generic(method.upper(), path, body.encode(), content_type, **kwargs)
        self.sent += 1
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
            self.failures.append(f"{response.status_code} {method.upper()} {path} ({label})")
            return response
        transaction.savepoint_commit(savepoint)
        counts = row_counts(self.tables)
        if 400 <= response.status_code < 500 and counts != self.counts:
            grown = [
                table
                for table, before, after in zip(self.tables, self.counts, counts, strict=True)
                if after > before
            ]
            self.failures.append(
                f"{response.status_code} {method.upper()} {path} ({label}) wrote rows to {grown}"
            )
        self.counts = counts
        return response


def _query(values: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(values)


@pytest.mark.slow  # every URL, for each role, several times over: minutes
@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_5xx_nor_half_saves_for_any_input(world, role):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["staff"][role])
    walk = Walk(client)
    offset = ROLES.index(role)

    for index, (route, name, pattern) in enumerate(url_patterns()):
        if name in SKIPPED:
            continue
        path = fill(route, name, world["ids"])
        plain = walk.send("plain", "get", path)
        names = names_of(plain, pattern)
        if path.startswith("/api/"):
            walk.send(
                "json: numbers",
                "patch",
                path,
                body=json_numbers(names, offset),
                content_type="application/json",
            )
        for number, (label, method, query, body, content_type) in enumerate(hostile_requests(names, offset)):
            if (index + number + offset) % 3 == 0:  # a third for each role: each one for two or three roles
                walk.send(label, method, path, query, body, content_type)
        if PARAMETER.search(route):
            hostile = HOSTILE_IDS[(index + offset) % len(HOSTILE_IDS)]
            hostile_path = fill(route, name, world["ids"], hostile)
            walk.send(f"id {hostile}", "get", hostile_path)
            walk.send(f"id {hostile}", "post", hostile_path, body=numbers(names, offset))

    assert walk.sent > 1500
    assert walk.failures == []
