"""/api/v1/applications/: registration, the status machine, role rules, conflict-safe actions,
notes, documents, the timeline, filters and paging."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clinic import services
from clinic.models import Application, Status
from organizations.models import Role
from tests.factories import ApplicationFactory, PersonFactory, StaffFactory
from tests.fixtures.api_support import new_employer

pytestmark = pytest.mark.django_db


def url(application: Application, action: str = "") -> str:
    return f"/api/v1/applications/{application.pk}/" + (f"{action}/" if action else "")


def in_progress(center, lawyer=None) -> Application:
    """A case moved to "in progress" by its lawyer, or by a manager when it has none."""
    application = ApplicationFactory(center=center, lawyer=lawyer)
    by = lawyer or StaffFactory(role=Role.MANAGER, center=center)
    return services.application_change_status(application=application, by=by, to_status=Status.IN_PROGRESS)


def post(client, application: Application, action: str, data: dict, version: int | None = None):
    """POST an action with the ETag of `version` (the application's current one by default)."""
    version = application.version if version is None else version
    return client.post(url(application, action), data, format="json", HTTP_IF_MATCH=f'"{version}"')


class TestRegistration:
    def test_reception_registers_a_numbered_case_with_its_due_date(self, client_for, reception, center, ref):
        person = PersonFactory(center=center)

        response = client_for(reception).post(
            "/api/v1/applications/",
            {
                "person": person.pk,
                "service": "legal_clinic",
                "kind": "written_application",
                "topic": "wages",
                "channel": "in_person",
                "summary": "Wages unpaid since March.",
            },
            format="json",
        )

        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["registration_number"] == f"{center.code}-{timezone.localdate().year}-00001"
        assert body["status"] == "registered"
        assert body["due_on"] > body["received_on"]
        assert body["person"]["id"] == person.pk
        assert response["ETag"] == '"1"'

    def test_missing_and_unknown_fields_are_a_400_per_field(self, client_for, reception, ref):
        response = client_for(reception).post(
            "/api/v1/applications/", {"service": "nonsense", "kind": "written_application"}, format="json"
        )

        assert response.status_code == 400
        assert set(response.json()) == {"person", "service", "topic", "channel"}
        assert response.json()["topic"] == ["This field is required."]

    def test_a_service_rule_is_a_400_on_its_field(self, client_for, reception, center, ref):
        person = PersonFactory(center=center)
        tomorrow = timezone.localdate() + timedelta(days=1)

        response = client_for(reception).post(
            "/api/v1/applications/",
            {
                "person": person.pk,
                "service": "legal_clinic",
                "kind": "written_application",
                "topic": "wages",
                "channel": "in_person",
                "received_on": tomorrow.isoformat(),
            },
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == {"received_on": ["The date of receipt cannot be in the future."]}

    def test_another_centers_person_does_not_exist(self, client_for, reception, other_center, ref):
        person = PersonFactory(center=other_center)

        response = client_for(reception).post(
            "/api/v1/applications/",
            {
                "person": person.pk,
                "service": "legal_clinic",
                "kind": "written_application",
                "topic": "wages",
                "channel": "in_person",
            },
            format="json",
        )

        assert response.status_code == 400
        assert "does not exist" in response.json()["person"][0]


class TestScoping:
    def test_lawyer_sees_only_own_center(self, client_for, lawyer, center, other_center):
        ApplicationFactory.create_batch(3, center=center)
        ApplicationFactory(center=other_center)

        response = client_for(lawyer).get("/api/v1/applications/")

        assert response.status_code == 200
        assert response.json()["count"] == 3

    def test_another_centers_case_is_a_404_for_reads_and_actions(self, client_for, manager, other_center):
        application = ApplicationFactory(center=other_center)
        client = client_for(manager)

        assert client.get(url(application)).status_code == 404
        assert client.get(url(application, "timeline")).status_code == 404
        assert post(client, application, "status", {"status": "in_progress"}).status_code == 404
        assert client.post(url(application, "notes"), {"text": "x"}, format="json").status_code == 404

    def test_analyst_sees_every_center_with_masked_applicants(
        self, client_for, analyst, center, other_center
    ):
        ApplicationFactory(center=center)
        ApplicationFactory(center=other_center)

        body = client_for(analyst).get("/api/v1/applications/").json()

        assert body["count"] == 2
        assert all("*" in row["person"]["iin"] for row in body["results"])


class TestRoles:
    def test_reception_may_not_decide(self, client_for, reception, center, ref):
        application = in_progress(center)

        response = post(client_for(reception), application, "decide", {"outcome": "satisfied"})

        assert response.status_code == 403
        assert "may register cases but not work or decide them" in response.json()["detail"]

    def test_a_lawyer_may_not_work_a_case_assigned_to_another(self, client_for, lawyer, center, ref):
        other_lawyer = StaffFactory(role=Role.LAWYER, center=center)
        application = in_progress(center, lawyer=other_lawyer)
        client = client_for(lawyer)

        assert post(client, application, "decide", {"outcome": "satisfied"}).status_code == 403
        assert client.post(url(application, "notes"), {"text": "x"}, format="json").status_code == 403
        # the role is checked before the body and the If-Match header
        assert client.post(url(application, "decide"), {}, format="json").status_code == 403

    def test_analyst_may_not_change_a_case(self, client_for, analyst, center, ref):
        application = in_progress(center)

        response = post(client_for(analyst), application, "decide", {"outcome": "satisfied"})

        assert response.status_code == 403
        application.refresh_from_db()
        assert application.status == Status.IN_PROGRESS

    def test_only_a_manager_assigns(self, client_for, lawyer, manager, center):
        application = ApplicationFactory(center=center)

        assert post(client_for(lawyer), application, "assign", {"lawyer": lawyer.pk}).status_code == 403
        response = post(client_for(manager), application, "assign", {"lawyer": lawyer.pk})
        assert response.status_code == 200
        assert response.json()["lawyer"]["id"] == lawyer.pk

    def test_a_lawyer_of_another_center_cannot_be_assigned(self, client_for, manager, center, other_center):
        application = ApplicationFactory(center=center)
        stranger = StaffFactory(role=Role.LAWYER, center=other_center)

        response = post(client_for(manager), application, "assign", {"lawyer": stranger.pk})

        assert response.status_code == 400
        assert response.json() == {"lawyer": ["Choose a lawyer of this center."]}


class TestCaseLifecycle:
    def test_assigned_lawyer_works_a_case_to_its_outcome(self, client_for, lawyer, manager, center, ref):
        # given a case assigned to the lawyer
        application = ApplicationFactory(center=center, lawyer=lawyer)
        client = client_for(lawyer)
        # when the lawyer starts it, edits it and decides it, each time with the latest ETag
        response = post(client, application, "status", {"status": "in_progress", "reason": "Started"})
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "in_progress"
        etag = response["ETag"]
        response = client.patch(
            url(application), {"summary": "Wages for 3 months"}, format="json", HTTP_IF_MATCH=etag
        )
        assert response.status_code == 200, response.json()
        etag = response["ETag"]
        response = client.post(
            url(application, "decide"),
            {"outcome": "satisfied", "decision": "Paid in full.", "recovered_kzt": "450000.00"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        # then
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["status"], body["outcome"], body["recovered_kzt"]) == (
            "decided",
            "satisfied",
            "450000.00",
        )
        assert body["summary"] == "Wages for 3 months"
        assert response["ETag"] == '"4"'
        # and a manager reopens it with a reason
        response = client_for(manager).post(
            url(application, "reopen"),
            {"reason": "New evidence"},
            format="json",
            HTTP_IF_MATCH=response["ETag"],
        )
        assert response.status_code == 200, response.json()
        assert (response.json()["status"], response.json()["outcome"]) == ("in_progress", None)

    def test_an_illegal_transition_is_a_400_on_status(self, client_for, manager, center):
        application = ApplicationFactory(center=center)

        response = post(client_for(manager), application, "status", {"status": "closed"})

        assert response.status_code == 400
        assert list(response.json()) == ["status"]

    def test_a_manager_extends_the_deadline(self, client_for, manager, center, ref):
        application = ApplicationFactory(center=center)
        new_due_on = application.due_on + timedelta(days=10)

        response = post(
            client_for(manager),
            application,
            "extend-deadline",
            {
                "new_due_on": new_due_on.isoformat(),
                "reason": "Waiting for the inspection's answer",
                "applicant_notified_on": timezone.localdate().isoformat(),
            },
        )

        assert response.status_code == 200, response.json()
        assert response.json()["due_on"] == new_due_on.isoformat()

    def test_action_without_if_match_is_a_428_and_changes_nothing(self, client_for, manager, center):
        application = ApplicationFactory(center=center)

        response = client_for(manager).post(
            url(application, "status"), {"status": "in_progress"}, format="json"
        )

        assert response.status_code == 428
        application.refresh_from_db()
        assert (application.status, application.version) == (Status.REGISTERED, 1)

    def test_a_stale_if_match_is_a_412_and_changes_nothing(self, client_for, manager, center, ref):
        # given a manager who read version 1, then somebody else moved the case on
        application = ApplicationFactory(center=center)
        services.application_change_status(application=application, by=manager, to_status=Status.IN_PROGRESS)
        # when the manager acts on version 1
        response = post(client_for(manager), application, "status", {"status": "on_hold"}, version=1)
        # then
        assert response.status_code == 412
        assert response.json()["current_version"] == 2
        application.refresh_from_db()
        assert (application.status, application.version) == (Status.IN_PROGRESS, 2)

    def test_patch_edits_only_the_description(self, client_for, manager, center, ref):
        application = ApplicationFactory(center=center)
        employer = new_employer(center=center)

        response = client_for(manager).patch(
            url(application),
            {"employer": employer.pk, "topic": "dismissal", "status": "closed"},
            format="json",
            HTTP_IF_MATCH='"1"',
        )

        assert response.status_code == 200, response.json()
        assert response.json()["employer"]["id"] == employer.pk
        assert response.json()["topic"] == "dismissal"
        assert response.json()["status"] == "registered"  # not an editable field: ignored

    def test_put_is_not_offered(self, client_for, manager, center):
        application = ApplicationFactory(center=center)

        response = client_for(manager).put(url(application), {}, format="json", HTTP_IF_MATCH='"1"')

        assert response.status_code == 405


class TestNotesDocumentsTimeline:
    def test_notes_documents_and_the_timeline(self, client_for, lawyer, center, ref):
        application = in_progress(center, lawyer=lawyer)
        client = client_for(lawyer)

        response = client.post(url(application, "notes"), {"text": "Called the employer."}, format="json")
        assert response.status_code == 201, response.json()
        upload = SimpleUploadedFile("Претензия.pdf", b"%PDF-1.4 letter", content_type="application/pdf")
        response = client.post(url(application, "documents"), {"file": upload}, format="multipart")
        assert response.status_code == 201, response.json()
        document = response.json()

        notes = client.get(url(application, "notes")).json()
        assert [note["text"] for note in notes] == ["Called the employer."]
        assert [d["id"] for d in client.get(url(application, "documents")).json()] == [document["id"]]
        timeline = client.get(url(application, "timeline")).json()
        assert [entry["kind"] for entry in timeline] == ["status_change", "status_change", "note", "document"]
        assert timeline[1]["to_status"] == "in_progress"
        assert timeline[3]["document"]["original_name"] == "Претензия.pdf"
        download = client.get(document["download_url"])
        assert download.status_code == 200
        assert (
            download["Content-Disposition"]
            == "attachment; filename*=utf-8''%D0%9F%D1%80%D0%B5%D1%82%D0%B5%D0%BD%D0%B7%D0%B8%D1%8F.pdf"
        )

    def test_a_document_is_downloaded_as_an_attachment(self, client_for, lawyer, reception, center, ref):
        application = in_progress(center, lawyer=lawyer)
        upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 the letter", content_type="application/pdf")
        document = services.document_attach(application=application, by=lawyer, upload=upload)

        response = client_for(reception).get(f"{url(application)}documents/{document.pk}/")

        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
        assert response["Content-Type"] == "application/pdf"  # from the extension accepted at upload
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == b"%PDF-1.4 the letter"

    def test_another_centers_document_is_a_404(self, client_for, manager, other_center, ref):
        application = in_progress(other_center)
        upload = SimpleUploadedFile("letter.txt", b"secret")
        document = services.document_attach(
            application=application, by=StaffFactory(role=Role.MANAGER, center=other_center), upload=upload
        )

        response = client_for(manager).get(f"{url(application)}documents/{document.pk}/")

        assert response.status_code == 404

    def test_a_document_of_another_case_is_a_404(self, client_for, manager, center, ref):
        mine, other = in_progress(center), in_progress(center)
        document = services.document_attach(
            application=other, by=manager, upload=SimpleUploadedFile("a.txt", b"a")
        )

        assert client_for(manager).get(f"{url(mine)}documents/{document.pk}/").status_code == 404

    def test_a_file_of_the_wrong_type_is_a_400_on_file(self, client_for, manager, center, ref):
        application = in_progress(center)
        upload = SimpleUploadedFile("run.exe", b"MZ\x90\x00")

        response = client_for(manager).post(
            url(application, "documents"), {"file": upload}, format="multipart"
        )

        assert response.status_code == 400
        assert list(response.json()) == ["file"]


class TestFilters:
    def test_status_service_and_overdue(self, client_for, manager, center, ref):
        long_ago = timezone.localdate() - timedelta(days=60)
        late = ApplicationFactory(center=center, received_on=long_ago)
        started = in_progress(center)
        decided = in_progress(center)
        services.application_decide(application=decided, by=manager, outcome=ref.satisfied)
        client = client_for(manager)

        def ids(**params) -> set[int]:
            response = client.get("/api/v1/applications/", params)
            assert response.status_code == 200, response.json()
            return {row["id"] for row in response.json()["results"]}

        assert ids(status="in_progress") == {started.pk}
        assert ids(status=["in_progress", "decided"]) == {started.pk, decided.pk}
        assert ids(overdue="true") == {late.pk}
        assert ids(overdue="false") == {started.pk, decided.pk}
        assert ids(outcome="satisfied") == {decided.pk}
        assert ids(service="legal_clinic") == {late.pk, started.pk, decided.pk}
        assert ids(received_before=(long_ago + timedelta(days=1)).isoformat()) == {late.pk}
        assert ids(received_after=timezone.localdate().isoformat()) == {started.pk, decided.pk}
        assert ids(decided_after=timezone.localdate().isoformat()) == {decided.pk}

    def test_lawyer_employer_and_search(self, client_for, manager, lawyer, center):
        employer = new_employer(center=center)
        mine = ApplicationFactory(center=center, lawyer=lawyer)
        # Names are compared by their spelling keys, letters only: a real name, not "Applicant Number 7".
        aliya = PersonFactory(center=center, full_name="Aliya Nurpeisova")
        theirs = ApplicationFactory(center=center, employer=employer, person=aliya)
        client = client_for(manager)

        def ids(**params) -> list[int]:
            return [row["id"] for row in client.get("/api/v1/applications/", params).json()["results"]]

        assert ids(lawyer=lawyer.pk) == [mine.pk]
        assert ids(employer=employer.pk) == [theirs.pk]
        assert ids(q=mine.registration_number) == [mine.pk]
        assert ids(q=theirs.person.full_name) == [theirs.pk]
        assert ids(q=theirs.person.iin) == [theirs.pk]

    def test_ordering(self, client_for, manager, center):
        today = timezone.localdate()
        older = ApplicationFactory(center=center, received_on=today - timedelta(days=5))
        newer = ApplicationFactory(center=center, received_on=today)
        client = client_for(manager)

        def ids(ordering: str) -> list[int]:
            return [
                row["id"]
                for row in client.get("/api/v1/applications/", {"ordering": ordering}).json()["results"]
            ]

        assert ids("received_on") == [older.pk, newer.pk]
        assert ids("-received_on") == [newer.pk, older.pk]
        assert client.get("/api/v1/applications/", {"ordering": "person__iin"}).status_code == 400

    def test_bad_filter_values_are_a_400(self, client_for, manager):
        response = client_for(manager).get(
            "/api/v1/applications/", {"status": "lost", "received_after": "yesterday", "overdue": "maybe"}
        )

        assert response.status_code == 400
        assert set(response.json()) >= {"status", "received_after"}


def test_page_size_is_capped_at_100(client_for, manager, center):
    person = PersonFactory(center=center)
    ApplicationFactory.create_batch(101, center=center, person=person, registered_by=manager)
    client = client_for(manager)

    capped = client.get("/api/v1/applications/", {"page_size": 500}).json()
    small = client.get("/api/v1/applications/", {"page_size": 5, "page": 2}).json()
    default = client.get("/api/v1/applications/").json()

    assert (capped["count"], len(capped["results"])) == (101, 100)
    assert len(small["results"]) == 5
    assert len(default["results"]) == 50
    assert client.get("/api/v1/applications/", {"page": 99}).status_code == 404
