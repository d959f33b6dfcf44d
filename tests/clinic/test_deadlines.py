"""Deadlines: 15 working days for a written application (weekends and the holidays of
seeds/holidays.json skipped), the same day for an oral consultation, and a manager's reasoned
extension of at most 2 months from receipt, the applicant told within 3 working days."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clinic import services, workdays
from clinic.models import ApplicationKind, DeadlineExtension
from tests.factories import kind


@pytest.mark.django_db
def test_written_application_due_in_15_working_days_across_nauryz_and_weekends(register_case):
    # given: Friday 19 March 2021; the holiday file lists Nauryz 21-23 March (Sunday-Tuesday)
    # and Wednesday 24 March as the day off in lieu of the Sunday
    assert {date(2021, 3, 21), date(2021, 3, 22), date(2021, 3, 23), date(2021, 3, 24)} <= workdays.holidays()
    # when
    application = register_case(kind=kind(ApplicationKind.WRITTEN_APPLICATION), received_on=date(2021, 3, 19))
    # then: 20-24 March are skipped; 25, 26, 29, 30, 31 March, 1, 2, 5, 6, 7, 8, 9, 12, 13, 14 April
    assert application.received_on == date(2021, 3, 19)
    assert application.due_on == date(2021, 4, 14)
    assert workdays.working_days_between(date(2021, 3, 19), application.due_on) == 15


@pytest.mark.django_db
def test_oral_consultation_is_due_on_the_day(register_case):
    application = register_case(kind=kind(ApplicationKind.ORAL_CONSULTATION), received_on=date(2021, 3, 19))

    assert application.due_on == date(2021, 3, 19)


@pytest.mark.django_db
def test_receipt_in_the_future_is_refused(register_case):
    with pytest.raises(ValidationError) as excinfo:
        register_case(received_on=timezone.localdate() + timedelta(days=1))

    assert "received_on" in excinfo.value.message_dict


# Extensions


@pytest.fixture
def written_case(register_case, lawyer):
    return register_case(kind=kind(ApplicationKind.WRITTEN_APPLICATION), lawyer=lawyer)


def _extend(application, by, **kwargs):
    kwargs.setdefault("new_due_on", application.due_on + timedelta(days=10))
    kwargs.setdefault("reason", "The employer's answer is awaited.")
    kwargs.setdefault("applicant_notified_on", timezone.localdate())
    return services.application_extend_deadline(application=application, by=by, **kwargs)


@pytest.mark.django_db
def test_manager_extends_the_deadline_and_who_why_and_when_told_are_recorded(written_case, manager):
    # given
    previous_due_on = written_case.due_on
    told_on = workdays.add_working_days(timezone.localdate(), 3)
    # when
    extension = _extend(
        written_case,
        manager,
        new_due_on=previous_due_on + timedelta(days=10),
        reason="  The employer's answer is awaited. ",
        applicant_notified_on=told_on,
    )
    # then
    extension.refresh_from_db()
    assert extension.previous_due_on == previous_due_on
    assert extension.new_due_on == previous_due_on + timedelta(days=10)
    assert extension.extended_by == manager
    assert extension.reason == "The employer's answer is awaited."
    assert extension.applicant_notified_on == told_on
    assert timezone.now() - extension.extended_at < timedelta(minutes=1)
    written_case.refresh_from_db()
    assert written_case.due_on == previous_due_on + timedelta(days=10)


@pytest.mark.django_db
def test_extension_up_to_exactly_2_months_from_receipt_is_allowed(written_case, manager):
    limit = written_case.received_on + relativedelta(months=2)

    _extend(written_case, manager, new_due_on=limit)

    written_case.refresh_from_db()
    assert written_case.due_on == limit


@pytest.mark.django_db
def test_extension_beyond_2_months_from_receipt_is_refused(written_case, manager):
    # given
    limit = written_case.received_on + relativedelta(months=2)
    # when
    with pytest.raises(ValidationError) as excinfo:
        _extend(written_case, manager, new_due_on=limit + timedelta(days=1))
    # then
    assert "new_due_on" in excinfo.value.message_dict
    assert not DeadlineExtension.objects.exists()


@pytest.mark.django_db
def test_two_extensions_together_stay_within_2_months(written_case, manager):
    # given
    limit = written_case.received_on + relativedelta(months=2)
    written_case_extended = _extend(written_case, manager, new_due_on=limit - timedelta(days=7)).application
    # when
    with pytest.raises(ValidationError) as excinfo:
        _extend(written_case_extended, manager, new_due_on=limit + timedelta(days=7))
    # then
    assert "new_due_on" in excinfo.value.message_dict
    assert DeadlineExtension.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, -1], ids=["same date", "earlier date"])
def test_extension_must_move_the_deadline_later(written_case, manager, days):
    with pytest.raises(ValidationError) as excinfo:
        _extend(written_case, manager, new_due_on=written_case.due_on + timedelta(days=days))

    assert "new_due_on" in excinfo.value.message_dict


@pytest.mark.django_db
def test_an_oral_consultation_deadline_cannot_be_extended(register_case, lawyer, manager):
    # given
    application = register_case(kind=kind(ApplicationKind.ORAL_CONSULTATION), lawyer=lawyer)
    # when
    with pytest.raises(ValidationError) as excinfo:
        _extend(application, manager, new_due_on=application.due_on + timedelta(days=3))
    # then
    assert "new_due_on" in excinfo.value.message_dict


@pytest.mark.django_db
def test_a_lawyer_cannot_extend_even_their_own_case(written_case, lawyer):
    with pytest.raises(PermissionDenied):
        _extend(written_case, lawyer)

    assert not DeadlineExtension.objects.exists()


@pytest.mark.django_db
def test_extension_needs_a_reason(written_case, manager):
    with pytest.raises(ValidationError) as excinfo:
        _extend(written_case, manager, reason=" ")

    assert "reason" in excinfo.value.message_dict


@pytest.mark.django_db
def test_applicant_told_more_than_3_working_days_away_is_refused(written_case, manager):
    # given
    too_late = workdays.add_working_days(timezone.localdate(), 4)
    # when
    with pytest.raises(ValidationError) as excinfo:
        _extend(written_case, manager, applicant_notified_on=too_late)
    # then
    assert "applicant_notified_on" in excinfo.value.message_dict
    written_case.refresh_from_db()
    assert not DeadlineExtension.objects.exists()
