"""The audit trail: every change to a person, visit, case, note, document or dispute leaves an
auditlog entry attributed to the user who made it, with the old and new values."""

from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clinic import services
from clinic.models import Outcome, Status
from tests.factories import EmployerFactory, channel, kind, outcome, service, topic

CREATE, UPDATE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE


def _last_entry(instance) -> LogEntry:
    return LogEntry.objects.get_for_object(instance).order_by("pk").last()


def _changes(entry: LogEntry) -> dict[str, list[str | None]]:
    """Old and new values as text, however auditlog happens to serialise them."""
    return {
        field: [None if value in (None, "None") else str(value) for value in values]
        for field, values in entry.changes_dict.items()
    }


@pytest.mark.django_db
def test_person_create_and_update_are_audited_with_old_and_new_values(reception, manager):
    # given
    person = services.person_create(by=reception, full_name="Aigerim Seitkali", phone="+77012345678")
    # when
    services.person_update(person=person, by=manager, phone="8 701 765 43 21", is_union_member=True)
    # then
    created, updated = LogEntry.objects.get_for_object(person).order_by("pk")
    assert (created.action, created.actor) == (CREATE, reception)
    assert _changes(created)["full_name"] == [None, "Aigerim Seitkali"]
    assert (updated.action, updated.actor) == (UPDATE, manager)
    assert _changes(updated) == {
        "phone": ["+7********78", "+7********21"],  # personal data: the trail says it changed, masked
        "is_union_member": ["False", "True"],
    }


@pytest.mark.django_db
def test_visit_and_case_creation_are_audited(reception, person):
    # when
    visit = services.visit_register(by=reception, person=person, channel=channel(), topics=[topic()])
    application = services.visit_open_case(visit=visit, by=reception, service=service(), kind=kind())
    # then
    visit_entries = list(LogEntry.objects.get_for_object(visit).order_by("pk"))
    assert visit_entries[0].action == CREATE
    assert {entry.actor for entry in visit_entries} == {reception}
    assert _changes(visit_entries[-1])["result"] == ["pending", "case_opened"]
    entry = _last_entry(application)
    assert (entry.action, entry.actor) == (CREATE, reception)
    assert _changes(entry)["registration_number"] == [None, application.registration_number]
    # and only the record's own fields: not the records pointing at it (its notes, events, documents)
    own_fields = {field.name for field in type(application)._meta.concrete_fields}
    assert set(_changes(entry)) <= own_fields
    assert not {"notes", "events", "documents", "status_changes"} & set(_changes(entry))


@pytest.mark.django_db
def test_status_change_is_audited_with_the_old_and_new_status(register_case, lawyer):
    # given
    application = register_case(lawyer=lawyer)
    # when
    services.application_change_status(application=application, by=lawyer, to_status=Status.IN_PROGRESS)
    # then
    entry = _last_entry(application)
    assert (entry.action, entry.actor) == (UPDATE, lawyer)
    assert _changes(entry) == {"status": [Status.REGISTERED, Status.IN_PROGRESS]}


@pytest.mark.django_db
def test_decision_is_audited(case_in_progress, lawyer):
    # given
    application = case_in_progress()
    # when
    services.application_decide(
        application=application, by=lawyer, outcome=outcome(Outcome.SATISFIED), recovered_kzt=Decimal("5000")
    )
    # then
    entry = _last_entry(application)
    changes = _changes(entry)
    assert (entry.action, entry.actor) == (UPDATE, lawyer)
    assert changes["status"] == [Status.IN_PROGRESS, Status.DECIDED]
    assert changes["outcome"] == [None, Outcome.SATISFIED]
    assert changes["recovered_kzt"][1] == "5000"
    assert "decided_on" in changes


@pytest.mark.django_db
def test_assignment_is_audited(register_case, lawyer, manager):
    # given
    application = register_case()
    # when
    services.application_assign(application=application, by=manager, lawyer=lawyer)
    # then
    entry = _last_entry(application)
    assert (entry.action, entry.actor) == (UPDATE, manager)
    assert _changes(entry) == {"lawyer": [None, str(lawyer.pk)]}


@pytest.mark.django_db
def test_deadline_extension_is_audited(register_case, manager):
    # given
    application = register_case()
    # when
    extension = services.application_extend_deadline(
        application=application,
        by=manager,
        new_due_on=application.due_on + timedelta(days=7),
        reason="Awaiting the inspection's answer.",
        applicant_notified_on=timezone.localdate(),
    )
    # then
    assert (_last_entry(extension).action, _last_entry(extension).actor) == (CREATE, manager)
    assert _changes(_last_entry(application))["due_on"] == [
        str(extension.previous_due_on),
        str(extension.new_due_on),
    ]


@pytest.mark.django_db
def test_note_and_document_are_audited(register_case, lawyer, media_root):
    # given
    application = register_case(lawyer=lawyer)
    # when
    note = services.note_add(application=application, by=lawyer, text="Called the employer.")
    document = services.document_attach(
        application=application, by=lawyer, upload=SimpleUploadedFile("claim.pdf", b"%PDF-1.4 claim")
    )
    # then
    assert (_last_entry(note).action, _last_entry(note).actor) == (CREATE, lawyer)
    document_entry = _last_entry(document)
    assert (document_entry.action, document_entry.actor) == (CREATE, lawyer)
    assert _changes(document_entry)["original_name"] == [None, "claim.pdf"]
    assert "token" not in _changes(document_entry)  # the storage key stays out of the trail


@pytest.mark.django_db
def test_dispute_creation_and_resolution_are_audited(center, lawyer, manager):
    # given
    dispute = services.dispute_register(
        by=lawyer, employer=EmployerFactory(center=center), subject="Unpaid wages"
    )
    # when
    services.dispute_resolve(dispute=dispute, by=manager, result="in_favor", recovered_kzt=Decimal("120000"))
    # then
    created, resolved = (
        LogEntry.objects.get_for_object(dispute).filter(action__in=[CREATE, UPDATE]).order_by("pk")
    )
    assert (created.action, created.actor) == (CREATE, lawyer)
    assert (resolved.action, resolved.actor) == (UPDATE, manager)
    assert _changes(resolved)["result"] == ["", "in_favor"]
    assert _changes(resolved)["recovered_kzt"][1] == "120000"


@pytest.mark.django_db
def test_every_entry_names_its_actor(register_case, lawyer, manager):
    # given
    application = register_case(lawyer=lawyer)
    before = LogEntry.objects.order_by("pk").last().pk
    # when
    services.application_change_status(application=application, by=lawyer, to_status=Status.IN_PROGRESS)
    services.note_add(application=application, by=lawyer, text="Asked for the payslips.")
    services.application_assign(application=application, by=manager, lawyer=None)
    # then
    written = LogEntry.objects.filter(pk__gt=before)
    assert written.count() == 3
    assert {entry.actor for entry in written} == {lawyer, manager}
    assert not written.filter(actor__isnull=True).exists()
