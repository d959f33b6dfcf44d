"""Requesting, building, rebuilding and scheduling reports; who may request and see them."""

import threading
import time
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connections
from django.utils import timezone

from clinic.models import Outcome
from organizations.models import Role
from reports import services
from reports.models import Report
from reports.periods import Period, PeriodKind
from reports.services import report_build, report_rebuild, report_request, scheduled_reports_request
from reports.tasks import build_report, build_scheduled_reports
from tests.factories import CenterFactory, StaffFactory

MARCH = {"period_kind": PeriodKind.MONTH, "period_start": date(2021, 3, 1)}


@pytest.fixture
def sent(monkeypatch):
    """The build tasks sent to the broker, as (report id, task id)."""
    calls = []
    monkeypatch.setattr(build_report, "apply_async", lambda args, task_id: calls.append((*args, task_id)))
    return calls


@pytest.mark.django_db
def test_request_creates_a_queued_report_and_sends_its_build_after_commit(
    center, manager, sent, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        report = report_request(center=center, by=manager, **MARCH)
        # then: nothing is sent before the commit
        assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [(report.pk, report.task_id)]
    report.refresh_from_db()
    assert (report.state, report.center, report.requested_by, report.figures) == (
        Report.State.QUEUED,
        center,
        manager,
        {},
    )


@pytest.mark.django_db
def test_request_in_eager_mode_builds_the_report(
    center, manager, make_case, django_capture_on_commit_callbacks
):
    make_case(
        center, received_on=date(2021, 3, 2), decided_on=date(2021, 3, 9), outcome_code=Outcome.SATISFIED
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(center=center, by=manager, **MARCH)

    report.refresh_from_db()
    assert report.state == Report.State.DONE
    assert report.figures["totals"]["positive"] == 1
    assert report.attempts == 1
    assert report.built_at >= report.data_as_of >= report.requested_at


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "own_center", "federation"),
    [
        (Role.MANAGER, True, False),
        (Role.ADMINISTRATOR, True, False),
        (Role.LAWYER, False, False),
        (Role.RECEPTION, False, False),
    ],
)
def test_center_staff_may_request_only_what_their_role_allows(
    center, other_center, sent, role, own_center, federation
):
    user = StaffFactory(role=role, center=center)

    def allowed(scope) -> bool:
        try:
            report_request(center=scope, by=user, **MARCH)
        except PermissionDenied:
            return False
        return True

    assert allowed(center) is own_center
    assert allowed(other_center) is False
    assert allowed(None) is federation


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMINISTRATOR])
def test_federation_staff_may_request_any_center_and_the_federation(center, sent, role):
    user = StaffFactory(role=role, center=None)

    report_request(center=center, by=user, **MARCH)
    report_request(center=None, by=user, **MARCH)

    assert Report.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("period_kind", "period_start"),
    [
        (PeriodKind.MONTH, date(2021, 3, 2)),
        (PeriodKind.QUARTER, date(2021, 2, 1)),
        (PeriodKind.YEAR, date(2021, 3, 1)),
        ("week", date(2021, 3, 1)),
    ],
)
def test_a_period_starts_on_its_first_day(center, manager, sent, period_kind, period_start):
    with pytest.raises(ValidationError):
        report_request(center=center, by=manager, period_kind=period_kind, period_start=period_start)


@pytest.mark.django_db
def test_a_period_that_has_not_started_cannot_be_requested(center, manager, sent):
    next_month = Period.containing(PeriodKind.MONTH, timezone.localdate()).end + timedelta(days=1)

    with pytest.raises(ValidationError):
        report_request(center=center, by=manager, period_kind=PeriodKind.MONTH, period_start=next_month)


@pytest.mark.django_db
def test_rebuild_replaces_the_snapshot_and_never_duplicates(center, manager, make_case, sent):
    # given a built report
    make_case(center, received_on=date(2021, 3, 2))
    report = report_request(center=center, by=manager, **MARCH)
    first = report_build(report_id=report.pk)
    assert first.figures["totals"]["received"] == 1
    # when a case is added late and the report is rebuilt
    make_case(center, received_on=date(2021, 3, 3))
    report_rebuild(report=first, by=manager)
    second = report_build(report_id=report.pk)

    # then
    assert Report.objects.count() == 1
    assert second.pk == first.pk
    assert second.figures["totals"]["received"] == 2
    assert second.data_as_of > first.data_as_of
    assert second.state == Report.State.DONE


@pytest.mark.django_db
def test_a_redelivered_build_does_nothing(center, manager, sent, django_assert_max_num_queries):
    report = report_request(center=center, by=manager, **MARCH)
    built = report_build(report_id=report.pk)

    with django_assert_max_num_queries(3):  # the lock and read of the row, nothing computed
        again = report_build(report_id=report.pk)

    assert (again.built_at, again.attempts, again.state) == (built.built_at, 1, Report.State.DONE)


@pytest.mark.django_db
def test_a_failed_build_is_recorded_and_can_be_retried(center, manager, make_case, sent, monkeypatch):
    make_case(center, received_on=date(2021, 3, 2))
    report = report_request(center=center, by=manager, **MARCH)

    def broken(**kwargs):
        raise RuntimeError("the database said no")

    monkeypatch.setattr(services, "report_figures", broken)
    with pytest.raises(RuntimeError):
        report_build(report_id=report.pk)

    report.refresh_from_db()
    assert report.state == Report.State.FAILED
    assert report.error == "RuntimeError: the database said no"
    assert (report.figures, report.built_at) == ({}, None)

    # when the cause is gone, a retry builds it
    monkeypatch.undo()
    report = report_build(report_id=report.pk)
    assert (report.state, report.error, report.attempts) == (Report.State.DONE, "", 2)
    assert report.figures["totals"]["received"] == 1


