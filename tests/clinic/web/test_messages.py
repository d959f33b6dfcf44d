"""The applicant kept informed, through the pages a user takes: the desk registers a case and the
applicant gets its number by SMS and e-mail in their language, through the channels they consented to;
an extension and a decision are told likewise; an online question gets its tracking code. Each message
is sent exactly once, a failing gateway is retried and then marked failed, and the case's timeline
shows every message."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from clinic import services
from clinic.models import Application, Channel, DeadlineExtension, OnlineSubmission, OutgoingMessage, Person
from clinic.services.messages import CODE_MARK
from clinic.tasks import send_applicant_message, send_waiting_messages
from core.sms import MemorySmsBackend, SmsError
from tests import factories
from tests.celery_worker import wait_until

pytestmark = pytest.mark.django_db

State, Purpose = OutgoingMessage.State, OutgoingMessage.Purpose


@pytest.fixture(autouse=True)
def gateway():
    """The tests' SMS gateway (settings.SMS_BACKEND): what it received, emptied for each test."""
    MemorySmsBackend.outbox.clear()
    MemorySmsBackend.fail_with = None
    yield MemorySmsBackend
    MemorySmsBackend.outbox.clear()
    MemorySmsBackend.fail_with = None


def new_case(**overrides) -> dict:
    """The desk's POST: a new visitor whose question becomes a case."""
    return {
        "person": "new",
        "full_name": "Aigerim Seitkali",
        "phone": "8 701 234 56 78",
        "iin": "",
        "employer": "",
        "email": "aigerim@example.kz",
        "channel": "in_person",
        "topics": ["wages"],
        "question": "Wages unpaid since March.",
        "result": "case_opened",
        "action_taken": "",
        "service": "legal_clinic",
        "kind": "written_application",
        "lawyer": "",
        **overrides,
    }


def consenting_person(center, **fields) -> Person:
    return factories.PersonFactory(
        center=center, email="applicant@example.kz", notify_by_email=True, notify_by_sms=True, **fields
    )


# Registration at the desk


@pytest.mark.parametrize(
    ("language", "sms_words", "subject_words"),
    [
        ("ru", "зарегистрировано под №", "зарегистрировано"),
        ("kk", "тіркелді", "тіркелді"),
    ],
)
def test_a_case_registered_at_the_desk_is_told_by_sms_and_email_in_the_applicants_language(
    client_for, center, reception, ref, gateway, committed, language, sms_words, subject_words
):
    # when: the desk registers a new visitor who agrees to SMS and e-mail, and opens a case
    with committed(execute=True):
        response = client_for(reception).post(
            "/reception/", new_case(notify_by_sms="on", notify_by_email="on", language=language)
        )

    # then
    assert response.status_code == 302
    case = Application.objects.get()
    person = case.person
    assert (person.notify_by_sms, person.notify_by_email, person.language) == (True, True, language)
    assert person.notify_consent_at is not None
    # the gateway got one SMS with the number and the due date, in the applicant's language
    assert [sms["phone"] for sms in gateway.outbox] == ["+77012345678"]
    text = gateway.outbox[0]["text"]
    assert sms_words in text
    assert case.registration_number in text
    assert case.due_on.strftime("%d.%m.%Y") in text
    # and one e-mail, fuller
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["aigerim@example.kz"]
    assert subject_words in email.subject
    assert case.registration_number in email.subject
    assert case.due_on.strftime("%d.%m.%Y") in email.body
    # both recorded as sent, with the provider's ids
    messages = OutgoingMessage.objects.filter(application=case).order_by("channel")
    assert [(m.channel, m.purpose, m.status, m.attempts, m.language) for m in messages] == [
        ("email", Purpose.REGISTRATION, State.SENT, 1, language),
        ("sms", Purpose.REGISTRATION, State.SENT, 1, language),
    ]
    assert messages[1].provider_id == gateway.outbox[0]["id"]
    assert messages[0].provider_id == email.extra_headers["Message-ID"]


def test_without_consent_nothing_is_sent(client_for, center, reception, ref, gateway, committed):
    with committed(execute=True):
        response = client_for(reception).post("/reception/", new_case())

    assert response.status_code == 302
    assert Application.objects.count() == 1
    assert gateway.outbox == []
    assert mail.outbox == []
    assert not OutgoingMessage.objects.exists()


def test_only_the_consented_channel_with_an_address_is_used(
    client_for, center, reception, ref, gateway, committed
):
    # when: SMS only, and no e-mail address
    with committed(execute=True):
        client_for(reception).post("/reception/", new_case(email="", notify_by_sms="on"))

    # then
    assert len(gateway.outbox) == 1
    assert mail.outbox == []
    assert list(OutgoingMessage.objects.values_list("channel", flat=True)) == ["sms"]


