"""Isolation proven: a center-A user of every role asks every URL of the web pages, the admin and the
API that names a center-B object (found by walking the URL resolver), with every method, and every
list and search with B's identifiers as search terms. Nothing of center B comes back, and nothing of
center B changes.

A URL with an id-like parameter that this walk cannot map to a model fails the test: whoever adds one
says here which record it names (ROUTE_MODELS), so the walk never silently shrinks.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clinic import services
from clinic.actions import CASE_ACTIONS, DISPUTE_ACTIONS, PERSON_ACTIONS
from clinic.models import (
    Application,
    CalendarFeed,
    Channel,
    DeadlineExtension,
    Document,
    Event,
    ExportJob,
    ImportJob,
    LaborDispute,
    LetterTemplate,
    Note,
    OnlineAttachment,
    OnlineSubmission,
    OutgoingMessage,
    Person,
    PreventedDispute,
    Status,
    StatusChange,
    Visit,
)
from organizations.identifiers import make_bin, make_iin
from organizations.models import (
    PrimaryOrganization,
    RegionalBranch,
    RepresentativeOffice,
    Role,
    StaffSession,
    TerritorialCenter,
    User,
)
from reports.models import Report
from reports.services import report_build
from reports.statistics import services as statistics_services
from reports.statistics.actions import RETURN_ACTIONS
from reports.statistics.models import StatisticalReport, StatisticalReturn
from seeds.letters import template_docx
from tests import factories

pytestmark = pytest.mark.django_db

ID_PARAM = re.compile(r"^(pk|id|object_id|.+_pk|.+_id)$")
# Routes that name no center-owned record, or that are not pages of the application.
SKIPPED_PREFIXES = ("api/schema/", "api/docs/", "admin/jsi18n/", "i18n/", "static/", "media/")
# Which record an id parameter names, for the routes whose view does not tell (DRF view sets do).
ROUTE_MODELS = {
    "clinic:case_detail": Application,
    "clinic:case_action": Application,
    "clinic:person_detail": Person,
    "clinic:person_action": Person,
    "clinic:person_data": Person,
    "clinic:dispute_detail": LaborDispute,
    "clinic:dispute_action": LaborDispute,
    "clinic:document_download": Document,
    "clinic:online_visit": Visit,
    "clinic:online_visit_answer": Visit,
    "clinic:online_visit_open_case": Visit,
    "clinic:online_attachment_download": OnlineAttachment,
    "clinic:calendar_feed": CalendarFeed,
    "session_revoke": StaffSession,
    "clinic:export_job": ExportJob,
    "clinic:export_job_download": ExportJob,
    "clinic-api:export-detail": ExportJob,
    "clinic-api:export-download": ExportJob,
    "clinic:import_detail": ImportJob,
    "clinic:import_confirm": ImportJob,
    "admin:clinic_document_download": Document,
    "admin:reports_report_export": Report,
    "federation_center": TerritorialCenter,  # the federation's page of one center
    "statistics:return_detail": StatisticalReturn,
    "statistics:return_action": StatisticalReturn,
    # The federation's annual report belongs to no center: every center's staff must be refused it.
    "statistics:report_detail": StatisticalReport,
    "statistics:report_row": StatisticalReport,
    "statistics:report_print": StatisticalReport,
    "statistics:report_download": StatisticalReport,
    "reports-api:statistical-report-detail": StatisticalReport,
    "reports-api:statistical-report-export-csv": StatisticalReport,
    "reports-api:statistical-report-export-xlsx": StatisticalReport,
    "reports-api:statistical-report-export-html": StatisticalReport,
}
PARAM_MODELS = {"document_pk": Document, "report_id": Report}
# The public online reception (no account): sending a question and following it with its tracking code
# and phone. Public by design, they name no record in their URLs; the walk still asks them, signed in
# as center A, with B's identifiers as search terms (they are pages without parameters), and
# test_the_public_pages_show_nothing_of_center_b asks them without an account, B's phone included.
PUBLIC_ROUTES = {"clinic:online_question", "clinic:online_sent", "clinic:online_track"}
# Other path parameters: every value a route accepts is tried.
EXPORT_KINDS = ["csv", "xlsx", "html", "pdf"]
REFUSED = {403, 404, 405}
UNSAFE = ("post", "put", "patch", "delete")
MIN_REQUESTS_PER_ROLE = 700


@dataclass
class Route:
    route: str
    name: str  # namespace:name
    params: list[str]
    callback: object

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def _params(pattern) -> list[str]:
    if hasattr(pattern, "converters"):  # RoutePattern
        return list(pattern.converters) or re.findall(r"<(?:\w+:)?(\w+)>", str(pattern))
    return list(pattern.regex.groupindex)


def _walk(patterns, prefix="", namespace="", params=()) -> list[Route]:
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace or ""]))
            routes += _walk(
                entry.url_patterns, prefix + str(entry.pattern), ns, (*params, *_params(entry.pattern))
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            routes.append(
                Route(prefix + str(entry.pattern), name, [*params, *_params(entry.pattern)], entry.callback)
            )
    return routes


def all_routes() -> list[Route]:
    return [
        r for r in _walk(get_resolver().url_patterns) if not r.route.lstrip("^").startswith(SKIPPED_PREFIXES)
    ]


@dataclass
class CenterB:
    center: object
    objects: dict  # model -> list of instances
    scopes: dict  # records named by a few routes only (the center itself: its name is public)
    markers: list[str]  # strings only center B's data contains
    terms: list[str]  # identifiers typed into search boxes


def _build_center_b(tmp_path, settings) -> CenterB:
    settings.MEDIA_ROOT = tmp_path / "media"
    center = factories.CenterFactory(code="ZZB", name_en="Center Bee")
    reception = factories.StaffFactory(role=Role.RECEPTION, center=center, username="bee-reception-zq")
    lawyer = factories.StaffFactory(role=Role.LAWYER, center=center, username="bee-lawyer-zq")
    manager = factories.StaffFactory(role=Role.MANAGER, center=center, username="bee-manager-zq")
    administrator = factories.StaffFactory(
        role=Role.ADMINISTRATOR, center=center, username="bee-administrator-zq"
    )
    employer = factories.EmployerFactory(
        center=center, name="Beeswax Secret Works LLP", bin=make_bin(date(2017, 2, 1), serial=777_70)
    )
    organization = PrimaryOrganization.objects.create(
        name="Beeswax Union Cell", center=center, employer=employer, member_count=10
    )
    office = factories.OfficeFactory(center=center, code="BEE-OFFICE", name_en="Beehive office")
    regional = RegionalBranch.objects.create(branch_union=factories.BranchUnionFactory(), center=center)
    iin = make_iin(date(1979, 11, 23), female=True, serial=4242)
    person = services.person_create(
        by=reception,
        full_name="Zenobia Quillfeather",
        iin=iin,
        phone="+77019998877",
        employer=employer,
        notify_by_sms=True,  # the case's messages go to the outbox
    )
    visit = services.visit_register(
        by=reception,
        person=person,
        channel=factories.channel(),
        topics=[factories.topic()],
        question="Quillfeather question about wages",
    )
    application = services.application_register(
        by=reception,
        person=person,
        service=factories.service(),
        kind=factories.kind(),
        topic=factories.topic(),
        channel=factories.channel(),
        summary="Quillfeather summary",
        lawyer=lawyer,
    )
    application = services.application_change_status(
        application=application, by=lawyer, to_status=Status.IN_PROGRESS
    )
    services.note_add(application=application, by=lawyer, text="Quillfeather private note")
    services.document_attach(
        application=application,
        by=lawyer,
        upload=SimpleUploadedFile("quillfeather-contract.pdf", b"%PDF-1.4 quillfeather", "application/pdf"),
    )
    services.application_extend_deadline(
        application=application,
        by=manager,
        new_due_on=application.due_on + timedelta(days=3),
        reason="Quillfeather extension",
        applicant_notified_on=timezone.localdate(),
    )
    factories.channel(Channel.ONLINE)
    submission, _code = services.online_submission_create(
        center=center,
        full_name="Quillfeather Online",
        phone="+77019998866",
        topic=factories.topic(),
        question="Quillfeather online question",
        consent=True,
        uploads=[SimpleUploadedFile("quillfeather-online.pdf", b"%PDF-1.4 quillfeather online")],
    )
    dispute = services.dispute_register(
        by=lawyer, employer=employer, subject="Quillfeather dispute subject", lawyer=lawyer
    )
    event = services.event_create(
        by=lawyer,
        record=application,
        kind=Event.Kind.HEARING,
        starts_at=timezone.now() + timedelta(days=1),
        place="Quillfeather court",
        notes="Quillfeather hearing notes",
    )
    feed = services.calendar_feed_renew(by=lawyer)
    session = StaffSession.objects.create(
        user=lawyer, session_key="quillfeather-session-of-center-b", last_seen_at=timezone.now()
    )
    export_job = ExportJob.objects.create(
        user=lawyer,
        list_name="applications",
        file_format="csv",
        status=ExportJob.State.DONE,
        row_count=1,
        file=ContentFile("Quillfeather export\n", name="quillfeather-export.csv"),
    )
    import_job = ImportJob.objects.create(
        center=center,
        created_by=manager,
        kind=ImportJob.Kind.PERSONS,
        token="quillfeatherimportofcenterb00000",
        file=ContentFile("Quillfeather import\n", name="quillfeather-import.csv"),
        file_name="quillfeather-import.csv",
    )
    prevented = services.prevented_dispute_record(
        by=manager, employer=employer, prevented_on=timezone.localdate(), how="Quillfeather mediation"
    )
    report = Report.objects.create(
        center=center, period_kind="month", period_start=timezone.localdate().replace(day=1)
    )
    report = report_build(report_id=report.pk)
    letter_template = services.letter_template_save(
        by=manager,
        upload=ContentFile(template_docx("q", [("text", "{{ case.registration_number }}")]), name="q.docx"),
        name="Quillfeather letter",
        purpose=LetterTemplate.Purpose.APPLICANT_ANSWER,
        language="ru",
    )
    objects = {
        Person: [person],
        Visit: [visit, submission.visit],
        OnlineSubmission: [submission],
        OutgoingMessage: list(OutgoingMessage.objects.filter(center=center)),
        OnlineAttachment: list(submission.attachments.all()),
        Application: [application],
        Note: list(Note.objects.filter(application=application)),
        Document: list(Document.objects.filter(application=application)),
        StatusChange: list(StatusChange.objects.filter(application=application)),
        DeadlineExtension: list(DeadlineExtension.objects.filter(application=application)),
        LaborDispute: [dispute],
        Event: [event],
        CalendarFeed: [feed],
        StaffSession: [session],
        ExportJob: [export_job],
        ImportJob: [import_job],
        LetterTemplate: [letter_template],
        PreventedDispute: [prevented],
        Report: [report],
        type(employer): [employer],
        PrimaryOrganization: [organization],
        RepresentativeOffice: [office],
        RegionalBranch: [regional],
        User: [reception, lawyer, manager, administrator],
    }
    objects[StatisticalReturn] = [StatisticalReturn.objects.create(center=center, year=2023)]
    objects[LogEntry] = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Application), object_pk=str(application.pk)
        )
    )
    markers = [
        "Quillfeather",
        iin,
        "+77019998877",
        "9998877",
        "+77019998866",
        application.registration_number,
        "Beeswax",
        employer.bin,
        "bee-reception-zq",
        "bee-lawyer-zq",
    ]
    terms = [application.registration_number, iin, "+77019998877", "Quillfeather", employer.bin, "bee-"]
    annual_report = statistics_services.statistical_report_request(year=2023, by=None)
    statistics_services.statistical_report_build(report_id=annual_report.pk)
    scopes = {TerritorialCenter: [center], StatisticalReport: [annual_report]}
    return CenterB(center, objects, scopes, markers, terms)


def _snapshot(b: CenterB) -> dict:
    """Every row of center B's records, field by field (version and updated_at included)."""
    snapshot = {}
    for model, instances in b.objects.items():
        rows = model._default_manager.filter(pk__in=[obj.pk for obj in instances]).order_by("pk").values()
        snapshot[model.__name__] = list(rows)
    snapshot["topics"] = list(Visit.topics.through.objects.filter(visit__center=b.center).values())
    # The trail of B's records (the walk's own sign-ins write center A's sessions and authenticators).
    of_b = Q(pk__in=[])
    for model, instances in b.objects.items():
        if model is not LogEntry:
            of_b |= Q(
                content_type=ContentType.objects.get_for_model(model),
                object_pk__in=[str(instance.pk) for instance in instances],
            )
    snapshot["log_entries"] = LogEntry.objects.filter(of_b).count()
    return snapshot


