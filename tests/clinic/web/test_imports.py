"""The imports' pages, as a manager uses them: upload, read the check, confirm, read the result."""

import pytest

from clinic.models import Application, ImportJob
from organizations.models import Role
from tests.clinic.test_imports import BAD, GOOD, HEADERS_RU, csv_file, xlsx_file
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference", "private_media")]


def test_upload_check_confirm_in_russian(client_for, manager, center, django_capture_on_commit_callbacks):
    client = client_for(manager)
    page = client.get("/imports/", HTTP_ACCEPT_LANGUAGE="ru").text
    assert 'href="/imports/"' in page  # linked in the navigation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/",
            {"kind": "applications", "file": xlsx_file(HEADERS_RU, GOOD + BAD)},
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.pk}/"

    page = client.get(f"/imports/{job.pk}/", HTTP_ACCEPT_LANGUAGE="ru").text
    assert "Будет создано" in page
    assert "«Космос» нет в списке." in page
    assert not Application.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{job.pk}/confirm/", HTTP_ACCEPT_LANGUAGE="ru")
    page = client.get(f"/imports/{job.pk}/", HTTP_ACCEPT_LANGUAGE="ru").text
    assert "Импортирован" in page
    assert Application.objects.filter(center=center).count() == 3


def test_progress_is_polled_while_the_job_works(client_for, manager, center):
    job = ImportJob.objects.create(
        center=center, created_by=manager, kind="persons", token="p" * 32, file_name="a.csv",
        state=ImportJob.State.RUNNING, dry_run=False, rows_total=1000, rows_done=500,
    )  # fmt: skip
    part = (
        client_for(manager).get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="ru").text
    )
    assert 'hx-trigger="every 2s"' in part
    assert 'value="500"' in part
    assert "500 из 1000 строк" in part


def test_a_bad_upload_shows_the_errors(client_for, manager):
    response = client_for(manager).post(
        "/imports/",
        {"kind": "applications", "file": csv_file(["ФИО"], [["А"]], name="a.txt")},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    assert "Загрузите файл .xlsx или .csv." in response.text
    assert not ImportJob.objects.exists()


def test_another_centers_import_is_not_found_and_a_lawyer_is_refused(
    client_for, manager, lawyer, other_center
):
    other = StaffFactory(role=Role.MANAGER, center=other_center)
    job = ImportJob.objects.create(
        center=other_center, created_by=other, kind="persons", token="o" * 32, file_name="x.csv"
    )
    assert client_for(manager).get(f"/imports/{job.pk}/").status_code == 404
    assert client_for(manager).post(f"/imports/{job.pk}/confirm/").status_code == 404
    assert "x.csv" not in client_for(manager).get("/imports/").text
    assert client_for(lawyer).get("/imports/").status_code == 403


def test_the_federation_administrator_chooses_the_center(
    client_for, other_center, django_capture_on_commit_callbacks
):
    admin = StaffFactory(role=Role.ADMINISTRATOR, center=None)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin).post(
            "/imports/",
            {"kind": "persons", "center": other_center.pk, "file": csv_file(["ФИО"], [["Ахметов Ерлан"]])},
        )
    assert ImportJob.objects.get().center == other_center


def test_the_template_downloads(client_for, manager):
    response = client_for(manager).get("/imports/template/persons.xlsx", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_imported_case_shows_and_is_found_by_its_number_in_the_register(
    client_for, manager, center, django_capture_on_commit_callbacks
):
    # given a register imported with its own numbers
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {"kind": "applications", "file": xlsx_file(HEADERS_RU, GOOD)})
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{job.pk}/confirm/")
    case = Application.objects.get(center=center, external_key="2019/3")
    # when the number in the register is typed in the search box of the case list and of the API
    found = client.get("/cases/", {"q": "2019/3"}, HTTP_ACCEPT_LANGUAGE="ru").text
    listed = client.get("/api/v1/applications/", {"q": "2019/3"}).json()["results"]
    # then the case is found, by that number only, and its page and the API show the number
    assert case.registration_number in found
    others = Application.objects.exclude(pk=case.pk).values_list("registration_number", flat=True)
    assert len(others) == 2
    assert not any(number in found for number in others)
    assert [row["registration_number"] for row in listed] == [case.registration_number]
    assert listed[0]["external_key"] == "2019/3"
    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="ru").text
    assert "<dt>№ в реестре</dt><dd>2019/3</dd>" in page