def test_consent_to_e_mail_without_an_address_is_refused_next_to_the_field(
    client_for, center, reception, ref
):
    response = client_for(reception).post("/reception/", new_case(email="", notify_by_email="on"))

    assert response.status_code == 422
    assert "Give the e-mail address to inform by e-mail." in response.context["form"].errors["email"]
    assert not Person.objects.exists()


# Extension and decision


def test_an_extension_is_told_and_its_notice_date_recorded_by_the_sending(
    client_for, center, manager, lawyer, case_of, ref, gateway, committed
):
    # given
    case = case_of(center, lawyer=lawyer, person=consenting_person(center, language="ru"))
    gateway.outbox.clear()
    mail.outbox.clear()
    new_due_on = case.due_on + timedelta(days=10)

    # when: the manager extends it without saying when the applicant was told
    with committed(execute=True):
        response = client_for(manager).post(
            f"/cases/{case.pk}/extend/",
            {
                "new_due_on": new_due_on.isoformat(),
                "reason": "An answer from the labor inspection is awaited.",
            },
        )

    # then
    assert response.status_code == 302
    extension = DeadlineExtension.objects.get()
    assert extension.applicant_notified_on == timezone.localdate()
    assert len(gateway.outbox) == 1
    assert new_due_on.strftime("%d.%m.%Y") in gateway.outbox[0]["text"]
    assert "An answer from the labor inspection is awaited." in mail.outbox[0].body
    assert set(extension.outgoing_messages.values_list("status", flat=True)) == {State.SENT}


def test_an_extension_without_a_consented_channel_keeps_the_date_empty(
    client_for, center, manager, lawyer, case_of, ref, gateway, committed
):
    case = case_of(center, lawyer=lawyer)
    with committed(execute=True):
        client_for(manager).post(
            f"/cases/{case.pk}/extend/",
            {"new_due_on": (case.due_on + timedelta(days=5)).isoformat(), "reason": "Awaiting documents."},
        )

    assert DeadlineExtension.objects.get().applicant_notified_on is None
    assert gateway.outbox == []


def test_a_decision_is_told_with_its_outcome(client_for, center, lawyer, case_of, ref, gateway, committed):
    case = case_of(center, lawyer=lawyer, start=True, person=consenting_person(center, language="ru"))
    mail.outbox.clear()
    gateway.outbox.clear()

    with committed(execute=True):
        client_for(lawyer).post(f"/cases/{case.pk}/decide/", {"outcome": "satisfied", "recovered_kzt": "0"})

    assert len(gateway.outbox) == 1
    assert case.registration_number in gateway.outbox[0]["text"]
    assert "Решение по обращению" in gateway.outbox[0]["text"]
    assert ref.satisfied.name_ru in gateway.outbox[0]["text"]
    assert len(mail.outbox) == 1
    assert OutgoingMessage.objects.filter(purpose=Purpose.DECISION, status=State.SENT).count() == 2


# The online reception: the tracking code at submission, then the case, then the public answer