# Which record a route's id names


def _admin_model(route: Route) -> type[models.Model] | None:
    """The model of an admin route: admin/<app_label>/<model_name>/..."""
    match = re.match(r"admin/(\w+)/(\w+)/", route.route)
    if not match:
        return None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == match.groups():
            return model
    return None


def _api_model(route: Route) -> type[models.Model] | None:
    view = getattr(route.callback, "cls", None)
    serializer = getattr(view, "serializer_class", None)
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    queryset = getattr(view, "queryset", None)
    return model or (queryset.model if queryset is not None else None)


def _model_of(route: Route, param: str) -> type[models.Model] | None:
    if param in PARAM_MODELS:
        return PARAM_MODELS[param]
    if route.name in ROUTE_MODELS:
        return ROUTE_MODELS[route.name]
    if route.is_admin:
        return _admin_model(route)
    model = _api_model(route) if route.is_api else None
    view = getattr(route.callback, "cls", route.callback)
    if model is None and getattr(view, "__module__", "").startswith("reports."):
        return Report
    return model


def _extra_values(route: Route, param: str) -> list[str]:
    """Values for a route's other path parameters: every one it accepts."""
    if param == "action" and route.is_admin:
        model = _admin_model(route)
        return list(getattr(admin.site._registry.get(model), "record_actions", {}) or ["x"])
    if param == "action" and route.name.startswith("statistics:"):
        return list(RETURN_ACTIONS)
    if param == "action" and route.name == "clinic:person_action":
        return list(PERSON_ACTIONS)
    if param == "action" and route.name == "clinic:dispute_action":
        return list(DISPUTE_ACTIONS)
    if param == "action":
        return list(CASE_ACTIONS)
    if param in ("kind", "file_format"):
        return EXPORT_KINDS
    if param == "token":
        # A feed's secret is its only key: center A's users know B's feed ids, not B's tokens.
        return ["not-the-secret-token-of-the-feed"]
    raise AssertionError(f"{route.route} ({route.name}): no values known for the parameter {param!r}")


