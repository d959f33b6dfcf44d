"""The clinic in the Django admin: the same services, rules and audit trail as everywhere else."""

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from clinic import services
from clinic.models import Application, LaborDispute, Person, Status, Topic, Visit
from organizations.models import Role
from tests.factories import (
    ApplicationFactory,
    EmployerFactory,
    PersonFactory,
    StaffFactory,
    VisitFactory,
    outcome,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference")]


def login(client, user):
    client.force_login(user)
    return client


def test_the_administrator_sees_the_twenty_centers(client):
    admin = StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True)

    response = login(client, admin).get("/admin/organizations/territorialcenter/")

    assert response.status_code == 200
    assert "20 territorial centers" in response.text
    assert "Almaty Region" in response.text


def test_reception_adds_a_person_through_the_service(client, center):
    reception = StaffFactory(role=Role.RECEPTION, center=center)

    response = login(client, reception).post(
        "/admin/clinic/person/add/",
        {"full_name": "Aigerim  Seitkali", "iin": "", "phone": "8 701 234 56 78", "email": ""},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get()
    assert (person.full_name, person.phone, person.center) == ("Aigerim Seitkali", "+77012345678", center)
    assert LogEntry.objects.get_for_object(person).get().actor == reception


def test_a_duplicate_iin_is_shown_next_to_the_field(client, center, reception):
    existing = PersonFactory(center=center)

    response = login(client, reception).post(
        "/admin/clinic/person/add/", {"full_name": "Someone Else", "iin": existing.iin, "phone": ""}
    )

    assert response.status_code == 200
    assert existing.full_name in str(response.context["adminform"].form.errors["iin"])
    assert Person.objects.count() == 1


def test_a_lawyer_decides_an_assigned_case_from_its_page(client, center, lawyer):
    application = ApplicationFactory(center=center, lawyer=lawyer)
    services.application_change_status(application=application, by=lawyer, to_status=Status.IN_PROGRESS)
    outcome("satisfied")

    response = login(client, lawyer).post(
        f"/admin/clinic/application/{application.pk}/action/decide/",
        {"outcome": "satisfied", "decision": "Wages paid.", "recovered_kzt": "150000.00"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.outcome_id) == (Status.DECIDED, "satisfied")


def test_a_lawyer_cannot_decide_someone_elses_case(client, center, lawyer):
    colleague = StaffFactory(role=Role.LAWYER, center=center)
    application = ApplicationFactory(center=center, lawyer=colleague)
    services.application_change_status(application=application, by=colleague, to_status=Status.IN_PROGRESS)
    outcome("satisfied")

    client = login(client, lawyer)
    change_page = client.get(f"/admin/clinic/application/{application.pk}/change/")
    response = client.post(
        f"/admin/clinic/application/{application.pk}/action/decide/",
        {"outcome": "satisfied", "recovered_kzt": "0"},
    )

    # the case page's rule: the action is not offered, and its address typed by hand is refused
    assert "/action/decide/" not in change_page.content.decode()
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS


def test_another_centers_case_is_not_found(client, center, other_center):
    manager = StaffFactory(role=Role.MANAGER, center=center)
    foreign = ApplicationFactory(center=other_center)

    client = login(client, manager)

    assert (
        client.get(f"/admin/clinic/application/{foreign.pk}/change/").status_code == 302
    )  # "does not exist"
    assert client.get(f"/admin/clinic/application/{foreign.pk}/action/decide/").status_code == 404
    listing = client.get("/admin/clinic/application/")
    assert foreign.registration_number not in listing.text


def test_the_audit_trail_is_shown_on_the_case(client, center, manager):
    application = ApplicationFactory(center=center)
    services.application_assign(application=application, by=manager, lawyer=manager)

    response = login(client, manager).get(f"/admin/clinic/application/{application.pk}/auditlog/")

    assert response.status_code == 200
    assert "Lawyer" in response.text


def test_center_staff_cannot_browse_the_federation_audit_log(client, manager):
    assert login(client, manager).get("/admin/auditlog/logentry/").status_code == 403


def test_documents_download_only_for_those_who_see_the_case(client, center, other_center, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    manager = StaffFactory(role=Role.MANAGER, center=center)
    outsider = StaffFactory(role=Role.MANAGER, center=other_center)
    application = ApplicationFactory(center=center)
    document = services.document_attach(
        application=application, by=manager, upload=SimpleUploadedFile("../../order.pdf", b"%PDF-1.4 order")
    )
    url = f"/admin/clinic/application/documents/{document.pk}/download/"

    response = login(client, manager).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 order"
    assert 'filename="order.pdf"' in response["Content-Disposition"]

    assert login(client, outsider).get(url).status_code == 404


def test_reception_registers_a_case_in_the_admin(client, center, reception):
    person = PersonFactory(center=center)
    from tests.factories import channel, kind, service, topic

    response = login(client, reception).post(
        "/admin/clinic/application/add/",
        {
            "person": person.pk,
            "service": service().pk,
            "kind": kind().pk,
            "topic": topic().pk,
            "channel": channel().pk,
            "received_on": "2021-03-19",
            "summary": "Unpaid wages",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    application = Application.objects.get()
    assert application.registration_number == f"{center.code}-2021-00001"


def test_a_center_administrator_manages_only_own_staff_and_cannot_grant_superuser(
    client, center, other_center
):
    administrator = StaffFactory(role=Role.ADMINISTRATOR, center=center)
    colleague = StaffFactory(role=Role.LAWYER, center=center)
    outsider = StaffFactory(role=Role.LAWYER, center=other_center)
    client = login(client, administrator)

    listing = client.get("/admin/organizations/user/")
    assert colleague.username in listing.text
    assert outsider.username not in listing.text
    assert client.get(f"/admin/organizations/user/{outsider.pk}/change/").status_code == 302  # "not found"

    page = client.get(f"/admin/organizations/user/{administrator.pk}/change/")
    assert 'name="is_superuser"' not in page.text


def test_a_manager_reads_the_centers_online_submissions_and_cannot_change_them(
    client, center, other_center, manager, settings, tmp_path
):
    # given: a question sent online to each center
    settings.MEDIA_ROOT = tmp_path
    topic = Topic.objects.first()
    own, _code = services.online_submission_create(
        center=center,
        full_name="Aigerim Online",
        phone="+77015550101",
        topic=topic,
        question="?",
        consent=True,
    )
    other, _code = services.online_submission_create(
        center=other_center,
        full_name="Other Center",
        phone="+77015550102",
        topic=topic,
        question="?",
        consent=True,
    )
    login(client, manager)

    # when
    listing = client.get("/admin/clinic/onlinesubmission/")
    page = client.get(f"/admin/clinic/onlinesubmission/{own.pk}/change/")

    # then: the own center's submission, read-only; the other center's is not found; nothing is added
    assert listing.status_code == 200
    assert "Aigerim Online" in listing.text
    assert "Other Center" not in listing.text
    assert page.status_code == 200
    assert 'name="full_name"' not in page.text
    assert client.get(f"/admin/clinic/onlinesubmission/{other.pk}/change/").status_code == 302
    assert client.get("/admin/clinic/onlinesubmission/add/").status_code == 403


def test_reception_corrects_a_visit_in_the_admin_through_the_service(client, center, reception):
    visit = VisitFactory(person=PersonFactory(center=center))
    topic = visit.topics.get()

    response = login(client, reception).post(
        f"/admin/clinic/visit/{visit.pk}/change/",
        {"channel": visit.channel_id, "topics": [topic.pk], "question": "Wages unpaid since March"},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    visit.refresh_from_db()
    assert (visit.question, visit.version) == ("Wages unpaid since March", 2)
    changes = LogEntry.objects.get_for_object(visit).filter(action=LogEntry.Action.UPDATE)
    assert [entry.actor for entry in changes if "question" in entry.changes_dict] == [reception]


def test_reception_answers_a_pending_visit_from_its_admin_page(client, center, reception):
    visit = VisitFactory(person=PersonFactory(center=center))
    client = login(client, reception)

    change_page = client.get(f"/admin/clinic/visit/{visit.pk}/change/")
    response = client.post(
        f"/admin/clinic/visit/{visit.pk}/action/answer/",
        {"action_taken": "Explained art. 113.", "version": visit.version},
    )

    assert change_page.status_code == 200
    assert f"/admin/clinic/visit/{visit.pk}/action/answer/" in change_page.text
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.result, visit.action_taken) == (Visit.Result.CONSULTATION, "Explained art. 113.")


def test_a_lawyer_moves_a_dispute_from_its_admin_page_reception_may_not(client, center, lawyer, reception):
    dispute = services.dispute_register(by=lawyer, employer=EmployerFactory(center=center), subject="Wages")

    refused = login(client, reception).post(
        f"/admin/clinic/labordispute/{dispute.pk}/action/stage/",
        {"stage": LaborDispute.Stage.COURT, "version": dispute.version},
    )
    client = login(client, lawyer)
    change_page = client.get(f"/admin/clinic/labordispute/{dispute.pk}/change/")
    response = client.post(
        f"/admin/clinic/labordispute/{dispute.pk}/action/stage/",
        {"stage": LaborDispute.Stage.COURT, "version": dispute.version},
    )

    assert refused.status_code == 403
    assert change_page.status_code == 200
    assert f"/admin/clinic/labordispute/{dispute.pk}/action/stage/" in change_page.text
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.stage == LaborDispute.Stage.COURT


def test_a_manager_merges_a_duplicate_from_the_persons_admin_page(client, center, manager, reception):
    survivor = PersonFactory(center=center, phone="")
    duplicate = PersonFactory(center=center, phone="+77015550000")
    case = ApplicationFactory(center=center, person=duplicate, registered_by=reception)
    client = login(client, manager)

    change_page = client.get(f"/admin/clinic/person/{survivor.pk}/change/")
    response = client.post(
        f"/admin/clinic/person/{survivor.pk}/action/merge/",
        {"duplicate": duplicate.pk, "version": survivor.version},
    )

    assert "/action/merge/" in change_page.text
    assert response.status_code == 302
    assert Application.objects.get(pk=case.pk).person == survivor
    assert Person.objects.get(pk=duplicate.pk).merged_into == survivor
    assert LogEntry.objects.get_for_object(duplicate).latest("pk").actor == manager


def test_reception_is_not_offered_the_merge_in_the_admin(client, center, reception):
    survivor, duplicate = PersonFactory(center=center), PersonFactory(center=center)
    client = login(client, reception)

    assert "/action/merge/" not in client.get(f"/admin/clinic/person/{survivor.pk}/change/").text
    response = client.post(f"/admin/clinic/person/{survivor.pk}/action/merge/", {"duplicate": duplicate.pk})
    assert response.status_code == 403


def test_a_possible_duplicate_is_confirmed_in_the_admin(client, center, reception):
    PersonFactory(center=center, full_name="Нұрлан Серікұлы", phone="")
    client = login(client, reception)
    data = {"full_name": "Нурлан Серикулы", "iin": "", "phone": "", "email": ""}

    refused = client.post("/admin/clinic/person/add/", data)
    confirmed = client.post("/admin/clinic/person/add/", {**data, "confirm_not_duplicate": "on"})

    assert refused.status_code == 200
    assert "Нұрлан Серікұлы" in str(refused.context["adminform"].form.errors["full_name"])
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2