def test_an_online_question_is_told_its_code_then_its_case_then_the_public_answer(
    center, reception, lawyer, ref, gateway, committed
):
    # given
    factories.channel(Channel.ONLINE)
    citizen = Client(REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="kk")

    # when: a citizen sends a question on the Kazakh page, asking to be told by SMS and e-mail
    with committed(execute=True):
        response = citizen.post(
            "/online/",
            {
                "place": f"center-{center.pk}",
                "full_name": "Saule Online",
                "phone": "8 701 555 01 02",
                "email": "saule@example.kz",
                "topic": "wages",
                "question": "My wages have not been paid since March.",
                "consent": "on",
                "notify_by_sms": "on",
                "notify_by_email": "on",
                "website": "",
            },
        )

    # then: the tracking code, shown once on the page, arrives by SMS and e-mail, in Kazakh
    assert response.status_code == 302
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', citizen.get("/online/sent/").text).group(1)
    submission = OnlineSubmission.objects.get()
    assert (submission.notify_by_sms, submission.notify_by_email, submission.language) == (True, True, "kk")
    assert code in gateway.outbox[0]["text"]
    assert gateway.outbox[0]["phone"] == "+77015550102"
    assert code in mail.outbox[0].body
    # the outbox keeps no copy of the code once sent
    for message in OutgoingMessage.objects.all():
        assert code not in message.body
        assert CODE_MARK in message.body
        assert (message.status, message.secret) == (State.SENT, "")

    # when: the reception opens a case from the question
    staff = Client()
    staff.force_login(reception)
    visit = submission.visit
    with committed(execute=True):
        staff.post(
            f"/reception/online/{visit.pk}/open-case/",
            {"service": "legal_clinic", "kind": "written_application", "lawyer": lawyer.pk},
        )

    # then: the person takes the sender's consent and language, and is told the case's number
    case = Application.objects.get()
    assert (case.person.notify_by_sms, case.person.language) == (True, "kk")
    assert case.registration_number in gateway.outbox[1]["text"]
    assert "тіркелді" in gateway.outbox[1]["text"]

    # when: the lawyer writes the public answer and decides
    staff.force_login(lawyer)
    staff.post(f"/cases/{case.pk}/status/", {"to_status": "in_progress"})
    staff.post(f"/cases/{case.pk}/public_answer/", {"public_answer": "Your employer must pay the arrears."})
    with committed(execute=True):
        staff.post(f"/cases/{case.pk}/decide/", {"outcome": "satisfied", "recovered_kzt": "0"})

    # then: the applicant receives the answer
    assert "Your employer must pay the arrears." in gateway.outbox[2]["text"]
    assert "Your employer must pay the arrears." in mail.outbox[2].body
    assert len(gateway.outbox) == 3

    # when: the lawyer writes the answer anew after the decision, then sends the same form twice
    for _twice in range(2):
        with committed(execute=True):
            staff.post(
                f"/cases/{case.pk}/public_answer/",
                {"public_answer": "Your employer pays the arrears by 1 June."},
                HTTP_ACCEPT_LANGUAGE="ru",
            )
    # then: the applicant is told the new answer once, in Kazakh, by SMS and e-mail
    case.refresh_from_db()
    assert case.public_answer == "Your employer pays the arrears by 1 June."
    assert OutgoingMessage.objects.filter(purpose=Purpose.ANSWER, status=State.SENT).count() == 2
    assert len(gateway.outbox) == 4
    assert gateway.outbox[3]["text"].startswith(f"Сіздің № {case.registration_number} өтінішіңізге жауап:")
    assert "Your employer pays the arrears by 1 June." in gateway.outbox[3]["text"]
    assert mail.outbox[3].subject == f"Сіздің {case.registration_number} өтінішіңізге жауап"
    assert "Your employer pays the arrears by 1 June." in mail.outbox[3].body


# Exactly once, retries, failure, the sweep