def _urls_naming_b(route: Route, b: CenterB) -> list[str]:
    """The route's URLs filled with center B's records (one per record and per extra value)."""
    id_params = [p for p in route.params if ID_PARAM.match(p)]
    others = [p for p in route.params if p not in id_params]
    if id_params == ["content_type_id", "object_id"]:  # the admin's "view on site" shortcut
        combos = [
            {"content_type_id": ContentType.objects.get_for_model(model).pk, "object_id": instances[0].pk}
            for model, instances in b.objects.items()
        ]
    else:
        combos = [{}]
        for param in id_params:
            model = _model_of(route, param)
            assert model is not None, (
                f"{route.route} ({route.name or 'unnamed'}): which record does {param!r} name? "
                "Add the route to ROUTE_MODELS in tests/security/test_isolation.py."
            )
            instances = b.objects.get(model) or (b.scopes.get(model) if route.name in ROUTE_MODELS else None)
            if instances is None:
                if any(field.name == "center" for field in model._meta.fields):
                    raise AssertionError(f"{route.name}: no center-B {model.__name__} in the walk")
                return []  # a record no center owns (reference lists, centers, branch unions)
            pk_param = "pk" if route.is_api and param == "pk" else param
            combos = [{**combo, pk_param: obj.pk} for combo in combos for obj in instances]
    for param in others:
        combos = [{**combo, param: value} for combo in combos for value in _extra_values(route, param)]
    return [_url(route, combo) for combo in combos]


