"""The case page's timeline shows each status change once: from the status history, not a second time
from the audit trail, which keeps what the history does not say."""

import pytest
from django.utils import timezone

from clinic import services
from clinic.models import Application, Status
from clinic.selectors import case_timeline
from core.audit import acting_as

pytestmark = pytest.mark.django_db


def test_each_status_change_shows_once_on_the_case_page(client_for, center, lawyer, manager, case_of, ref):
    # given: registered, taken into work, decided, reopened
    case = case_of(center, lawyer=lawyer, start=True)
    case = services.application_decide(
        application=case, by=lawyer, outcome=ref.satisfied, decided_on=timezone.localdate()
    )
    services.application_reopen(application=case, by=manager, reason="New documents.")
    # when
    response = client_for(lawyer).get(f"/cases/{case.pk}/")
    # then
    assert response.status_code == 200
    timeline = response.context["timeline"]
    statuses = [entry.title for entry in timeline if entry.kind == "status_change"]
    assert statuses == [
        "Registered",
        "Registered → In progress",
        "In progress → Decided",
        "Decided → In progress",
    ]
    audit_changes = [
        name for entry in timeline if entry.kind == "audit" for name, _old, _new in entry.changes
    ]
    assert "status" not in audit_changes
    assert "outcome" in audit_changes  # the decision's other changes stay in the trail
    assert all(entry.changes for entry in timeline if entry.title == "Audit: record changed")
    assert response.text.count("Registered → In progress") == 1


def test_a_status_change_the_history_did_not_record_stays_in_the_audit_trail(center, lawyer, case_of):
    # given: a status written without the service (as a data fix would), so no status history row
    case = case_of(center, lawyer=lawyer)
    with acting_as(lawyer):
        case.status = Status.IN_PROGRESS
        case.save(update_fields=["status"])
    # when
    timeline = case_timeline(Application.objects.get(pk=case.pk), with_audit_trail=True)
    # then
    assert [entry.title for entry in timeline if entry.kind == "status_change"] == ["Registered"]
    audit_changes = [change for entry in timeline if entry.kind == "audit" for change in entry.changes]
    assert ("status", "Registered", "In progress") in audit_changes
