"""Who may write what (DOMAIN.md, "Access"): reception registers, the assigned lawyer works the
case, a manager does everything in the own center, the federation analyst only reads, and
nobody writes into another center."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clinic import services
from clinic.models import Application, LaborDispute, Note, Outcome, Person, Status, Visit
from organizations.models import Role, User
from tests.factories import (
    ApplicationFactory,
    EmployerFactory,
    PersonFactory,
    StaffFactory,
    channel,
    kind,
    outcome,
    service,
    topic,
)


def _next_status(application: Application) -> Status:
    """An allowed move, so that only the role rules can refuse it."""
    return Status.ON_HOLD if application.status == Status.IN_PROGRESS else Status.IN_PROGRESS


# Every write on an existing case, as (name, call(application, by)).
CASE_WRITES: list[tuple[str, Callable[[Application, User], object]]] = [
    (
        "change status",
        lambda a, by: services.application_change_status(application=a, by=by, to_status=_next_status(a)),
    ),
    ("edit", lambda a, by: services.application_update(application=a, by=by, summary="Corrected.")),
    ("add a note", lambda a, by: services.note_add(application=a, by=by, text="Called the employer.")),
    (
        "attach a document",
        lambda a, by: services.document_attach(
            application=a, by=by, upload=SimpleUploadedFile("claim.pdf", b"%PDF-1.4 claim")
        ),
    ),
    ("decide", lambda a, by: services.application_decide(application=a, by=by, outcome=outcome())),
]
MANAGER_WRITES: list[tuple[str, Callable[[Application, User], object]]] = [
    ("assign", lambda a, by: services.application_assign(application=a, by=by, lawyer=None)),
    (
        "extend the deadline",
        lambda a, by: services.application_extend_deadline(
            application=a,
            by=by,
            new_due_on=a.due_on + timedelta(days=5),
            reason="Awaiting the employer.",
            applicant_notified_on=timezone.localdate(),
        ),
    ),
    ("reopen", lambda a, by: services.application_reopen(application=a, by=by, reason="New facts.")),
]


def _ids(writes):
    return [name for name, _call in writes]


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root


# Reception


@pytest.mark.django_db
def test_reception_registers_persons_visits_and_cases(reception):
    # when
    person = services.person_create(by=reception, full_name="Aigerim Seitkali", phone="+77012345678")
    visit = services.visit_register(by=reception, person=person, channel=channel(), topics=[topic()])
    application = services.visit_open_case(visit=visit, by=reception, service=service(), kind=kind())
    # then
    assert Person.objects.get() == person
    assert Visit.objects.get().result == Visit.Result.CASE_OPENED
    assert Application.objects.get() == application
    assert application.registered_by == reception


@pytest.mark.django_db
@pytest.mark.parametrize(
    "write", [call for _name, call in CASE_WRITES + MANAGER_WRITES], ids=_ids(CASE_WRITES + MANAGER_WRITES)
)
def test_reception_cannot_work_or_decide_cases(register_case, reception, write):
    # given
    application = register_case()
    # when / then
    with pytest.raises(PermissionDenied):
        write(application, reception)


# Lawyers


@pytest.mark.django_db
def test_lawyer_works_a_case_assigned_to_them(register_case, lawyer):
    # given
    application = register_case(lawyer=lawyer)
    # when
    application = services.application_change_status(
        application=application, by=lawyer, to_status=Status.IN_PROGRESS
    )
    services.note_add(application=application, by=lawyer, text="Wrote to the employer.")
    services.application_decide(application=application, by=lawyer, outcome=outcome(Outcome.EXPLAINED))
    # then
    application.refresh_from_db()
    assert application.status == Status.DECIDED
    assert Note.objects.get().author == lawyer


@pytest.mark.django_db
@pytest.mark.parametrize("write", [call for _name, call in CASE_WRITES], ids=_ids(CASE_WRITES))
def test_lawyer_cannot_change_a_colleagues_case(register_case, center, lawyer, write):
    # given
    colleague = StaffFactory(role=Role.LAWYER, center=center)
    application = register_case(lawyer=colleague)
    # when / then
    with pytest.raises(PermissionDenied):
        write(application, lawyer)


@pytest.mark.django_db
@pytest.mark.parametrize("write", [call for _name, call in CASE_WRITES], ids=_ids(CASE_WRITES))
def test_lawyer_cannot_change_an_unassigned_case(register_case, lawyer, write):
    application = register_case()

    with pytest.raises(PermissionDenied):
        write(application, lawyer)


@pytest.mark.django_db
@pytest.mark.parametrize("write", [call for _name, call in CASE_WRITES], ids=_ids(CASE_WRITES))
def test_lawyer_loses_the_case_once_a_manager_reassigns_it(case_in_progress, center, lawyer, manager, write):
    # given: the lawyer still holds the case as it was before the reassignment
    application = case_in_progress()
    services.application_assign(
        application=application, by=manager, lawyer=StaffFactory(role=Role.LAWYER, center=center)
    )
    assert application.lawyer == lawyer  # the stale copy
    # when / then
    with pytest.raises(PermissionDenied):
        write(application, lawyer)
    application.refresh_from_db()
    assert (application.status, application.version) == (Status.IN_PROGRESS, 3)
    assert not application.notes.exists()
    assert not application.documents.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("write", [call for _name, call in MANAGER_WRITES], ids=_ids(MANAGER_WRITES))
def test_only_a_manager_assigns_extends_or_reopens(case_in_progress, lawyer, write):
    # given
    application = services.application_decide(application=case_in_progress(), by=lawyer, outcome=outcome())
    # when / then
    with pytest.raises(PermissionDenied):
        write(application, lawyer)


# Managers


@pytest.mark.django_db
def test_manager_does_everything_in_the_own_center(center, manager, lawyer, media_root):
    # given
    person = services.person_create(by=manager, full_name="Aigerim Seitkali")
    visit = services.visit_register(by=manager, person=person, channel=channel(), topics=[topic()])
    application = services.visit_open_case(visit=visit, by=manager, service=service(), kind=kind())
    # when
    services.person_update(person=person, by=manager, phone="+77012345678")
    application = services.application_assign(application=application, by=manager, lawyer=lawyer)
    services.application_extend_deadline(
        application=application,
        by=manager,
        new_due_on=application.due_on + timedelta(days=5),
        reason="Awaiting the employer.",
        applicant_notified_on=timezone.localdate(),
    )
    for _name, write in CASE_WRITES:
        write(application, manager)
    services.application_reopen(application=application, by=manager, reason="The employer appealed.")
    dispute = services.dispute_register(by=manager, employer=EmployerFactory(center=center), subject="Wages")
    services.dispute_resolve(dispute=dispute, by=manager, result=LaborDispute.Result.PARTLY)
    # then
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS
    assert application.extensions.count() == 1
    assert application.notes.count() == 1
    assert application.documents.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "write", [call for _name, call in CASE_WRITES + MANAGER_WRITES], ids=_ids(CASE_WRITES + MANAGER_WRITES)
)
def test_manager_changes_nothing_in_another_center(other_center, manager, write):
    # given
    other_lawyer = StaffFactory(role=Role.LAWYER, center=other_center)
    application = ApplicationFactory(center=other_center, lawyer=other_lawyer)
    application = services.application_change_status(
        application=application, by=other_lawyer, to_status=Status.IN_PROGRESS
    )
    application = services.application_decide(application=application, by=other_lawyer, outcome=outcome())
    # when / then
    with pytest.raises(PermissionDenied):
        write(application, manager)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.RECEPTION, Role.LAWYER, Role.MANAGER])
def test_nobody_registers_into_another_center(other_center, role):
    # given
    user = StaffFactory(role=role, center=PersonFactory().center)
    stranger = PersonFactory(center=other_center)
    # when / then
    with pytest.raises(PermissionDenied):
        services.person_update(person=stranger, by=user, phone="+77012345678")
    with pytest.raises(PermissionDenied):
        services.visit_register(by=user, person=stranger, channel=channel(), topics=[topic()])
    with pytest.raises(PermissionDenied):
        services.application_register(
            by=user, person=stranger, service=service(), kind=kind(), topic=topic(), channel=channel()
        )
    assert not Visit.objects.exists()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_a_case_cannot_be_given_to_a_lawyer_of_another_center(register_case, manager, other_center):
    # given
    application = register_case()
    outsider = StaffFactory(role=Role.LAWYER, center=other_center)
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.application_assign(application=application, by=manager, lawyer=outsider)
    # then
    assert "lawyer" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        register_case(lawyer=outsider)


@pytest.mark.django_db
def test_manager_cannot_touch_another_centers_dispute(other_center, manager):
    # given
    other_lawyer = StaffFactory(role=Role.LAWYER, center=other_center)
    dispute = services.dispute_register(
        by=other_lawyer, employer=EmployerFactory(center=other_center), subject="Unpaid wages"
    )
    # when / then
    with pytest.raises(PermissionDenied):
        services.dispute_move_stage(dispute=dispute, by=manager, stage=LaborDispute.Stage.COURT)
    with pytest.raises(PermissionDenied):
        services.dispute_resolve(dispute=dispute, by=manager, result=LaborDispute.Result.IN_FAVOR)


# Federation analysts


@pytest.mark.django_db
def test_federation_analyst_writes_nothing(analyst, center, register_case, lawyer):
    # given
    application = register_case(lawyer=lawyer)
    person = application.person
    employer = EmployerFactory(center=center)
    dispute = services.dispute_register(by=lawyer, employer=employer, subject="Unpaid wages")
    writes = [
        lambda: services.person_create(by=analyst, center=center, full_name="Aigerim Seitkali"),
        lambda: services.person_update(person=person, by=analyst, phone="+77012345678"),
        lambda: services.visit_register(by=analyst, person=person, channel=channel(), topics=[topic()]),
        lambda: services.application_register(
            by=analyst, person=person, service=service(), kind=kind(), topic=topic(), channel=channel()
        ),
        *[(lambda call=call: call(application, analyst)) for _name, call in CASE_WRITES + MANAGER_WRITES],
        lambda: services.dispute_register(by=analyst, center=center, employer=employer, subject="Wages"),
        lambda: services.dispute_resolve(dispute=dispute, by=analyst, result=LaborDispute.Result.IN_FAVOR),
        lambda: services.prevented_dispute_record(
            by=analyst, center=center, employer=employer, prevented_on=timezone.localdate(), how="Talks."
        ),
    ]
    # when / then
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    application.refresh_from_db()
    assert (application.status, application.version) == (Status.REGISTERED, 1)
    assert Person.objects.count() == 1
    assert Decimal(dispute.recovered_kzt) == 0


@pytest.mark.django_db
def test_a_deactivated_manager_writes_nothing(register_case, manager):
    # given
    application = register_case()
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    # when / then
    with pytest.raises(PermissionDenied):
        services.application_assign(application=application, by=manager, lawyer=None)