def _url(route: Route, kwargs: dict) -> str:
    """The route's URL with these parameters: reversed by name, or filled in (unnamed admin redirects)."""
    if route.name and not route.name.endswith(":None"):
        return reverse(route.name, kwargs=kwargs)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route.route)
    url = "/" + url.replace("^", "").replace("$", "")
    resolve(url)  # a URL the walk got wrong fails here, not as a "refused" answer
    return url


# The requests


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _check(
    response, url: str, method: str, route: Route, b: CenterB, *, list_page: bool = False, term: str = ""
) -> None:
    body = _body(response)
    # A page may echo the search term typed; the other markers still show whether B's record was found.
    leaked = [marker for marker in b.markers if marker in body and marker not in term]
    assert not leaked, f"{method.upper()} {url} ({route.name}) shows center B's {leaked}"
    if list_page:
        assert response.status_code < 500, f"{method.upper()} {url}: {response.status_code}"
        return
    status = response.status_code
    if route.is_admin and status == 302:
        # "… with ID “n” doesn't exist. Perhaps it was deleted?" on the admin's index, or the sign-in.
        assert response["Location"].startswith(("/admin/", "/accounts/login/")), response["Location"]
        assert f"/{route.name}" not in response["Location"]
        return
    assert status in REFUSED, f"{method.upper()} {url} ({route.name}) answered {status}: {body[:300]}"


