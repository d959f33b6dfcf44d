"""Deadlines: 15 working days for a written application on the official calendar of Kazakhstan
(python-holidays with the dated overrides of seeds/calendar_overrides.csv), the same day for an oral
consultation, and a manager's reasoned extension of at most 2 months from receipt, the applicant told
within 3 working days."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from rest_framework.test import APIClient

from clinic import services, workdays
from clinic.models import ApplicationKind, DeadlineExtension
from tests import factories
from tests.factories import PersonFactory, kind


@pytest.mark.django_db
def test_written_application_due_in_15_working_days_across_nauryz_and_weekends(register_case):
    # given: Friday 19 March 2021; Nauryz 21-23 March (Sunday-Tuesday) and Wednesday 24 March, the day
    # off in lieu of the Sunday
    assert not any(workdays.is_working_day(date(2021, 3, day)) for day in (22, 23, 24))
    # when
    application = register_case(kind=kind(ApplicationKind.WRITTEN_APPLICATION), received_on=date(2021, 3, 19))
    # then: 20-24 March are skipped; 25, 26, 29, 30, 31 March, 1, 2, 5, 6, 7, 8, 9, 12, 13, 14 April
    assert application.received_on == date(2021, 3, 19)
    assert application.due_on == date(2021, 4, 14)
    assert workdays.working_days_between(date(2021, 3, 19), application.due_on) == 15


@pytest.mark.django_db
def test_a_case_received_on_the_2020_bridge_friday_is_due_by_the_decree_calendar(register_case):
    # given: the 2020 decree moved the day off of Monday 11 May (Victory Day fell on a Saturday) to
    # Friday 8 May
    # when
    application = register_case(kind=kind(ApplicationKind.WRITTEN_APPLICATION), received_on=date(2020, 5, 8))
    # then: 11-15, 18-22, 25-29 May; without the decree it would have been Monday 1 June
    assert application.due_on == date(2020, 5, 29)


@pytest.mark.django_db
def test_the_reception_registers_a_case_over_http_with_the_decree_calendar_due_date(center, reception):
    # given: the reference rows and an applicant; the letter arrived on Friday 8 May 2020, the bridge
    # day off of the 2020 decree
    factories.service(), factories.topic(), factories.channel(), factories.kind()
    person = PersonFactory(center=center)
    client = APIClient()
    client.force_authenticate(reception)
    # when
    response = client.post(
        "/api/v1/applications/",
        {
            "person": person.pk,
            "service": "legal_clinic",
            "kind": "written_application",
            "topic": "wages",
            "channel": "in_person",
            "summary": "Wages unpaid since March.",
            "received_on": "2020-05-08",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    # then
    assert response.status_code == 201, response.json()
    assert response.json()["due_on"] == "2020-05-29"


@pytest.mark.django_db
def test_a_decreed_working_saturday_counts_toward_the_deadline(register_case):
    # given: Saturday 3 March 2018 was worked for Friday 9 March (2018 decree)
    # when
    application = register_case(kind=kind(ApplicationKind.WRITTEN_APPLICATION), received_on=date(2018, 3, 1))
    # then: 2, 3 (Saturday), 5, 6, 7 March (5), 9 off, 12-16 (10), 19, 20, Nauryz 21-23 off, 26-28 (15)
    assert application.due_on == date(2018, 3, 28)


@pytest.mark.django_db
def test_a_new_decree_in_the_override_file_moves_a_new_case_deadline(register_case, calendar_overrides):
    # given: a decree newer than the installed python-holidays makes Friday 12 June 2026 a day off
    calendar_overrides("2026-06-12,no,Government decree (test) moving a day off to 12 June 2026")
    # when
    application = register_case(kind=kind(ApplicationKind.WRITTEN_APPLICATION), received_on=date(2026, 6, 1))
    # then: 2-5, 8-11, 15-19, 22, 23 June instead of 22 June
    assert application.due_on == date(2026, 6, 23)


@pytest.mark.django_db
def test_a_receipt_year_the_calendar_does_not_cover_is_a_field_error_in_russian(register_case):
    # given: python-holidays knows Kazakhstan from 1991 on
    with translation.override("ru"), pytest.raises(ValidationError) as excinfo:
        # when
        register_case(received_on=date(1990, 6, 1))
    # then
    assert excinfo.value.message_dict["received_on"] == [
        "Календарь рабочих дней не охватывает 1990 год: проверьте дату поступления."
    ]


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
