"""Hearings and meetings in the admin: a dispute's admin page offers the dispute's actions
(clinic.actions.DISPUTE_ACTIONS), scheduling an event among them, through the same service."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic import services
from clinic.models import Event
from tests.factories import EmployerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference")]


def _tomorrow():
    return timezone.localdate() + timedelta(days=1)


def test_a_lawyer_schedules_a_conciliation_meeting_of_a_dispute_from_its_admin_page(client, center, lawyer):
    # The dispute's page offers the same actions (clinic.actions.DISPUTE_ACTIONS) as its admin page.
    dispute = services.dispute_register(
        by=lawyer, employer=EmployerFactory(center=center), subject="Wages", lawyer=lawyer
    )
    client.force_login(lawyer)
    assert (
        f"/admin/clinic/labordispute/{dispute.pk}/action/event/"
        in client.get(f"/admin/clinic/labordispute/{dispute.pk}/change/").text
    )
    response = client.post(
        f"/admin/clinic/labordispute/{dispute.pk}/action/event/",
        {"kind": "conciliation", "starts_at": f"{_tomorrow():%Y-%m-%d}T15:00", "duration_minutes": "60"},
    )
    assert response.status_code == 302
    assert timezone.localtime(Event.objects.get().starts_at).hour == 15
    event = Event.objects.get()
    assert (event.dispute, event.application, event.lawyer, event.center_id) == (
        dispute,
        None,
        lawyer,
        center.pk,
    )