API_BODY = {
    "status": Status.IN_PROGRESS,
    "reason": "taken over",
    "text": "a note",
    "outcome": "satisfied",
    "decision": "done",
    "action_taken": "answered",
    "full_name": "Renamed",
    "phone": "+77010000000",
    "stage": "court",
    "result": "in_favor",
    "summary": "changed",
    "recovered_kzt": "100.00",
    "lawyer": None,
}


def _version_of(url: str, b: CenterB) -> str:
    for instances in b.objects.values():
        for obj in instances:
            if f"/{obj.pk}/" in url and hasattr(obj, "version"):
                return f'"{type(obj)._default_manager.get(pk=obj.pk).version}"'
    return '"1"'


LIST_PARAMS = ("q", "search", "iin", "phone", "registration_number", "name", "bin")


def _is_list(route: Route) -> bool:
    """Pages and API lists that take search terms: the admin's change lists, not its add forms."""
    if route.params or not route.name or "logout" in route.name:
        return False
    return not route.is_admin or route.name.endswith("_changelist")


def _walk_as(user, b: CenterB) -> int:
    web = Client()
    web.force_login(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    tried = 0
    for route in all_routes():
        id_params = [p for p in route.params if ID_PARAM.match(p)]
        client = api if route.is_api else web
        if id_params:
            for url in _urls_naming_b(route, b):
                response = client.get(url)
                _check(response, url, "get", route, b)
                tried += 1
                # The admin's views treat PUT, PATCH and DELETE as GET: POST is its only change.
                for method in UNSAFE if route.is_api else ("post",):
                    headers = {"HTTP_IF_MATCH": _version_of(url, b)} if route.is_api else {}
                    data = API_BODY if route.is_api else {"reason": "x", "text": "x", "status": "in_progress"}
                    kwargs = {"format": "json"} if route.is_api else {}
                    response = getattr(client, method)(url, data, **kwargs, **headers)
                    _check(response, url, method, route, b)
                    tried += 1
        elif _is_list(route):
            url = reverse(route.name)
            for term in b.terms:
                response = client.get(url, {param: term for param in LIST_PARAMS})
                _check(response, url, "get", route, b, list_page=True, term=term)
                tried += 1
    return tried


ROLES = [Role.RECEPTION, Role.LAWYER, Role.MANAGER, Role.ADMINISTRATOR]  # the order of B's users
MIN_SHOWN_TO_OWN_STAFF = {Role.RECEPTION: 20, Role.LAWYER: 20, Role.MANAGER: 30, Role.ADMINISTRATOR: 30}


def _shown_to_own_staff(user, b: CenterB) -> int:
    """How many of the walked detail URLs answer 200 to center B's own user (GET only)."""
    web = Client()
    web.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    shown = 0
    for route in all_routes():
        if any(ID_PARAM.match(p) for p in route.params):
            for url in _urls_naming_b(route, b):
                shown += (api if route.is_api else web).get(url).status_code == 200
    return shown


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_a_center_a_user_gets_nothing_of_center_b_from_any_url(role, tmp_path, settings, capsys):
    # given: center B with a record of every kind, and a user of center A
    b = _build_center_b(tmp_path, settings)
    center_a = factories.CenterFactory(code="AAA")
    user = factories.StaffFactory(role=role, center=center_a)
    before = _snapshot(b)

    # when: every URL that names a B record, and every list searched for B's identifiers
    tried = _walk_as(user, b)

    # then: nothing of B was shown (checked per request) and nothing of B changed
    assert _snapshot(b) == before
    # and the same URLs do open B's records for B's own user of that role: the walk names real records.
    shown = _shown_to_own_staff(b.objects[User][ROLES.index(role)], b)
    with capsys.disabled():
        print(
            f"\n[isolation] {role}: {tried} requests tried, none showed or changed center B's data "
            f"({shown} of the same URLs open for center B's own {role})"
        )
    assert tried >= MIN_REQUESTS_PER_ROLE
    assert shown >= MIN_SHOWN_TO_OWN_STAFF[role]


def test_the_public_pages_show_nothing_of_center_b(tmp_path, settings):
    # given: center B with an online submission among its records, and someone without an account
    b = _build_center_b(tmp_path, settings)
    before = _snapshot(b)
    anonymous = Client(REMOTE_ADDR="203.0.113.99")
    routes = [route for route in all_routes() if route.name in PUBLIC_ROUTES]
    assert {route.name for route in routes} == PUBLIC_ROUTES

    # when: every public page, read with B's identifiers, and tracking tried with B's phone and wrong codes
    for route in routes:
        for term in b.terms:
            response = anonymous.get(reverse(route.name), {param: term for param in LIST_PARAMS})
            _check(response, reverse(route.name), "get", route, b, list_page=True, term=term)
    track = next(route for route in routes if route.name == "clinic:online_track")
    for code in ("ABCDE-FGHJK", "2222222222", b.objects[Application][0].registration_number):
        response = anonymous.post("/online/track/", {"code": code, "phone": "+77019998866"})
        # the form shows back what was typed into it: the echo is not a disclosure
        _check(response, "/online/track/", "post", track, b, list_page=True, term=f"{code} +77019998866")
        assert response.context["tracked"] is None

    # then: nothing of B was shown (checked per request) and nothing of B changed
    assert _snapshot(b) == before


def test_the_walk_covers_every_kind_of_route():
    routes = all_routes()
    names = {route.name for route in routes}

    # The web pages, the admin and the API are all walked: none may drop out unnoticed.
    for expected in (
        "clinic:case_detail",
        "clinic:dispute_detail",
        "clinic:dispute_action",
        "clinic:document_download",
        "clinic:online_visit",
        "clinic:online_attachment_download",
        "clinic-api:person-detail",
        "clinic-api:application-decide",
        "clinic-api:application-document-download",
        "clinic-api:labor-dispute-resolve",
        "admin:clinic_person_change",
        "admin:clinic_application_change",
        "admin:reports_report_change",
        "admin:organizations_user_change",
        "statistics:return_detail",
        "statistics:return_action",
        "statistics:report_download",
        "reports-api:statistical-return-approve",
        "reports-api:statistical-report-export-xlsx",
    ):
        assert expected in names, expected
    assert len([r for r in routes if any(ID_PARAM.match(p) for p in r.params)]) >= 60
