"""`manage.py recompute_due_dates`: after the calendar changes (a new python-holidays release, a decree
added to seeds/calendar_overrides.csv), the due dates still waited for follow it: open cases no
manager extended and online questions the reception has not dealt with. Each change is audited;
extended and decided cases keep their dates; a second run changes nothing."""

from datetime import date
from io import StringIO

import pytest
from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from clinic import services, workdays
from clinic.models import ApplicationKind, Channel, Status
from tests import factories
from tests.factories import kind

pytestmark = pytest.mark.django_db


def recompute(*args: str) -> str:
    out = StringIO()
    call_command("recompute_due_dates", *args, stdout=out)
    return out.getvalue()


def audit_entries() -> int:
    return LogEntry.objects.count()


def changes(instance) -> tuple[LogEntry, dict]:
    entry = LogEntry.objects.get_for_object(instance).order_by("pk").last()
    return entry, {field: values for field, values in entry.changes_dict.items() if field != "version"}


@pytest.fixture
def decree_after_today(calendar_overrides):
    """Cases are registered on the calendar as released; calling this adds a decree making the next
    working day after today a day off, as a newly published decree would."""
    calendar_overrides()
    today = timezone.localdate()
    day_off = workdays.add_working_days(today, 1)

    def publish() -> date:
        calendar_overrides(f"{day_off.isoformat()},no,Government decree (test) on the transfer of days off")
        return day_off

    return publish


def test_an_open_case_follows_a_new_decree_with_an_audit_entry_and_a_second_run_changes_nothing(
    register_case, decree_after_today
):
    # given: a written application received today, due in 15 working days
    today = timezone.localdate()
    application = register_case(kind=kind(ApplicationKind.WRITTEN_APPLICATION), received_on=today)
    registered_due_on = application.due_on
    version = application.version
    # when: a decree makes a day of its window a day off, and the command runs
    decree_after_today()
    output = recompute()
    # then: the due date moves one working day later, still 15 working days after receipt
    application.refresh_from_db()
    assert application.due_on > registered_due_on
    assert application.due_on == workdays.add_working_days(registered_due_on, 1)
    assert workdays.working_days_between(today, application.due_on) == 15
    assert application.version == version + 1  # an API client's old ETag no longer matches
    entry, changed = changes(application)
    assert changed == {"due_on": [str(registered_due_on), str(application.due_on)]}
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor is None
    assert f"{application.registration_number}: {registered_due_on} -> {application.due_on}" in output
    assert "Due dates changed: 1 (1 open case(s), 0 pending online question(s))" in output
    # when: it runs again
    entries = audit_entries()
    again = recompute()
    # then
    assert "Due dates changed: 0" in again
    assert audit_entries() == entries
    application.refresh_from_db()
    assert application.version == version + 1


def test_extended_decided_and_oral_cases_keep_their_dates(
    register_case, case_in_progress, decree_after_today, manager, lawyer
):
    # given: an extended case, a decided case and an oral consultation, registered before the decree
    today = timezone.localdate()
    extended = register_case(kind=kind(ApplicationKind.WRITTEN_APPLICATION), received_on=today)
    extension = services.application_extend_deadline(
        application=extended,
        by=manager,
        new_due_on=today + relativedelta(months=2),
        reason="The employer's answer is awaited.",
        applicant_notified_on=today,
    )
    decided = services.application_decide(
        application=case_in_progress(received_on=today),
        by=lawyer,
        outcome=factories.outcome(),
        decision="Explained.",
    )
    oral = register_case(kind=kind(ApplicationKind.ORAL_CONSULTATION), received_on=today)
    extended.refresh_from_db()
    dates = {case.pk: case.due_on for case in (extended, decided, oral)}
    entries = audit_entries()
    # when
    decree_after_today()
    output = recompute()
    # then
    for case in (extended, decided, oral):
        case.refresh_from_db()
        assert case.due_on == dates[case.pk]
    assert extended.due_on == extension.new_due_on == today + relativedelta(months=2)
    assert decided.status == Status.DECIDED
    assert audit_entries() == entries
    assert "Due dates changed: 0" in output
    assert "1 open case(s) extended by a manager keep the date set then" in output


def test_dry_run_lists_the_change_and_saves_nothing(register_case, decree_after_today):
    # given
    application = register_case(kind=kind(ApplicationKind.WRITTEN_APPLICATION))
    registered_due_on = application.due_on
    decree_after_today()
    entries = audit_entries()
    # when
    output = recompute("--dry-run")
    # then
    assert f"{application.registration_number}: {registered_due_on} -> " in output
    assert "Due dates would change: 1" in output
    application.refresh_from_db()
    assert application.due_on == registered_due_on
    assert audit_entries() == entries
    # and the real run changes it
    assert "Due dates changed: 1" in recompute()


def test_a_pending_online_question_follows_the_decree_and_an_answered_one_does_not(
    center, reception, media_root, decree_after_today
):
    # given: two questions sent online today; the reception answered one on the spot
    factories.channel(Channel.ONLINE)
    factories.kind()
    topic = factories.topic()

    def send(phone: str):
        submission, _code = services.online_submission_create(
            center=center,
            full_name="Saule Online",
            phone=phone,
            topic=topic,
            question="My wages have not been paid since March.",
            consent=True,
        )
        return submission

    pending, answered = send("+77015550102"), send("+77015550103")
    services.visit_answer_on_spot(visit=answered.visit, by=reception, action_taken="Explained the law.")
    sent_due_on = pending.due_on
    # when
    decree_after_today()
    output = recompute()
    # then
    pending.refresh_from_db()
    answered.refresh_from_db()
    assert pending.due_on == workdays.add_working_days(sent_due_on, 1)
    assert answered.due_on == sent_due_on
    entry, changed = changes(pending)
    assert changed == {"due_on": [str(sent_due_on), str(pending.due_on)]}
    assert entry.actor is None
    assert "Due dates changed: 1 (0 open case(s), 1 pending online question(s))" in output
    assert "Due dates changed: 0" in recompute()


def test_a_case_registered_under_the_calendar_without_the_2020_decree_is_corrected(
    register_case, calendar_overrides
):
    # given: a case received on Friday 8 May 2020 and registered on a calendar that still had Monday
    # 11 May off and the Friday worked (as the holiday list kept before python-holidays did)
    calendar_overrides(
        "2020-05-08,yes,Labour Code art. 85 without the 2020 decree",
        "2020-05-11,no,Labour Code art. 85 without the 2020 decree",
    )
    application = register_case(kind=kind(ApplicationKind.WRITTEN_APPLICATION), received_on=date(2020, 5, 8))
    assert application.due_on == date(2020, 6, 1)
    # when: the calendar follows the decree again and the command runs
    calendar_overrides()
    recompute()
    # then
    application.refresh_from_db()
    assert application.due_on == date(2020, 5, 29)


def test_an_override_line_python_holidays_already_has_is_named_as_removable(calendar_overrides):
    # given: after an upgrade, python-holidays itself has the decree an override line was added for
    calendar_overrides(
        "2020-05-08,no,Government decree on the transfer of days off in 2020",
        "2026-06-12,no,Government decree (test) moving a day off to 12 June 2026",
    )
    # when
    output = recompute("--dry-run")
    # then: only the line python-holidays agrees with is named
    assert "python-holidays already has the override of 2020-05-08" in output
    assert "2026-06-12" not in output