def test_a_task_delivered_twice_sends_once(center, register_case_with_consent, gateway):
    # given: a message queued and sent
    case = register_case_with_consent()
    message = OutgoingMessage.objects.get(application=case, channel="sms")
    assert len(gateway.outbox) == 1

    # when: its task is delivered again (twice)
    assert send_applicant_message(message.pk) is None
    assert send_applicant_message.apply(args=[message.pk]).get() is None

    # then
    assert len(gateway.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (State.SENT, 1)


def test_a_delivery_while_another_is_sending_sends_nothing(center, register_case_with_consent, gateway):
    # given: a message claimed by a worker that is still waiting for the gateway
    case = register_case_with_consent()
    message = OutgoingMessage.objects.get(application=case, channel="sms")
    OutgoingMessage.objects.filter(pk=message.pk).update(status=State.SENDING, sent_at=None)
    gateway.outbox.clear()

    # when: a second copy of its task arrives
    result = send_applicant_message(message.pk)

    # then
    assert result is None
    assert gateway.outbox == []


def test_a_failing_gateway_is_retried_then_the_message_is_marked_failed(
    center, register_case_with_consent, gateway, settings, committed
):
    # given: the gateway is down
    settings.CLINIC_MESSAGE_MAX_ATTEMPTS = 3
    gateway.fail_with = SmsError("The SMS gateway answered 503")

    # when: a case is registered (the task runs in-process and retries)
    case = register_case_with_consent()

    # then: 3 attempts, then failed with the error; the e-mail went
    sms = OutgoingMessage.objects.get(application=case, channel="sms")
    assert (sms.status, sms.attempts, sms.last_error) == (State.FAILED, 3, "The SMS gateway answered 503")
    assert OutgoingMessage.objects.get(application=case, channel="email").status == State.SENT

    # when: the gateway is back and a manager sends it again
    gateway.fail_with = None
    with committed(execute=True):
        services.message_resend(message=sms, by=factories.StaffFactory(center=center, role="manager"))

    # then
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (State.SENT, 1)
    assert len(gateway.outbox) == 1


def test_the_sweep_sends_the_waiting_messages_and_fails_the_interrupted(
    center, register_case_with_consent, gateway, settings, committed
):
    # given: a message whose task was lost (queued long ago), and one whose worker died mid-send
    case = register_case_with_consent()
    email, sms = OutgoingMessage.objects.filter(application=case).order_by("channel")
    long_ago = timezone.now() - timedelta(hours=2)
    OutgoingMessage.objects.filter(pk=sms.pk).update(status=State.QUEUED, queued_at=long_ago, claimed_at=None)
    OutgoingMessage.objects.filter(pk=email.pk).update(status=State.SENDING, claimed_at=long_ago)
    gateway.outbox.clear()

    # when
    with committed(execute=True):
        assert send_waiting_messages() == 1

    # then
    sms.refresh_from_db()
    email.refresh_from_db()
    assert sms.status == State.SENT
    assert len(gateway.outbox) == 1
    assert email.status == State.FAILED
    assert "interrupted" in email.last_error


def test_queueing_the_same_event_twice_queues_once(center, register_case_with_consent):
    case = register_case_with_consent()

    assert services.queue_applicant_messages(purpose=Purpose.REGISTRATION, application=case) == []
    assert OutgoingMessage.objects.filter(application=case).count() == 2


# The case's timeline


def test_the_timeline_shows_each_message_with_its_fate(
    client_for, center, manager, register_case_with_consent, gateway, settings
):
    # given: the SMS failed, the e-mail went
    settings.CLINIC_MESSAGE_MAX_ATTEMPTS = 1
    gateway.fail_with = SmsError("The SMS gateway could not be reached")
    case = register_case_with_consent()

    # when
    response = client_for(manager).get(f"/cases/{case.pk}/")

    # then
    assert response.status_code == 200
    assert "SMS to the applicant: Case registered (Failed)" in response.text
    assert "The SMS gateway could not be reached" in response.text
    assert "E-mail to the applicant: Case registered (Sent)" in response.text
    api = client_for(manager).get(f"/api/v1/applications/{case.pk}/timeline/").json()
    assert sorted(entry["kind"] for entry in api if entry["kind"] == "message") == ["message", "message"]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the request queued for after its commit (the test's transaction never commits)."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def register_case_with_consent(center, reception, ref, committed):
    """A case of a person who agreed to SMS and e-mail, registered (and its messages sent)."""

    def register() -> Application:
        person = consenting_person(center)
        with committed(execute=True):
            return services.application_register(
                by=reception,
                person=person,
                service=ref.legal_clinic,
                kind=ref.written,
                topic=ref.wages,
                channel=ref.in_person,
            )

    return register


def test_the_task_retries_a_failing_gateway_with_celerys_autoretry(
    center, register_case_with_consent, gateway, settings, monkeypatch
):
    # given: a queued SMS and a gateway that is down
    settings.CLINIC_MESSAGE_MAX_ATTEMPTS = 4
    case = register_case_with_consent()
    sms = OutgoingMessage.objects.get(application=case, channel="sms")
    OutgoingMessage.objects.filter(pk=sms.pk).update(status=State.QUEUED, attempts=0)
    gateway.fail_with = SmsError("The SMS gateway answered 502")
    # Celery applies a retry of an applied task at once unless it propagates the Retry
    monkeypatch.setitem(send_applicant_message.app.conf, "task_eager_propagates", False)

    # when: the task runs (its autoretry applies it again on MessageNotSent)
    result = send_applicant_message.apply(args=[sms.pk])

    # then: four attempts, the last one marks it failed
    assert result.get() == State.FAILED
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.last_error) == (State.FAILED, 4, "The SMS gateway answered 502")


# Through a real worker on Redis


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_a_message_once_though_its_task_is_delivered_twice(redis_worker, gateway):
    # given: the reference rows (a transactional test starts from an empty database)
    center = factories.CenterFactory()
    reception = factories.StaffFactory(center=center, role="reception")
    person = consenting_person(center)

    # when: a case is registered; its commit sends the tasks to the worker
    case = services.application_register(
        by=reception,
        person=person,
        service=factories.service("legal_clinic"),
        kind=factories.kind("written_application"),
        topic=factories.topic("wages"),
        channel=factories.channel("in_person"),
    )

    # then the worker sends both
    def sent() -> bool:
        return OutgoingMessage.objects.filter(application=case, status=State.SENT).count() == 2

    assert wait_until(sent), list(OutgoingMessage.objects.values_list("status", "last_error"))
    assert len(gateway.outbox) == 1
    assert ("clinic.tasks.send_applicant_message", "default") in redis_worker.deliveries

    # when: the SMS's task is delivered again
    sms = OutgoingMessage.objects.get(application=case, channel="sms")
    deliveries = len(redis_worker.deliveries)
    send_applicant_message.delay(sms.pk)
    assert wait_until(lambda: len(redis_worker.deliveries) > deliveries)
    time.sleep(1)  # the task started: a second send would reach the gateway well within this

    # then nothing more was sent
    assert len(gateway.outbox) == 1
    assert len(mail.outbox) == 1
