"""The outbox through the API (/api/v1/messages/): a center's messages only, filtered by case, person,
status and channel, the recipient masked for those who may not see a person's contacts; a manager sends
a failed message again. The persons API records the consent to be informed."""

import pytest
from django.core import mail
from django.utils import timezone

from clinic import services
from clinic.models import OutgoingMessage, Person
from core.sms import MemorySmsBackend, SmsError
from organizations.models import Role
from tests.factories import PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db

State = OutgoingMessage.State


@pytest.fixture(autouse=True)
def gateway():
    MemorySmsBackend.outbox.clear()
    MemorySmsBackend.fail_with = None
    yield MemorySmsBackend
    MemorySmsBackend.fail_with = None
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def registered(ref, reception, django_capture_on_commit_callbacks):
    """Register a case of a new person of the reception's center who agreed to SMS and e-mail."""

    def register(*, by=None, email="applicant@example.kz"):
        by = by or reception
        person = PersonFactory(center=by.center, email=email, notify_by_email=True, notify_by_sms=True)
        with django_capture_on_commit_callbacks(execute=True):
            return services.application_register(
                by=by,
                person=person,
                service=ref.legal_clinic,
                kind=ref.written,
                topic=ref.wages,
                channel=ref.in_person,
            )

    return register


def test_a_center_lists_its_own_messages_only(client_for, lawyer, registered, other_center):
    # given
    own = registered()
    registered(by=StaffFactory(center=other_center, role=Role.RECEPTION))
    foreign = OutgoingMessage.objects.exclude(application=own).first()

    # when
    response = client_for(lawyer).get("/api/v1/messages/")

    # then
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["application"] for row in rows} == {own.pk}
    assert {row["channel"] for row in rows} == {"sms", "email"}
    assert {row["status"] for row in rows} == {"sent"}
    assert client_for(lawyer).get(f"/api/v1/messages/{foreign.pk}/").status_code == 404


def test_the_list_filters_by_case_person_status_and_channel(client_for, lawyer, registered):
    first, second = registered(), registered()

    def ids(query: str) -> set[int]:
        response = client_for(lawyer).get(f"/api/v1/messages/?{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(f"case={first.pk}") == set(first.outgoing_messages.values_list("pk", flat=True))
    assert ids(f"person={second.person_id}") == set(second.outgoing_messages.values_list("pk", flat=True))
    sms = set(OutgoingMessage.objects.filter(channel="sms").values_list("pk", flat=True))
    assert ids("channel=sms") == sms
    assert ids("status=failed") == set()
    assert client_for(lawyer).get("/api/v1/messages/?status=lost").status_code == 400


def test_the_recipient_is_masked_for_the_federation(client_for, lawyer, analyst, registered):
    case = registered(email="aigerim.s@mail.kz")

    own = {
        row["channel"]: row["recipient"]
        for row in client_for(lawyer).get("/api/v1/messages/").json()["results"]
    }
    federation = {
        row["channel"]: row["recipient"]
        for row in client_for(analyst).get(f"/api/v1/messages/?case={case.pk}").json()["results"]
    }

    assert own == {"email": "aigerim.s@mail.kz", "sms": case.person.phone}
    assert federation["email"] == "a***@***.kz"
    assert federation["sms"] == case.person.phone[:2] + "********" + case.person.phone[-2:]


def test_a_manager_sends_a_failed_message_again(
    client_for, manager, lawyer, registered, gateway, settings, django_capture_on_commit_callbacks
):
    # given: the SMS failed
    settings.CLINIC_MESSAGE_MAX_ATTEMPTS = 1
    gateway.fail_with = SmsError("The SMS gateway answered 503")
    case = registered()
    sms = case.outgoing_messages.get(channel="sms")
    assert sms.status == State.FAILED
    gateway.fail_with = None

    # then: a lawyer may not, a sent message is not sent again
    assert client_for(lawyer).post(f"/api/v1/messages/{sms.pk}/resend/").status_code == 403
    email = case.outgoing_messages.get(channel="email")
    refused = client_for(manager).post(f"/api/v1/messages/{email.pk}/resend/")
    assert refused.status_code == 400
    assert "status" in refused.json()

    # when: the manager sends it again
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(f"/api/v1/messages/{sms.pk}/resend/")

    # then
    assert response.status_code == 202
    sms.refresh_from_db()
    assert sms.status == State.SENT
    assert len(gateway.outbox) == 1


def test_the_list_reads_in_a_fixed_number_of_queries(
    client_for, lawyer, registered, django_assert_max_num_queries
):
    for _ in range(5):
        registered()
    client = client_for(lawyer)

    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/messages/")

    assert response.json()["count"] == 10


# The persons API: the consent to be informed


def test_the_consent_is_given_and_shown_through_the_persons_api(client_for, reception, ref):
    # when
    response = client_for(reception).post(
        "/api/v1/persons/",
        {
            "full_name": "Dana Nurlanqyzy",
            "phone": "+77017770001",
            "email": "dana@example.kz",
            "notify_by_email": True,
            "notify_by_sms": True,
            "language": "kk",
        },
        format="json",
    )

    # then
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["notify_by_email"], data["notify_by_sms"], data["language"]) == (True, True, "kk")
    assert data["notify_consent_at"] is not None
    person = Person.objects.get()
    assert person.notify_consent_at <= timezone.now()


def test_consent_to_e_mail_without_an_address_is_a_400(client_for, reception, ref):
    response = client_for(reception).post(
        "/api/v1/persons/",
        {"full_name": "Dana Nurlanqyzy", "phone": "+77017770001", "notify_by_email": True},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 400
    assert response.json()["email"] == [
        "Укажите адрес электронной почты, чтобы сообщать по электронной почте."
    ]
    assert not Person.objects.exists()
    assert mail.outbox == []


def test_the_consent_is_withdrawn_with_if_match(client_for, reception, ref):
    person = PersonFactory(center=reception.center, email="x@example.kz", notify_by_email=True)
    client = client_for(reception)
    etag = client.get(f"/api/v1/persons/{person.pk}/")["ETag"]

    response = client.patch(
        f"/api/v1/persons/{person.pk}/", {"notify_by_email": False}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 200, response.json()
    assert response.json()["notify_by_email"] is False
