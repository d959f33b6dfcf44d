"""The imports' API: upload (a dry run), poll, confirm, the template; scoped to the center."""

import io

import pytest
from openpyxl import load_workbook

from clinic.models import Application, ImportJob
from organizations.models import Role
from tests.clinic.test_imports import BAD, GOOD, HEADERS_RU, csv_file
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference", "private_media")]


def upload(client, **data):
    data.setdefault("kind", "applications")
    data.setdefault("file", csv_file(HEADERS_RU, GOOD + BAD))
    return client.post("/api/v1/imports/", data, format="multipart", HTTP_ACCEPT_LANGUAGE="ru")


def test_upload_check_and_confirm(client_for, manager, center, django_capture_on_commit_callbacks):
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client)
    assert response.status_code == 201, response.data
    job_id = response.data["id"]

    polled = client.get(f"/api/v1/imports/{job_id}/").data
    assert (polled["state"], polled["created"], polled["refused"], polled["rows_done"]) == (
        "checked",
        3,
        3,
        6,
    )
    assert {"row": 6, "column": "Тема", "message": "«Космос» нет в списке."} in polled["refused_rows"]
    assert not Application.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"/api/v1/imports/{job_id}/confirm/")
    assert confirmed.status_code == 200
    assert client.get(f"/api/v1/imports/{job_id}/").data["state"] == "done"
    assert Application.objects.filter(center=center).count() == 3


def test_bad_input_is_a_400_in_russian(client_for, manager):
    response = upload(client_for(manager), kind="cars", file=csv_file(["ФИО"], [["А"]], name="a.txt"))
    assert response.status_code == 400
    assert "kind" in response.data


def test_another_centers_import_is_a_404_and_its_center_a_403(client_for, manager, other_center):
    other_manager = StaffFactory(role=Role.MANAGER, center=other_center)
    job = ImportJob.objects.create(
        center=other_center, created_by=other_manager, kind="persons", token="t" * 32, file_name="x.csv"
    )
    client = client_for(manager)
    assert client.get(f"/api/v1/imports/{job.pk}/").status_code == 404
    assert client.post(f"/api/v1/imports/{job.pk}/confirm/").status_code == 404
    assert job.pk not in [row["id"] for row in client.get("/api/v1/imports/").data["results"]]
    assert upload(client, center=other_center.pk).status_code == 403


def test_a_lawyer_may_not_import(client_for, lawyer):
    assert upload(client_for(lawyer)).status_code == 403
    assert client_for(lawyer).get("/api/v1/imports/").status_code == 403


def test_the_template_is_in_the_users_language(client_for, manager):
    response = client_for(manager).get(
        "/api/v1/imports/template/?kind=visits",
        HTTP_ACCEPT_LANGUAGE="kk",
        HTTP_ACCEPT="application/octet-stream",
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:2] == ["Тізілімдегі №", "Аты-жөні"]


def test_dry_run_false_imports_straight_away(client_for, manager, center, django_capture_on_commit_callbacks):
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, file=csv_file(HEADERS_RU, GOOD), dry_run="false")
    assert (response.status_code, response.data["state"]) == (201, "queued")  # the task runs after commit
    polled = client.get(f"/api/v1/imports/{response.data['id']}/").data
    assert (polled["state"], polled["dry_run"], polled["created"]) == ("done", False, 3)
    assert Application.objects.filter(center=center).count() == 3
