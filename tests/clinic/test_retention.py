"""Retention: what is due is anonymised while every report figure stays; held records are kept; each
run writes its destruction record; a second run destroys nothing more; a dry run changes nothing."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from clinic import services
from clinic.models import (
    Application,
    DestructionRecord,
    Event,
    LaborDispute,
    OnlineSubmission,
    OutgoingMessage,
    Person,
    RetentionRun,
    Status,
    Visit,
)
from clinic.services import retention as retention_services
from clinic.services.retention import ANONYMISED_NAME, retention_run
from clinic.tasks import apply_retention
from organizations.models import Role
from reports.periods import Period, PeriodKind
from reports.queries import report_figures
from tests.factories import (
    ApplicationFactory,
    EmployerFactory,
    PersonFactory,
    StaffFactory,
    VisitFactory,
    outcome,
    topic,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference")]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TODAY = timezone.localdate()
# Six years on: past every default period (5 years for closed cases, 3 and 1 for the others).
LATER = TODAY + timedelta(days=6 * 366)
THIS_YEAR = Period(PeriodKind.YEAR, TODAY.replace(month=1, day=1))


def closed_case(center, manager, *, person=None, summary="Уволен без приказа", with_document=True):
    """A case received today, decided with money recovered, closed, with a note and a document."""
    case = ApplicationFactory(center=center, person=person or PersonFactory(center=center), summary=summary)
    services.application_change_status(application=case, by=manager, to_status=Status.IN_PROGRESS)
    services.note_add(application=case, by=manager, text="Позвонил работодателю Ахметову")
    if with_document:
        services.document_attach(application=case, by=manager, upload=SimpleUploadedFile("Приказ.pdf", PDF))
    case = services.application_decide(
        application=case,
        by=manager,
        outcome=outcome(),
        decision="Восстановлен",
        recovered_kzt=Decimal("150000"),
    )
    return services.application_change_status(application=case, by=manager, to_status=Status.CLOSED)


def consultation(center, manager, person=None):
    visit = VisitFactory(person=person or PersonFactory(center=center), question="Сколько дней отпуска?")
    return services.visit_answer_on_spot(visit=visit, by=manager, action_taken="Разъяснено: 24 дня")


def online_question(center):
    submission, _code = services.online_submission_create(
        center=center,
        full_name="Айгүл Серікова",
        phone="+77015550011",
        iin="",
        topic=topic(),
        question="Не платят сверхурочные",
        consent=True,
        uploads=[SimpleUploadedFile("Табель.pdf", PDF)],
    )
    return submission


def figures(center):
    return report_figures(center_id=center.pk, period=THIS_YEAR, as_of=timezone.now())


def test_a_run_anonymises_what_is_due_and_every_report_figure_stays(
    center, manager, django_capture_on_commit_callbacks
):
    # given a closed case (with a note and a document), a consultation, an online question, and an open case
    closed = closed_case(center, manager)
    document_file = closed.documents.get().file.name
    given = consultation(center, manager)
    asked = online_question(center)
    attachment_file = asked.attachments.get().file.name
    open_case = ApplicationFactory(center=center)
    before = figures(center)

    # when the retention rules run six years on (the files go once their batch commits)
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run(started_by="test", today=LATER)

    # then the report has the same figures
    assert figures(center) == before
    # and the closed case lost its texts, notes and documents (the files too), and its person their data
    closed.refresh_from_db()
    assert (closed.summary, closed.decision, closed.anonymised_at is not None) == ("", "", True)
    assert (closed.status, closed.recovered_kzt, closed.outcome_id) == (
        Status.CLOSED,
        Decimal("150000"),
        "satisfied",
    )
    assert list(closed.notes.values_list("text", flat=True)) == [""]
    assert not closed.documents.exists()
    assert not default_storage.exists(document_file)
    person = Person.objects.get(pk=closed.person_id)
    assert (person.full_name, person.iin, person.phone, person.name_key) == (ANONYMISED_NAME, "", "", "")
    # and the consultation and the online question lost theirs
    given.refresh_from_db()
    assert (given.question, given.action_taken, given.result) == ("", "", Visit.Result.CONSULTATION)
    asked = OnlineSubmission.objects.get(pk=asked.pk)
    assert (asked.full_name, asked.phone) == ("", "")
    assert not asked.attachments.exists()
    assert not default_storage.exists(attachment_file)
    # and the open case and its person are kept
    open_case.refresh_from_db()
    assert open_case.anonymised_at is None
    assert Person.objects.get(pk=open_case.person_id).anonymised_at is None
    # and the destruction record says what went, under which rule
    counts = {(record.rule, record.kind): record.count for record in run.records.all()}
    assert counts == {
        ("closed_cases", DestructionRecord.Kind.CASES): 1,
        ("closed_cases", DestructionRecord.Kind.DOCUMENTS): 1,
        ("consultations", DestructionRecord.Kind.CONSULTATIONS): 1,
        ("online_questions", DestructionRecord.Kind.ONLINE_QUESTIONS): 1,
        ("online_questions", DestructionRecord.Kind.DOCUMENTS): 1,
        ("persons", DestructionRecord.Kind.PERSONS): 3,
    }
    assert run.finished_at is not None


def test_the_messages_and_hearings_of_an_anonymised_case_lose_their_text(
    center, manager, django_capture_on_commit_callbacks
):
    person = PersonFactory(
        center=center, phone="+77015554433", notify_by_sms=True, notify_consent_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        closed = closed_case(center, manager, person=person, with_document=False)
    services.event_create(
        by=manager,
        record=closed,
        kind=Event.Kind.HEARING,
        starts_at=timezone.now(),
        place="Суд Алмалинского района",
        notes="Свидетель: Ахметов",
    )
    sent = OutgoingMessage.objects.filter(person=person)
    assert sent.exists()

    retention_run(started_by="test", today=LATER)

    assert set(sent.values_list("recipient", "body")) == {("", "")}
    assert set(sent.values_list("channel", flat=True)) == {"sms"}  # that it went, and how, stays
    event = closed.events.get()
    assert (event.notes, event.outcome, event.kind) == ("", "", Event.Kind.HEARING)


def test_nothing_is_due_before_its_period(center, manager):
    closed_case(center, manager)
    consultation(center, manager)

    run = retention_run(started_by="test", today=TODAY + timedelta(days=365 * 2))

    # two years on: the consultation (3 years) and the case (5 years) are kept
    assert sum(record.count for record in run.records.all()) == 0
    assert not Application.objects.filter(anonymised_at__isnull=False).exists()


def test_a_second_run_destroys_nothing_more(center, manager):
    closed_case(center, manager)
    consultation(center, manager)
    online_question(center)
    retention_run(started_by="test", today=LATER)

    second = retention_run(started_by="test", today=LATER)

    assert second.records.count() == 6
    assert [record.count for record in second.records.all()] == [0] * 6


def test_a_person_with_an_open_case_is_held_with_all_their_records(center, manager):
    person = PersonFactory(center=center)
    closed = closed_case(center, manager, person=person)
    given = consultation(center, manager, person=person)
    ApplicationFactory(center=center, person=person)  # open

    retention_run(started_by="test", today=LATER)

    closed.refresh_from_db()
    given.refresh_from_db()
    person.refresh_from_db()
    assert closed.summary == "Уволен без приказа"
    assert closed.documents.exists()
    assert given.question == "Сколько дней отпуска?"
    assert person.anonymised_at is None


def test_a_closed_case_in_an_unresolved_dispute_is_held(center, manager):
    closed = closed_case(center, manager)
    dispute = services.dispute_register(
        by=manager, center=center, employer=EmployerFactory(), subject="Сокращение без уведомления"
    )
    dispute.applications.add(closed)

    retention_run(started_by="test", today=LATER)
    closed.refresh_from_db()
    assert closed.anonymised_at is None

    LaborDispute.objects.filter(pk=dispute.pk).update(result=LaborDispute.Result.PARTLY, resolved_on=TODAY)
    retention_run(started_by="test", today=LATER)
    closed.refresh_from_db()
    assert closed.anonymised_at is not None


def test_the_audit_trail_keeps_who_and_when_but_not_the_values(center, manager):
    closed = closed_case(center, manager)
    person = Person.objects.get(pk=closed.person_id)
    name = person.full_name
    trail = LogEntry.objects.get_for_object(person).order_by("pk")
    who_and_when = list(trail.values_list("action", "actor_id", "timestamp"))

    retention_run(started_by="test", today=LATER)

    # the anonymisation itself adds no entry (which would copy the values), and the entries keep the rest
    assert list(trail.values_list("action", "actor_id", "timestamp")) == who_and_when
    assert not LogEntry.objects.filter(object_repr__contains=name).exists()
    assert not any(name in str(entry.changes) for entry in LogEntry.objects.all())


def test_batches_count_every_record_once(center, manager, monkeypatch):
    monkeypatch.setattr(retention_services, "BATCH", 2)
    for _ in range(5):
        closed_case(center, manager, with_document=False)

    run = retention_run(started_by="test", today=LATER)

    assert run.records.get(rule="closed_cases", kind=DestructionRecord.Kind.CASES).count == 5
    assert run.records.get(rule="persons").count == 5


def test_the_dry_run_lists_what_would_go_and_changes_nothing(center, manager, monkeypatch):
    closed = closed_case(center, manager)
    consultation(center, manager)
    monkeypatch.setattr(timezone, "localdate", lambda *args: LATER)

    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)

    text = out.getvalue()
    assert "closed_cases: 1 cases" in text
    assert closed.registration_number in text
    assert "consultations: 1 consultations" in text
    assert "persons: 2 persons" in text
    assert "Dry run: nothing was changed." in text
    assert not RetentionRun.objects.exists()
    assert not Person.objects.filter(anonymised_at__isnull=False).exists()


def test_the_periods_are_configuration(center, manager, settings):
    settings.RETENTION_YEARS = {"closed_cases": 1, "consultations": 1, "online_questions": 1}
    closed_case(center, manager)

    run = retention_run(started_by="test", today=TODAY + timedelta(days=400))

    assert run.records.get(rule="closed_cases", kind=DestructionRecord.Kind.CASES).count == 1


def test_the_beat_task_runs_the_rules_and_names_itself(center, manager, monkeypatch):
    closed_case(center, manager)
    monkeypatch.setattr(timezone, "localdate", lambda *args: LATER)

    run_id = apply_retention.delay().get()

    run = RetentionRun.objects.get(pk=run_id)
    assert run.started_by.startswith("clinic.tasks.apply_retention ")
    assert run.records.get(rule="closed_cases", kind=DestructionRecord.Kind.CASES).count == 1


# What the federation reads and exports


@pytest.fixture
def a_run(center, manager):
    closed_case(center, manager, with_document=False)
    consultation(center, manager)
    return retention_run(started_by="clinic.tasks.apply_retention 5f1c", today=LATER)


def test_the_federation_reads_the_destruction_records_on_a_page_in_russian(client, analyst, a_run):
    client.force_login(analyst)

    page = client.get("/retention/", HTTP_ACCEPT_LANGUAGE="ru")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Уничтоженные персональные данные" in text
    assert "Консультации, данные на месте" in text
    assert "clinic.tasks.apply_retention 5f1c" in text


def test_the_federation_exports_them_as_csv(client, analyst, a_run):
    client.force_login(analyst)

    download = client.get("/retention/", {"download": "csv"}, HTTP_ACCEPT_LANGUAGE="ru")

    assert download["Content-Type"].startswith("text/csv")
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[-1] == "Обезличено записей"
    rows = [line.split(";") for line in lines[1:]]
    assert len(rows) == a_run.records.count()
    consultations = next(row for row in rows if row[3] == "consultations")
    assert consultations[-1] == "1"


def test_the_api_lists_them_for_the_federation(api_client, analyst, a_run):
    api_client.force_authenticate(analyst)

    answer = api_client.get("/api/v1/destruction-records/")

    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert {(row["rule"], row["kind"], row["count"]) for row in rows} >= {
        ("closed_cases", "cases", 1),
        ("consultations", "consultations", 1),
        ("persons", "persons", 2),
    }
    assert all(row["started_by"] == "clinic.tasks.apply_retention 5f1c" for row in rows)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LAWYER, Role.RECEPTION])
def test_center_staff_may_not_read_them(client, api_client, center, role, a_run):
    user = StaffFactory(role=role, center=center)
    client.force_login(user)
    api_client.force_authenticate(user)

    assert client.get("/retention/").status_code == 403
    assert api_client.get("/api/v1/destruction-records/").status_code == 403
    assert client.get(f"/admin/clinic/retentionrun/{a_run.pk}/change/").status_code in (302, 403)


def test_the_admin_shows_a_run_with_its_records_read_only(admin_client, a_run):
    page = admin_client.get(f"/admin/clinic/retentionrun/{a_run.pk}/change/")

    assert page.status_code == 200
    assert "clinic.tasks.apply_retention 5f1c" in page.content.decode()
    assert admin_client.post(f"/admin/clinic/retentionrun/{a_run.pk}/delete/").status_code == 403
