"""A person's data on request: a manager of their center exports everything held about them as one
file, corrects or anonymises them; each is audited; nobody else may."""

import json

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clinic import services
from clinic.models import DestructionRecord, Person, RetentionRun, Status
from organizations.models import Role
from tests.factories import ApplicationFactory, PersonFactory, StaffFactory, VisitFactory, outcome

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference")]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def last_access(person):
    return LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.ACCESS).order_by("pk").last()


@pytest.fixture
def person(center, manager):
    """A person with a consultation and a closed case with a note and a document."""
    person = PersonFactory(
        center=center,
        full_name="Жанна Омарова",
        iin="",
        phone="+77017776655",
        notify_by_sms=True,
        notify_consent_at=timezone.now(),
    )
    visit = VisitFactory(person=person, question="Где мой расчёт?")
    services.visit_answer_on_spot(visit=visit, by=manager, action_taken="Разъяснено")
    case = ApplicationFactory(center=center, person=person, summary="Не выплачен расчёт")
    services.application_change_status(application=case, by=manager, to_status=Status.IN_PROGRESS)
    services.note_add(application=case, by=manager, text="Звонок работодателю")
    services.document_attach(application=case, by=manager, upload=SimpleUploadedFile("Расчёт.pdf", PDF))
    services.application_decide(application=case, by=manager, outcome=outcome(), decision="Выплачено")
    services.application_change_status(application=case, by=manager, to_status=Status.CLOSED)
    return person


def test_a_manager_downloads_everything_held_about_the_person(client, manager, person):
    client.force_login(manager)
    client.get(f"/persons/{person.pk}/")  # a view, to be listed in the trail

    download = client.get(f"/persons/{person.pk}/data/")

    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="person-{person.pk}-data.json"'
    data = json.loads(download.content)
    assert data["person"]["full_name"] == "Жанна Омарова"
    assert data["person"]["phone"] == "+77017776655"
    assert [visit["question"] for visit in data["visits"]] == ["Где мой расчёт?"]
    case = data["cases"][0]
    assert case["summary"] == "Не выплачен расчёт"
    assert [note["text"] for note in case["notes"]] == ["Звонок работодателю"]
    assert [document["original_name"] for document in case["documents"]] == ["Расчёт.pdf"]
    assert {message["purpose"] for message in data["messages"]} >= {"Case registered"}
    assert all(message["recipient"] == "+77017776655" for message in data["messages"])
    assert data["person"]["notify_by_sms"] is True
    assert [change["to"] for change in case["status_changes"]][-1] == "Closed"
    actions = {(entry["record"].split()[0], entry["action"]) for entry in data["audit_trail"]}
    assert ("person", "access") in actions  # who viewed it
    assert ("application", "update") in actions  # who changed the case
    # and the export itself is on the record
    exported = last_access(person)
    assert exported.actor == manager
    assert exported.additional_data == {"data_request": "export"}


def test_the_api_gives_the_same_file(api_client, manager, person):
    api_client.force_authenticate(manager)

    answer = api_client.get(f"/api/v1/persons/{person.pk}/data/")

    assert answer.status_code == 200
    assert answer.json()["person"]["full_name"] == "Жанна Омарова"
    assert answer.json()["cases"][0]["notes"][0]["text"] == "Звонок работодателю"


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.LAWYER])
def test_other_roles_of_the_center_may_not_export(client, api_client, center, person, role):
    user = StaffFactory(role=role, center=center)
    client.force_login(user)
    api_client.force_authenticate(user)

    assert client.get(f"/persons/{person.pk}/data/").status_code == 403
    assert api_client.get(f"/api/v1/persons/{person.pk}/data/").status_code == 403
    assert "/data/" not in client.get(f"/persons/{person.pk}/").content.decode()


def test_another_centers_manager_gets_404(client, other_center, person):
    client.force_login(StaffFactory(role=Role.MANAGER, center=other_center))

    assert client.get(f"/persons/{person.pk}/data/").status_code == 404


def test_a_correction_on_request_is_audited_with_the_old_value(client, manager, person):
    client.force_login(manager)

    answer = client.post(
        f"/persons/{person.pk}/correct/",
        {
            "full_name": "Жанна Омарова-Сейтова",
            "iin": "",
            "phone": "+77017776655",
            "email": "",
            "version": person.version,
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert answer.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Жанна Омарова-Сейтова"
    change = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).last()
    assert change.actor == manager
    assert change.changes["full_name"] == ["Жанна Омарова", "Жанна Омарова-Сейтова"]


def test_a_manager_anonymises_the_person_at_their_request(client, manager, person):
    client.force_login(manager)

    answer = client.post(
        f"/persons/{person.pk}/anonymise/",
        {"reason": "Письменное заявление от 30.11.2026", "confirm": "on", "version": person.version},
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert answer.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.phone, person.anonymised_at is not None) == ("—", "", True)
    case = person.applications.get()
    assert (case.summary, case.documents.count(), case.outcome_id) == ("", 0, "satisfied")
    run = RetentionRun.objects.get()
    assert run.started_by == f"on request: {manager.username}"
    counts = {record.kind: record.count for record in run.records.all()}
    assert counts[DestructionRecord.Kind.PERSONS] == 1
    assert counts[DestructionRecord.Kind.CASES] == 1
    assert counts[DestructionRecord.Kind.DOCUMENTS] == 1
    request = last_access(person)
    assert request.additional_data == {
        "data_request": "anonymise",
        "reason": "Письменное заявление от 30.11.2026",
    }
    assert request.actor == manager
    assert not LogEntry.objects.filter(object_repr__contains="Омарова").exists()


def test_a_person_with_an_open_case_is_not_anonymised(client, manager, person):
    ApplicationFactory(center=person.center, person=person)
    client.force_login(manager)

    answer = client.post(
        f"/persons/{person.pk}/anonymise/",
        {"reason": "Заявление", "confirm": "on", "version": person.version},
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert answer.status_code == 422
    assert "дело, которое не закрыто" in answer.content.decode()
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_the_api_anonymises_with_if_match_and_refuses_other_roles(api_client, manager, center, person):
    lawyer = StaffFactory(role=Role.LAWYER, center=center)
    api_client.force_authenticate(lawyer)
    assert api_client.post(f"/api/v1/persons/{person.pk}/anonymise/", {"reason": "x"}).status_code == 403

    api_client.force_authenticate(manager)
    assert api_client.post(f"/api/v1/persons/{person.pk}/anonymise/", {"reason": "x"}).status_code == 428
    refused = api_client.post(
        f"/api/v1/persons/{person.pk}/anonymise/", {"reason": " "}, HTTP_IF_MATCH=f'"{person.version}"'
    )
    assert refused.status_code == 400
    assert "reason" in refused.json()
    done = api_client.post(
        f"/api/v1/persons/{person.pk}/anonymise/",
        {"reason": "Заявление"},
        HTTP_IF_MATCH=f'"{person.version}"',
    )
    assert done.status_code == 200
    assert Person.objects.get(pk=person.pk).anonymised_at is not None
