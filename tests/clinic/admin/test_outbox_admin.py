"""The outbox in the admin: read-only, the center's own messages, the recipient masked for the
federation, and a failed message sent again by a manager through the service."""

import pytest

from clinic import services
from clinic.models import ApplicationKind, Channel, OutgoingMessage, Service, Topic
from core.sms import MemorySmsBackend, SmsError
from organizations.models import Role
from tests.factories import CenterFactory, PersonFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference")]

State = OutgoingMessage.State


@pytest.fixture(autouse=True)
def gateway():
    MemorySmsBackend.outbox.clear()
    MemorySmsBackend.fail_with = None
    yield MemorySmsBackend
    MemorySmsBackend.fail_with = None
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def failed_sms(center, gateway, settings, django_capture_on_commit_callbacks) -> OutgoingMessage:
    """A case registered while the SMS gateway was down: its SMS failed, its e-mail went."""
    settings.CLINIC_MESSAGE_MAX_ATTEMPTS = 1
    gateway.fail_with = SmsError("The SMS gateway answered 503")
    person = PersonFactory(center=center, email="saule@example.kz", notify_by_email=True, notify_by_sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.application_register(
            by=StaffFactory(center=center, role=Role.RECEPTION),
            person=person,
            service=Service.objects.get(pk=Service.LEGAL_CLINIC),
            kind=ApplicationKind.objects.get(pk=ApplicationKind.WRITTEN_APPLICATION),
            topic=Topic.objects.order_by("pk").first(),
            channel=Channel.objects.get(pk=Channel.IN_PERSON),
        )
    gateway.fail_with = None
    return case.outgoing_messages.get(channel="sms")


def test_a_manager_sees_the_centers_outbox_and_sends_a_failed_message_again(
    client, center, failed_sms, gateway, django_capture_on_commit_callbacks
):
    manager = StaffFactory(center=center, role=Role.MANAGER)
    client.force_login(manager)

    listing = client.get("/admin/clinic/outgoingmessage/")
    assert listing.status_code == 200
    assert "saule@example.kz" in listing.text
    assert client.get(f"/admin/clinic/outgoingmessage/{failed_sms.pk}/change/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/clinic/outgoingmessage/",
            {"action": "send_again", "_selected_action": [failed_sms.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "1 message queued again." in response.text
    failed_sms.refresh_from_db()
    assert failed_sms.status == State.SENT
    assert len(gateway.outbox) == 1


def test_a_lawyer_may_not_send_again(client, center, failed_sms):
    client.force_login(StaffFactory(center=center, role=Role.LAWYER))

    response = client.post(
        "/admin/clinic/outgoingmessage/",
        {"action": "send_again", "_selected_action": [failed_sms.pk]},
        follow=True,
    )

    assert response.status_code == 200
    failed_sms.refresh_from_db()
    assert failed_sms.status == State.FAILED


def test_the_federation_reads_the_outbox_masked_and_other_centers_see_nothing(client, center, failed_sms):
    client.force_login(StaffFactory(center=None, role=Role.ANALYST))
    page = client.get("/admin/clinic/outgoingmessage/").text
    assert "saule@example.kz" not in page
    assert "s***@***.kz" in page

    client.force_login(StaffFactory(center=CenterFactory(), role=Role.MANAGER))
    assert client.get(f"/admin/clinic/outgoingmessage/{failed_sms.pk}/change/").status_code in (302, 404)