@pytest.mark.django_db
def test_the_task_retries_a_lost_database_connection(center, manager, sent, monkeypatch):
    # given a first attempt that loses the database (eager mode runs the retry at once)
    report = report_request(center=center, by=manager, **MARCH)
    real, failures = services.report_figures, []

    def flaky(**kwargs):
        if not failures:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(services, "report_figures", flaky)
    # when (throw=False: let apply() run the retry rather than raise it)
    result = build_report.apply(args=(report.pk,), throw=False)

    # then
    assert result.successful()
    report.refresh_from_db()
    assert (report.state, report.attempts) == (Report.State.DONE, 2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_builds_of_one_report_compute_it_once(center, manager, sent, monkeypatch):
    # given a build that is computing slowly
    report = report_request(center=center, by=manager, **MARCH)
    real, computing, computed = services.report_figures, threading.Event(), []

    def slow(**kwargs):
        computed.append(threading.get_ident())
        computing.set()
        time.sleep(0.5)
        return real(**kwargs)

    monkeypatch.setattr(services, "report_figures", slow)

    def build():
        try:
            report_build(report_id=report.pk)
        finally:
            connections.close_all()  # this thread's connection

    first = threading.Thread(target=build)
    first.start()
    assert computing.wait(10)
    # when a duplicate delivery starts meanwhile
    second = threading.Thread(target=build)
    second.start()
    first.join(10)
    second.join(10)

    # then it waited for the first and found the report built
    assert len(computed) == 1
    report.refresh_from_db()
    assert (report.state, report.attempts) == (Report.State.DONE, 2)


@pytest.mark.django_db
def test_building_a_deleted_report_does_nothing(center, manager, sent):
    report = report_request(center=center, by=manager, **MARCH)
    Report.objects.filter(pk=report.pk).delete()

    assert report_build(report_id=report.pk) is None


@pytest.mark.django_db
def test_the_schedule_requests_last_month_quarter_and_year_for_every_scope_once(
    center, other_center, django_capture_on_commit_callbacks, sent
):
    # when the schedule fires twice on the first of April
    with django_capture_on_commit_callbacks(execute=True):
        first = scheduled_reports_request(today=date(2021, 4, 1))
        second = scheduled_reports_request(today=date(2021, 4, 1))

    # then: one report per scope and period, and one build each
    assert len(first) == 9
    assert second == []
    assert len(sent) == 9
    assert Report.objects.count() == 9
    periods = set(Report.objects.values_list("period_kind", "period_start").distinct())
    assert periods == {
        (PeriodKind.MONTH, date(2021, 3, 1)),
        (PeriodKind.QUARTER, date(2021, 1, 1)),
        (PeriodKind.YEAR, date(2020, 1, 1)),
    }
    for scope in (center.pk, other_center.pk, None):
        assert Report.objects.filter(center_id=scope).count() == 3
    assert set(Report.objects.values_list("requested_by", flat=True)) == {None}


@pytest.mark.django_db
def test_the_schedule_queues_again_only_failed_or_lost_reports(center, sent):
    # given the April 1st run, then one report failed, one lost in the queue long ago, the rest done
    scheduled_reports_request(today=date(2021, 4, 1))
    reports = list(Report.objects.order_by("pk"))
    failed, lost, *done = reports
    Report.objects.filter(pk=failed.pk).update(state=Report.State.FAILED, error="boom")
    Report.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - timedelta(hours=3))
    for report in done:
        report_build(report_id=report.pk)

    # when the schedule runs the next day
    queued = scheduled_reports_request(today=date(2021, 4, 2))

    # then
    assert {report.pk for report in queued} == {failed.pk, lost.pk}
    assert Report.objects.count() == 6


@pytest.mark.django_db
def test_the_scheduling_task_fired_twice_leaves_one_report_per_scope(center, other_center, sent):
    build_scheduled_reports.apply()
    build_scheduled_reports.apply()

    scopes = Report.objects.values_list("center_id", "period_kind", "period_start")
    assert len(scopes) == len(set(scopes)) == 9


@pytest.mark.django_db
def test_managers_see_their_centers_reports_and_federation_staff_all(center, other_center, manager, sent):
    # given reports of two centers and of the federation
    analyst = StaffFactory(role=Role.ANALYST, center=None)
    for scope in (center, other_center, None):
        report_request(center=scope, by=analyst, **MARCH)

    def visible(user):
        return set(Report.objects.visible_to(user).values_list("center_id", flat=True))

    assert visible(manager) == {center.pk}
    assert visible(StaffFactory(role=Role.LAWYER, center=center)) == set()
    assert visible(analyst) == {center.pk, other_center.pk, None}
    assert visible(StaffFactory(role=Role.ADMINISTRATOR, center=None)) == {center.pk, other_center.pk, None}


@pytest.mark.django_db
def test_one_row_per_scope_and_period_even_for_the_federation():
    from django.db import IntegrityError, transaction

    Report.objects.create(center=None, **MARCH)
    Report.objects.create(center=CenterFactory(), **MARCH)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(center=None, **MARCH)
