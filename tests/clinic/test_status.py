"""The status machine of a case: registered -> in progress <-> on hold -> decided -> closed, with a
manager's reasoned reopening; deciding records the outcome and the money recovered."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clinic import services
from clinic.models import Application, Outcome, Status
from tests.factories import outcome


def _decide(application: Application, by, **kwargs) -> Application:
    kwargs.setdefault("outcome", outcome(Outcome.SATISFIED))
    return services.application_decide(application=application, by=by, **kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "refused"),
    [
        pytest.param([], Status.DECIDED, id="registered -> decided"),
        pytest.param([], Status.ON_HOLD, id="registered -> on_hold"),
        pytest.param([], Status.CLOSED, id="registered -> closed"),
        pytest.param([Status.IN_PROGRESS, Status.ON_HOLD], Status.CLOSED, id="on_hold -> closed"),
        pytest.param([Status.IN_PROGRESS], Status.REGISTERED, id="in_progress -> registered"),
    ],
)
def test_refused_transitions(register_case, lawyer, path, refused):
    # given
    application = register_case(lawyer=lawyer)
    for status in path:
        application = services.application_change_status(application=application, by=lawyer, to_status=status)
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.application_change_status(application=application, by=lawyer, to_status=refused)
    # then
    assert "status" in excinfo.value.message_dict
    application.refresh_from_db()
    assert application.status == (path[-1] if path else Status.REGISTERED)
    assert application.status_changes.count() == 1 + len(path)


@pytest.mark.django_db
def test_closed_case_cannot_be_moved_back_into_work(case_in_progress, lawyer):
    # given
    application = _decide(case_in_progress(), lawyer)
    application = services.application_change_status(
        application=application, by=lawyer, to_status=Status.CLOSED
    )
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.application_change_status(application=application, by=lawyer, to_status=Status.IN_PROGRESS)
    # then
    assert "status" in excinfo.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.CLOSED


@pytest.mark.django_db
def test_allowed_transitions_are_kept_in_the_timeline(register_case, lawyer):
    # given
    application = register_case(lawyer=lawyer)
    # when
    for status in (Status.IN_PROGRESS, Status.ON_HOLD, Status.IN_PROGRESS):
        application = services.application_change_status(
            application=application, by=lawyer, to_status=status, reason=f"to {status}"
        )
    # then
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS
    assert [(c.from_status, c.to_status, c.changed_by) for c in application.status_changes.all()] == [
        ("", Status.REGISTERED, application.registered_by),
        (Status.REGISTERED, Status.IN_PROGRESS, lawyer),
        (Status.IN_PROGRESS, Status.ON_HOLD, lawyer),
        (Status.ON_HOLD, Status.IN_PROGRESS, lawyer),
    ]


@pytest.mark.django_db
def test_deciding_needs_an_outcome(case_in_progress, lawyer):
    # given
    application = case_in_progress()
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.application_decide(application=application, by=lawyer, outcome=None)
    # then
    assert "outcome" in excinfo.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_a_registered_case_cannot_be_decided_before_it_is_taken_into_work(register_case, lawyer):
    application = register_case(lawyer=lawyer)

    with pytest.raises(ValidationError) as excinfo:
        _decide(application, lawyer)

    assert "status" in excinfo.value.message_dict


@pytest.mark.django_db
def test_deciding_records_outcome_money_and_date(case_in_progress, lawyer):
    # given
    application = case_in_progress()
    # when
    _decide(
        application,
        lawyer,
        outcome=outcome(Outcome.PARTIALLY_SATISFIED),
        decision="Wage arrears paid in part.",
        recovered_kzt=Decimal("250000.50"),
    )
    # then
    application.refresh_from_db()
    assert application.status == Status.DECIDED
    assert application.outcome_id == Outcome.PARTIALLY_SATISFIED
    assert application.decided_on == timezone.localdate()
    assert application.recovered_kzt == Decimal("250000.50")
    assert application.decision == "Wage arrears paid in part."
    assert not application.is_open


@pytest.mark.django_db
def test_money_recovered_is_never_negative(case_in_progress, lawyer):
    # given
    application = case_in_progress()
    # when
    with pytest.raises(ValidationError) as excinfo:
        _decide(application, lawyer, recovered_kzt=Decimal("-1"))
    # then
    assert "recovered_kzt" in excinfo.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS
    assert application.recovered_kzt == Decimal(0)


@pytest.mark.django_db
def test_decided_case_is_closed(case_in_progress, lawyer):
    # given
    application = _decide(case_in_progress(), lawyer)
    # when
    services.application_change_status(application=application, by=lawyer, to_status=Status.CLOSED)
    # then
    application.refresh_from_db()
    assert application.status == Status.CLOSED
    assert application.outcome_id == Outcome.SATISFIED


@pytest.mark.django_db
@pytest.mark.parametrize("close_first", [False, True], ids=["decided", "closed"])
def test_manager_reopens_with_a_reason_and_the_outcome_is_cleared(
    case_in_progress, lawyer, manager, close_first
):
    # given
    application = _decide(case_in_progress(), lawyer)
    if close_first:
        application = services.application_change_status(
            application=application, by=lawyer, to_status=Status.CLOSED
        )
    # when
    services.application_reopen(application=application, by=manager, reason="The employer did not pay.")
    # then
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS
    assert application.outcome is None
    assert application.decided_on is None
    last = application.status_changes.last()
    assert (last.to_status, last.reason, last.changed_by) == (
        Status.IN_PROGRESS,
        "The employer did not pay.",
        manager,
    )


@pytest.mark.django_db
def test_reopening_needs_a_reason(case_in_progress, lawyer, manager):
    application = _decide(case_in_progress(), lawyer)

    with pytest.raises(ValidationError) as excinfo:
        services.application_reopen(application=application, by=manager, reason="  ")

    assert "reason" in excinfo.value.message_dict


@pytest.mark.django_db
def test_lawyer_cannot_reopen_even_their_own_case(case_in_progress, lawyer):
    # given
    application = _decide(case_in_progress(), lawyer)
    # when
    with pytest.raises(PermissionDenied):
        services.application_reopen(application=application, by=lawyer, reason="I was wrong.")
    # then
    application.refresh_from_db()
    assert application.status == Status.DECIDED
