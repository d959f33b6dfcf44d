"""All or nothing (issue 7, item 6): a status change and its audit entry are written together or not
at all. The visit-and-case pair is specified in tests/clinic/test_visits.py."""

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError

from clinic import services
from clinic.models import Application, Status, StatusChange
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center, lawyer):
    return ApplicationFactory(center=center, lawyer=lawyer)


def _state(case):
    fresh = Application.objects.get(pk=case.pk)
    return (
        fresh.status,
        fresh.version,
        StatusChange.objects.filter(application=case).count(),
        LogEntry.objects.get_for_object(fresh).count(),
    )


def test_a_failing_audit_entry_undoes_the_status_change(case, lawyer, monkeypatch):
    before = _state(case)

    def broken_log_create(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(LogEntry.objects, "log_create", broken_log_create)
    with pytest.raises(DatabaseError):
        services.application_change_status(application=case, by=lawyer, to_status=Status.IN_PROGRESS)

    assert _state(case) == before


def test_a_failing_timeline_row_undoes_the_status_change_and_its_audit_entry(case, lawyer, monkeypatch):
    before = _state(case)

    def broken_create(**kwargs):
        raise DatabaseError("timeline table unavailable")

    monkeypatch.setattr(StatusChange.objects, "create", broken_create)
    with pytest.raises(DatabaseError):
        services.application_change_status(application=case, by=lawyer, to_status=Status.IN_PROGRESS)

    assert _state(case) == before


def test_without_a_fault_both_are_written(case, lawyer):
    status, version, changes, entries = _state(case)

    services.application_change_status(application=case, by=lawyer, to_status=Status.IN_PROGRESS)

    assert _state(case) == (Status.IN_PROGRESS, version + 1, changes + 1, entries + 1)
