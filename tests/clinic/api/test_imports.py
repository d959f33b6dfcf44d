"""The imports' API: upload (a dry run), poll, confirm, the template; scoped to the center."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from clinic.models import Application, ImportJob, Visit
from organizations.models import Role
from tests.clinic.test_imports import BAD, GOOD, HEADERS_RU, IIN, OTHER_IIN, csv_file
from tests.factories import PersonFactory, StaffFactory

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


def import_through_api(client, file, *, kind="applications", capture):
    """Upload, read the check, confirm, read the result: the counts of the check and of the import."""
    with capture(execute=True):
        job_id = upload(client, kind=kind, file=file).data["id"]
    checked = client.get(f"/api/v1/imports/{job_id}/").data
    with capture(execute=True):
        client.post(f"/api/v1/imports/{job_id}/confirm/")
    done = client.get(f"/api/v1/imports/{job_id}/").data
    assert (checked["state"], done["state"]) == ("checked", "done"), (checked, done)

    def counts(data):
        return data["created"], data["updated"], data["unchanged"], data["refused"]

    return counts(checked), counts(done), done


def test_a_reimported_register_updates_the_changed_cases_through_the_desks_rules(
    client_for, manager, center, django_capture_on_commit_callbacks
):
    client, capture = client_for(manager), django_capture_on_commit_callbacks
    checked, done, _job = import_through_api(client, csv_file(HEADERS_RU, GOOD), capture=capture)
    assert checked == done == (3, 0, 0, 0)

    changed = [row.copy() for row in GOOD]
    # 2019/1 closed as satisfied: now partly satisfied, less recovered, a later decision date.
    changed[0][10:13] = ["Частично удовлетворено", "05.04.2019", "100 000"]
    changed[1][9:11] = ["Рассмотрено", "Удовлетворено"]  # 2019/2 registered: now decided
    changed[1][11] = "01.06.2019"
    changed[2][8] = "in_person"  # 2019/3 in progress: another channel
    changed.append(  # back from in progress to registered: the desk allows no such move
        [*GOOD[2][:8], "in_person", "Зарегистрировано", "", "", ""]
    )
    changed[3][0] = "2019/3"
    checked, done, job = import_through_api(client, csv_file(HEADERS_RU, changed), capture=capture)

    assert checked == done == (0, 3, 0, 1), job["refused_rows"]
    assert job["refused_rows"][0]["row"] == 5
    assert "Зарегистрировано" in job["refused_rows"][0]["message"]
    first = Application.objects.get(center=center, external_key="2019/1")
    assert (first.status, first.outcome_id, first.recovered_kzt, first.decided_on) == (
        "closed", "partially_satisfied", Decimal("100000.00"), date(2019, 4, 5),
    )  # fmt: skip
    reopened = first.status_changes.filter(to_status="in_progress").exclude(reason="").get()
    assert "реестр.csv" in reopened.reason
    second = Application.objects.get(center=center, external_key="2019/2")
    assert (second.status, second.outcome_id, second.decided_on) == ("decided", "satisfied", date(2019, 6, 1))
    third = Application.objects.get(center=center, external_key="2019/3")
    assert (third.status, third.channel_id) == ("in_progress", "in_person")
    assert Application.objects.filter(center=center).count() == 3

    # The same corrected file again: nothing left to change.
    checked, done, _job = import_through_api(client, csv_file(HEADERS_RU, changed[:3]), capture=capture)
    assert checked == done == (0, 0, 3, 0)
    assert first.status_changes.count() == Application.objects.get(pk=first.pk).status_changes.count()


def test_a_reimported_persons_register_updates_the_found_persons(
    client_for, manager, center, django_capture_on_commit_callbacks
):
    by_iin = PersonFactory(center=center, iin=IIN, phone="", full_name="Ахметов Ерлан", email="")
    by_phone = PersonFactory(center=center, iin="", phone="+77010000001", full_name="Сейткали Дана", email="")
    headers = ["ФИО", "ИИН", "Телефон", "Эл. почта"]
    rows = [
        ["Ахметов Ерлан Серикович", IIN, "8 701 555 66 77", "ERLAN@example.kz"],  # found by the IIN
        ["Другое Имя", "", "8 701 000 00 01", "dana@example.kz"],  # by the phone: only the blank e-mail
        ["Новый Человек", OTHER_IIN, "", ""],
    ]
    client, capture = client_for(manager), django_capture_on_commit_callbacks
    checked, done, _job = import_through_api(
        client, csv_file(headers, rows, delimiter=","), kind="persons", capture=capture
    )

    assert checked == done == (1, 2, 0, 0)
    by_iin.refresh_from_db()
    by_phone.refresh_from_db()
    assert (by_iin.full_name, by_iin.phone, by_iin.email) == (
        "Ахметов Ерлан Серикович", "+77015556677", "erlan@example.kz",
    )  # fmt: skip
    assert (by_phone.full_name, by_phone.email) == ("Сейткали Дана", "dana@example.kz")

    checked, done, _job = import_through_api(
        client, csv_file(headers, rows, delimiter=","), kind="persons", capture=capture
    )
    assert checked == done == (0, 0, 3, 0)


def test_a_reimported_visit_register_corrects_the_visits(
    client_for, manager, center, django_capture_on_commit_callbacks
):
    headers = ["№ в реестре", "ФИО", "ИИН", "Дата", "Канал", "Тема", "Суть обращения"]
    rows = [
        ["V-1", "Ахметов Ерлан", IIN, "15.03.2019", "in_person", "wages", "Зарплата"],
        ["V-2", "Серикова Айгуль", OTHER_IIN, "16.03.2019", "phone", "wages", ""],
    ]
    client, capture = client_for(manager), django_capture_on_commit_callbacks
    assert import_through_api(client, csv_file(headers, rows), kind="visits", capture=capture)[1] == (
        2, 0, 0, 0,
    )  # fmt: skip
    rows[0][5:7] = ["Увольнение", "Уволили"]
    checked, done, _job = import_through_api(client, csv_file(headers, rows), kind="visits", capture=capture)

    assert checked == done == (0, 1, 1, 0)
    visit = Visit.objects.get(center=center, external_key="V-1")
    assert (list(visit.topics.values_list("code", flat=True)), visit.question) == (["dismissal"], "Уволили")
