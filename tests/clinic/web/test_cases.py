"""The lawyers' workspace: the case list with its filters and deadlines, and the case page with
its timeline, the actions each role may take, and the documents."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic import services
from clinic.models import Application, Status
from organizations.models import Role
from tests.factories import CenterFactory, PersonFactory, StaffFactory, kind, topic

pytestmark = pytest.mark.django_db


def numbers(response) -> list[str]:
    return [case.registration_number for case in response.context["paging"].rows]


# The list: who sees what


def test_a_lawyer_sees_only_own_cases_under_my_cases(client_for, center, lawyer, case_of):
    mine = case_of(center, lawyer=lawyer)
    colleagues = case_of(center, lawyer=StaffFactory(role=Role.LAWYER, center=center))
    unassigned = case_of(center)

    response = client_for(lawyer).get("/cases/")

    assert response.status_code == 200
    assert response.context["title"] == "My cases"
    assert numbers(response) == [mine.registration_number]
    assert colleagues.registration_number not in response.text
    # and the whole center on request
    everything = client_for(lawyer).get("/cases/", {"scope": "center"})
    assert set(numbers(everything)) == {
        mine.registration_number,
        colleagues.registration_number,
        unassigned.registration_number,
    }


def test_a_manager_sees_every_case_of_the_center_and_none_of_another(
    client_for, center, other_center, manager, lawyer, case_of
):
    ours = [case_of(center, lawyer=lawyer), case_of(center)]
    foreign = case_of(other_center)

    response = client_for(manager).get("/cases/")

    assert set(numbers(response)) == {case.registration_number for case in ours}
    assert foreign.registration_number not in response.text


def test_an_analyst_sees_every_centers_cases_read_only(client_for, center, other_center, analyst, case_of):
    cases = [case_of(center), case_of(other_center)]

    response = client_for(analyst).get("/cases/")

    assert set(numbers(response)) == {case.registration_number for case in cases}
    assert response.context["show_center"] is True
    assert "Read-only" in response.text


def test_reception_reads_the_centers_cases(client_for, center, reception, case_of):
    case = case_of(center)

    assert numbers(client_for(reception).get("/cases/")) == [case.registration_number]


# The list: filters, deadlines, pages


def test_the_list_filters_by_status_service_topic_and_search(
    client_for, center, manager, lawyer, case_of, ref
):
    started = case_of(center, lawyer=lawyer, start=True)
    dismissal = case_of(center, topic=topic("dismissal"), service=ref.reception)
    someone = case_of(center, person=PersonFactory(center=center, full_name="Gulnara Abenova"))
    decided = case_of(center, lawyer=lawyer, start=True)
    services.application_decide(application=decided, by=lawyer, outcome=ref.satisfied)
    client = client_for(manager)

    assert numbers(client.get("/cases/", {"status": "in_progress"})) == [started.registration_number]
    assert numbers(client.get("/cases/", {"status": "decided"})) == [decided.registration_number]
    assert set(numbers(client.get("/cases/", {"status": "open"}))) == {
        started.registration_number,
        dismissal.registration_number,
        someone.registration_number,
    }
    assert numbers(client.get("/cases/", {"topic": "dismissal"})) == [dismissal.registration_number]
    assert numbers(client.get("/cases/", {"service": "public_reception"})) == [dismissal.registration_number]
    assert numbers(client.get("/cases/", {"q": "abenova"})) == [someone.registration_number]
    assert numbers(client.get("/cases/", {"q": started.registration_number})) == [started.registration_number]


def test_overdue_and_due_soon_cases_are_marked_and_filtered(client_for, center, manager, case_of, ref):
    # given
    today = timezone.localdate()
    overdue = case_of(center, received_on=today - timedelta(days=60))  # 15 working days long past
    due_soon = case_of(center, kind=kind("oral_consultation"))  # due today
    in_time = case_of(center)  # due in 15 working days
    client = client_for(manager)
    # when
    response = client.get("/cases/")
    # then
    rows = {case.registration_number: case.deadline_state for case in response.context["paging"].rows}
    assert rows == {
        overdue.registration_number: "overdue",
        due_soon.registration_number: "due_soon",
        in_time.registration_number: "",
    }
    assert '<tr class="overdue">' in response.text
    assert '<tr class="due-soon">' in response.text
    assert 'class="badge overdue"' in response.text
    assert numbers(client.get("/cases/", {"deadline": "overdue"})) == [overdue.registration_number]
    assert numbers(client.get("/cases/", {"deadline": "due_soon"})) == [due_soon.registration_number]


def test_a_decided_case_is_never_overdue(client_for, center, manager, case_of, ref):
    case = case_of(center, lawyer=manager, start=True, received_on=timezone.localdate() - timedelta(days=60))
    services.application_decide(application=case, by=manager, outcome=ref.satisfied)

    response = client_for(manager).get("/cases/")

    assert [c.deadline_state for c in response.context["paging"].rows] == [""]


def test_the_list_shows_25_cases_a_page(client_for, center, manager, case_of):
    for _ in range(27):
        case_of(center)
    client = client_for(manager)

    first = client.get("/cases/", {"status": "registered"})
    second = client.get("/cases/", {"status": "registered", "page": 2})

    assert len(first.context["paging"].rows) == 25
    assert len(second.context["paging"].rows) == 2
    assert "?status=registered&amp;page=2" in first.text  # the filters stay on the next page


@pytest.mark.parametrize("role", [Role.LAWYER, Role.MANAGER, Role.ANALYST])
def test_the_list_takes_the_same_number_of_queries_for_1_and_20_cases(client_for, ref, role):
    center = CenterFactory()
    user = StaffFactory(role=role, **({"center": None} if role == Role.ANALYST else {"center": center}))
    lawyer = user if role == Role.LAWYER else StaffFactory(role=Role.LAWYER, center=center)
    client = client_for(user)
    reception = StaffFactory(role=Role.RECEPTION, center=center)

    def page_with(count: int) -> int:
        for _ in range(count):
            services.application_register(
                by=reception,
                person=PersonFactory(center=center),
                service=ref.legal_clinic,
                kind=ref.written,
                topic=ref.wages,
                channel=ref.in_person,
                lawyer=lawyer,
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/cases/")
        assert len(response.context["paging"].rows) == Application.objects.count()
        return len(queries)

    assert page_with(1) == page_with(19)


# The case page


def test_another_centers_case_is_not_found(client_for, other_center, manager, case_of):
    foreign = case_of(other_center)
    client = client_for(manager)

    assert client.get(f"/cases/{foreign.pk}/").status_code == 404
    assert client.post(f"/cases/{foreign.pk}/note/", {"text": "Hello"}).status_code == 404


def test_center_staff_see_the_applicants_iin_and_phone(client_for, center, reception, case_of):
    case = case_of(center)

    response = client_for(reception).get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert case.person.iin in response.text
    assert case.person.phone in response.text


def test_an_analyst_sees_the_iin_and_phone_masked_and_no_forms(client_for, center, analyst, lawyer, case_of):
    case = case_of(center, lawyer=lawyer, start=True)
    iin, phone = case.person.iin, case.person.phone

    response = client_for(analyst).get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert iin not in response.text
    assert phone not in response.text
    assert f"{iin[:2]}********{iin[-2:]}" in response.text
    assert response.context["actions"] == []
    assert '<form method="post" action="/cases/' not in response.text


def test_the_actions_offered_follow_the_role_and_the_status(client_for, center, lawyer, manager, case_of):
    registered = case_of(center, lawyer=lawyer)
    in_progress = case_of(center, lawyer=lawyer, start=True)
    colleague = StaffFactory(role=Role.LAWYER, center=center)

    def offered(user, case) -> list[str]:
        return [action.slug for action in client_for(user).get(f"/cases/{case.pk}/").context["actions"]]

    assert offered(lawyer, registered) == ["status", "note", "document", "letter", "event"]
    assert offered(lawyer, in_progress) == ["decide", "status", "note", "document", "letter", "event"]
    assert offered(manager, in_progress) == [
        "decide",
        "status",
        "note",
        "document",
        "letter",
        "assign",
        "extend",
        "event",
    ]
    assert offered(colleague, in_progress) == []  # not their case: read only


def test_the_status_form_offers_only_the_allowed_moves(client_for, center, lawyer, case_of):
    case = case_of(center, lawyer=lawyer, start=True)

    response = client_for(lawyer).get(f"/cases/{case.pk}/")

    status_form = next(a.form for a in response.context["actions"] if a.slug == "status")
    assert [value for value, _label in status_form.fields["to_status"].choices] == ["on_hold"]


def test_a_lawyer_decides_a_case_through_its_page(client_for, center, lawyer, case_of, ref):
    case = case_of(center, lawyer=lawyer, start=True)

    response = client_for(lawyer).post(
        f"/cases/{case.pk}/decide/",
        {"outcome": "satisfied", "decision": "Wages paid.", "recovered_kzt": "150000.00"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/cases/{case.pk}/", 302)]
    assert "Outcome recorded" in response.text
    case.refresh_from_db()
    assert (case.status, case.outcome_id, str(case.recovered_kzt)) == (
        Status.DECIDED,
        "satisfied",
        "150000.00",
    )


def test_a_decision_on_a_page_older_than_the_case_is_refused_and_says_why(
    client_for, center, lawyer, manager, case_of, ref
):
    # given: the lawyer's page shows the case as it was; then the manager corrects its summary
    case = case_of(center, lawyer=lawyer, start=True)
    page = client_for(lawyer).get(f"/cases/{case.pk}/")
    shown_version = next(a.form for a in page.context["actions"] if a.slug == "decide")["version"].value()
    assert f'name="version" value="{shown_version}"' in page.text
    services.application_update(application=case, by=manager, summary="Unpaid wages since March.")

    # when: the lawyer decides from the old page
    response = client_for(lawyer).post(
        f"/cases/{case.pk}/decide/",
        {"outcome": "satisfied", "recovered_kzt": "0", "version": shown_version},
    )

    # then: nothing is decided, and the page says someone else changed the case
    assert response.status_code == 422
    assert "Someone else changed this record" in response.text
    case.refresh_from_db()
    assert (case.status, case.outcome_id) == (Status.IN_PROGRESS, None)


def test_a_decision_without_an_outcome_comes_back_with_the_error_at_the_field(
    client_for, center, lawyer, case_of, ref
):
    case = case_of(center, lawyer=lawyer, start=True)

    response = client_for(lawyer).post(f"/cases/{case.pk}/decide/", {"outcome": "", "recovered_kzt": "0"})

    assert response.status_code == 422
    decide = next(a.form for a in response.context["actions"] if a.slug == "decide")
    assert decide.errors["outcome"]
    assert 'id="decide-outcome"' in response.text
    assert 'aria-invalid="true"' in response.text
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_someone_elses_lawyer_may_not_post_an_action(client_for, center, lawyer, case_of, ref):
    case = case_of(center, lawyer=lawyer, start=True)
    colleague = StaffFactory(role=Role.LAWYER, center=center)

    response = client_for(colleague).post(
        f"/cases/{case.pk}/decide/", {"outcome": "satisfied", "recovered_kzt": "0"}
    )

    assert response.status_code == 403
    assert "Only the lawyer assigned" in response.text
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_an_analyst_may_not_post_any_action(client_for, center, analyst, case_of):
    case = case_of(center)

    assert client_for(analyst).post(f"/cases/{case.pk}/note/", {"text": "A note"}).status_code == 403
    assert not case.notes.exists()


def test_an_action_the_status_does_not_allow_is_turned_back_with_a_message(
    client_for, center, lawyer, case_of, ref
):
    case = case_of(center, lawyer=lawyer)  # registered: not yet in progress

    response = client_for(lawyer).post(
        f"/cases/{case.pk}/decide/", {"outcome": "satisfied", "recovered_kzt": "0"}, follow=True
    )

    assert response.redirect_chain == [(f"/cases/{case.pk}/", 302)]
    assert "is not possible for the case as it is now" in response.text
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_an_unknown_action_is_not_found(client_for, center, manager, case_of):
    case = case_of(center)

    assert client_for(manager).post(f"/cases/{case.pk}/delete/").status_code == 404


def test_the_assign_form_names_the_lawyers(client_for, center, manager, case_of):
    named = StaffFactory(role=Role.LAWYER, center=center, first_name="Aliya", last_name="Nurpeisova")
    case = case_of(center)

    page = client_for(manager).get(f"/cases/{case.pk}/")

    assert f'<option value="{named.pk}">Aliya Nurpeisova</option>' in page.text


def test_a_manager_assigns_extends_and_reopens(client_for, center, manager, lawyer, case_of, ref):
    case = case_of(center)
    client = client_for(manager)
    today = timezone.localdate()
    new_due_on = case.due_on + timedelta(days=10)

    assert client.post(f"/cases/{case.pk}/assign/", {"lawyer": lawyer.pk}).status_code == 302
    response = client.post(
        f"/cases/{case.pk}/extend/",
        {
            "new_due_on": new_due_on.isoformat(),
            "reason": "Waiting for the employer's payroll records.",
            "applicant_notified_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.lawyer, case.due_on, case.extensions.count()) == (lawyer, new_due_on, 1)

    services.application_change_status(application=case, by=lawyer, to_status=Status.IN_PROGRESS)
    services.application_decide(application=case, by=lawyer, outcome=ref.rejected)
    assert client.post(f"/cases/{case.pk}/reopen/", {"reason": "New evidence."}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_a_lawyer_is_not_offered_the_managers_actions(client_for, center, lawyer, case_of):
    case = case_of(center, lawyer=lawyer, start=True)

    response = client_for(lawyer).post(f"/cases/{case.pk}/assign/", {"lawyer": lawyer.pk})

    assert response.status_code == 403
    assert "Only a manager" in response.text


def test_the_timeline_merges_everything_in_date_order(client_for, center, manager, lawyer, case_of):
    case = case_of(center, lawyer=lawyer, start=True)
    services.note_add(application=case, by=lawyer, text="Called the employer.")
    services.document_attach(
        application=case, by=lawyer, upload=SimpleUploadedFile("claim.pdf", b"%PDF-1.4 x")
    )
    services.application_extend_deadline(
        application=case,
        by=manager,
        new_due_on=case.due_on + timedelta(days=5),
        reason="Awaiting records.",
        applicant_notified_on=timezone.localdate(),
    )

    response = client_for(manager).get(f"/cases/{case.pk}/")

    timeline = response.context["timeline"]
    kinds = [entry.kind for entry in timeline]
    assert {"status_change", "note", "document", "deadline_extension", "audit"} <= set(kinds)
    assert [entry.at for entry in timeline] == sorted(entry.at for entry in timeline)
    assert "Called the employer." in response.text
    assert "claim.pdf" in response.text
    assert "Awaiting records." in response.text
    # the status change once, from the status history; the audit trail keeps the other changes
    audit_changes = [change for entry in timeline if entry.kind == "audit" for change in entry.changes]
    assert ("status", "Registered", "In progress") not in audit_changes
    assert [entry.title for entry in timeline if entry.kind == "status_change"] == [
        "Registered",
        "Registered → In progress",
    ]
    assert any(name == "due on" for name, _old, _new in audit_changes)


# Documents


def test_a_document_is_uploaded_and_downloaded_only_by_those_who_see_the_case(
    client_for, center, other_center, lawyer, case_of
):
    # given
    case = case_of(center, lawyer=lawyer, start=True)
    client = client_for(lawyer)
    # when
    response = client.post(
        f"/cases/{case.pk}/document/", {"file": SimpleUploadedFile("Order no. 5.pdf", b"%PDF-1.4 order")}
    )
    # then
    assert response.status_code == 302
    document = case.documents.get()
    download = client.get(f"/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 order"
    assert download["Content-Disposition"] == 'attachment; filename="Order no. 5.pdf"'
    assert "no-store" in download["Cache-Control"]
    outsider = StaffFactory(role=Role.MANAGER, center=other_center)
    assert client_for(outsider).get(f"/documents/{document.pk}/download/").status_code == 404


def test_the_analyst_downloads_any_centers_document(client_for, center, lawyer, analyst, case_of):
    case = case_of(center, lawyer=lawyer, start=True)
    document = services.document_attach(
        application=case, by=lawyer, upload=SimpleUploadedFile("a.txt", b"text")
    )

    assert client_for(analyst).get(f"/documents/{document.pk}/download/").status_code == 200


def test_a_refused_upload_says_why_next_to_the_field(client_for, center, lawyer, case_of):
    case = case_of(center, lawyer=lawyer, start=True)

    response = client_for(lawyer).post(
        f"/cases/{case.pk}/document/", {"file": SimpleUploadedFile("virus.exe", b"MZ...")}
    )

    assert response.status_code == 422
    document_form = next(a.form for a in response.context["actions"] if a.slug == "document")
    assert "Accepted file types" in " ".join(document_form.errors["file"])
    assert not case.documents.exists()
