"""The public online reception, through HTTP: a citizen sends a question without an account, the
reception of the chosen center deals with it like a walk-in, a lawyer answers, and the citizen reads
the answer with the tracking code and the phone. Limits, honeypot and uploads refuse abuse, and a
refusal leaves nothing saved."""

import re
import threading
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from clinic import services
from clinic.models import (
    Application,
    Channel,
    OnlineAttachment,
    OnlineSubmission,
    Outcome,
    Person,
    Service,
    Status,
    Visit,
)
from clinic.online import tracking_hash
from clinic.throttle import Limit, Throttled, throttle_hit
from organizations.identifiers import make_iin
from organizations.models import Role
from reports.periods import Period, PeriodKind
from reports.queries import application_breakdown
from tests import factories
from tests.factories import (
    CenterFactory,
    OfficeFactory,
    PersonFactory,
    PrimaryOrganizationFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 payslips"
IIN = make_iin(date(1988, 4, 12), female=True, serial=321)


@pytest.fixture(autouse=True)
def reference(media_root):
    """What the seeds give every installation: the online channel, a topic, the kinds, an outcome."""
    factories.channel(Channel.ONLINE)
    factories.kind()
    factories.outcome()
    factories.service(Service.LEGAL_CLINIC)
    return factories.topic()


@pytest.fixture
def citizen() -> Client:
    return Client(REMOTE_ADDR="203.0.113.7")


def form_data(center, **overrides) -> dict:
    data = {
        "place": f"center-{center.pk}",
        "full_name": "Saule  Online",
        "phone": "8 701 555 01 02",
        "iin": "",
        "email": "",
        "employer_name": "",
        "topic": "wages",
        "question": "My wages have not been paid since March.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def send(client: Client, center, files=(), **overrides):
    data = form_data(center, **overrides)
    if files:
        data["files"] = list(files)
    return client.post("/online/", data)


def sent_code(client: Client) -> str:
    page = client.get("/online/sent/").content.decode()
    return re.search(r'id="tracking-code">([A-Z0-9-]+)<', page).group(1)


def track(client: Client, code: str, phone: str = "+77015550102"):
    return client.post("/online/track/", {"code": code, "phone": phone})


def nothing_saved() -> bool:
    return not (Person.objects.exists() or Visit.objects.exists() or OnlineSubmission.objects.exists())


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


# Sending a question


def test_the_public_page_needs_no_account_and_lists_every_center_and_office(citizen, center):
    # given
    CenterFactory(name_en="Test Region Far Away")
    OfficeFactory(center=center, name_en="Riverside office")

    # when
    response = citizen.get("/online/")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert center.name_en in page
    assert "Test Region Far Away" in page
    assert "Riverside office" in page
    assert "I consent to the trade-union federation" in page  # the consent text itself is shown
    assert 'name="website"' in page  # the honeypot
    assert "no-store" in response["Cache-Control"]


def test_a_question_sent_online_lands_in_the_centers_reception_queue(citizen, center, reception):
    # when
    response = send(citizen, center, iin=IIN, email="Saule@Example.kz", employer_name="Some Employer LLP")

    # then: the sender is sent to the page with the tracking code
    assert response.status_code == 302
    assert response["Location"] == "/online/sent/"
    code = sent_code(citizen)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", code)
    # and the code is shown once only
    assert citizen.get("/online/sent/")["Location"] == "/online/"
    # and a pending visit of the chosen center, channel online, registered by nobody
    visit = Visit.objects.get()
    assert (visit.center, visit.channel_id, visit.result) == (center, Channel.ONLINE, Visit.Result.PENDING)
    assert visit.registered_by is None
    assert visit.person.full_name == "Saule Online"
    assert (visit.person.phone, visit.person.iin) == ("+77015550102", IIN)
    # and the submission keeps the consent, the typed data and only a hash of the code
    submission = visit.online_submission
    assert submission.consent_version
    assert submission.consented_at <= timezone.now()
    assert submission.tracking_hash == tracking_hash(code) != code.replace("-", "")
    assert (submission.email, submission.employer_name) == ("saule@example.kz", "Some Employer LLP")
    assert submission.due_on > timezone.localdate()
    # and it is audited like a walk-in, with the sender's address and no staff actor
    entry = LogEntry.objects.get_for_object(visit).get(action=LogEntry.Action.CREATE)
    assert entry.actor is None
    assert entry.remote_addr == "203.0.113.7"


def test_choosing_a_town_with_an_office_sends_the_question_to_its_center(citizen, center):
    office = OfficeFactory(center=center)

    response = send(citizen, center, place=f"office-{office.pk}")

    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.center, visit.office) == (center, office)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consent": ""}, "consent", "Your consent is needed"),
        ({"phone": "12345"}, "phone", "Kazakhstan phone number"),
        ({"iin": "123456789012"}, "iin", "IIN"),
        ({"full_name": ""}, "full_name", "required"),
        ({"question": "   "}, "question", "required"),
        ({"place": "center-999999"}, "place", "Choose your region"),
        ({"email": "not-an-address"}, "email", "valid email"),
    ],
)
def test_bad_input_gets_a_message_next_to_its_field_and_nothing_is_saved(
    citizen, center, overrides, field, message
):
    response = send(citizen, center, **overrides)

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert "has-error" in response.content.decode()
    assert nothing_saved()


def test_a_filled_honeypot_is_refused_and_nothing_is_saved(citizen, center):
    response = send(citizen, center, website="http://spam.example")

    assert response.status_code == 422
    assert "filled in automatically" in " ".join(response.context["form"].errors["website"])
    assert nothing_saved()
    # and the form comes back with the trap empty, so a person can simply send it again
    assert 'value="http://spam.example"' not in response.content.decode()


# The same person, found as the desk finds people


def test_a_known_iin_attaches_the_question_to_that_person_without_changing_or_revealing_them(citizen, center):
    known = PersonFactory(center=center, full_name="Registered Name", iin=IIN, phone="+77019990000")

    response = send(citizen, center, full_name="Somebody Else", iin=IIN)

    # no "already registered: Registered Name" oracle: the same answer as for anybody
    assert response.status_code == 302
    assert Person.objects.count() == 1
    visit = Visit.objects.get()
    assert visit.person == known
    known.refresh_from_db()
    assert (known.full_name, known.phone) == ("Registered Name", "+77019990000")
    assert visit.online_submission.full_name == "Somebody Else"  # what was typed, for the desk


def test_a_known_phone_is_the_same_person_only_with_the_same_name(citizen, center):
    known = PersonFactory(center=center, full_name="Saule Online", iin="", phone="+77015550102")

    send(citizen, center, full_name="saule online")
    send(citizen, center, full_name="Her Brother")

    persons = {visit.person.full_name for visit in Visit.objects.select_related("person")}
    assert persons == {"Saule Online", "Her Brother"}
    assert Visit.objects.filter(person=known).count() == 1
    assert Person.objects.count() == 2


def test_a_person_of_another_center_is_not_reused(citizen, center, other_center):
    PersonFactory(center=other_center, iin=IIN)

    send(citizen, center, iin=IIN)

    assert Visit.objects.get().person.center == center


# Limits


def test_posts_are_limited_per_address(citizen, center, settings):
    settings.CLINIC_ONLINE_SUBMIT_PER_ADDRESS = (2, 3600)

    first = send(citizen, center, phone="+77015550001")
    second = send(citizen, center, consent="")  # a refused post counts too
    third = send(citizen, center, phone="+77015550003")

    assert (first.status_code, second.status_code, third.status_code) == (302, 422, 429)
    assert "Too many requests" in third.content.decode()
    assert int(third["Retry-After"]) > 0
    assert Visit.objects.count() == 1
    # another address is not affected
    assert send(Client(REMOTE_ADDR="198.51.100.9"), center, phone="+77015550004").status_code == 302


def test_submissions_are_limited_per_phone(center, settings):
    settings.CLINIC_ONLINE_SUBMIT_PER_PHONE = (2, 24 * 3600)

    answers = [
        send(Client(REMOTE_ADDR=f"198.51.100.{n}"), center, phone="+7 701 555 01 02").status_code
        for n in range(1, 4)
    ]
    refused = send(Client(REMOTE_ADDR="198.51.100.50"), center, phone="87015550102")

    assert answers == [302, 302, 422]
    assert refused.status_code == 422
    assert "Too many questions" in " ".join(refused.context["form"].errors["phone"])
    assert Visit.objects.count() == 2
    # a different phone still goes through
    assert send(Client(REMOTE_ADDR="198.51.100.51"), center, phone="+77015550999").status_code == 302


def test_a_refused_submission_does_not_use_up_the_phones_allowance(citizen, center, settings):
    settings.CLINIC_ONLINE_SUBMIT_PER_PHONE = (1, 24 * 3600)

    send(citizen, center, question="")  # refused
    response = send(citizen, center)

    assert response.status_code == 302


# Uploads


def test_documents_are_stored_privately_with_the_submission(citizen, center, media_root):
    upload = SimpleUploadedFile("payslip.pdf", PDF, "application/pdf")

    response = send(citizen, center, files=[upload])

    assert response.status_code == 302
    attachment = OnlineAttachment.objects.get()
    assert (attachment.original_name, attachment.size) == ("payslip.pdf", len(PDF))
    assert attachment.submission.visit.center == center
    assert "payslip" not in attachment.file.name  # a random stored name
    assert attachment.file.read() == PDF


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([SimpleUploadedFile(f"p{n}.pdf", PDF) for n in range(4)], "at most 3 files"),
        ([SimpleUploadedFile("virus.exe", b"MZ\x90\x00")], "Accepted file types"),
        ([SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf")], "does not match its type"),
        ([SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 2048)], "larger than"),
    ],
)
def test_uploads_are_limited_in_number_size_and_type(citizen, center, settings, media_root, files, message):
    settings.CLINIC_ONLINE_FILE_MAX_BYTES = 1024

    response = send(citizen, center, files=files)

    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors["files"])
    assert nothing_saved()
    assert stored_files(media_root) == []


def test_a_body_larger_than_the_files_allowed_is_refused_before_it_is_read(citizen, center, settings):
    settings.CLINIC_ONLINE_FILE_MAX_BYTES = 1024

    response = citizen.post(
        "/online/",
        form_data(center),
        CONTENT_LENGTH=str(10 * 2**20),
        content_type="multipart/form-data; boundary=x",
    )

    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert nothing_saved()


def test_the_csrf_token_is_still_required(center):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.8")

    response = client.post("/online/", form_data(center))

    assert response.status_code == 403
    assert nothing_saved()


def test_nothing_is_half_saved_when_a_later_step_fails(citizen, center, media_root, monkeypatch):
    # given: the second document cannot be recorded (the database refuses, the disk is full...)
    saved = []
    original_save = OnlineAttachment.save

    def failing_save(self, *args, **kwargs):
        if saved:
            raise OSError("disk full")
        saved.append(self)
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(OnlineAttachment, "save", failing_save)
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)]

    # when
    with pytest.raises(OSError, match="disk full"):
        send(citizen, center, files=files)

    # then: no person, visit, submission or attachment, and no file left on the disk
    assert nothing_saved()
    assert not OnlineAttachment.objects.exists()
    assert stored_files(media_root) == []


# Following it


def test_the_code_and_the_phone_show_the_status_and_the_due_date_only(citizen, center):
    send(citizen, center, question="Secret details of my question")
    code = sent_code(citizen)
    submission = OnlineSubmission.objects.get()

    response = track(Client(REMOTE_ADDR="198.51.100.20"), code.lower().replace("-", " "), "8 (701) 555-01-02")

    assert response.status_code == 200
    tracked = response.context["tracked"]
    assert tracked.status.startswith("Received")
    assert tracked.due_on == submission.due_on
    assert tracked.answer == ""
    page = response.content.decode()
    assert "Secret details" not in page
    assert "Saule" not in page


@pytest.mark.parametrize("wrong", ["code", "phone"])
def test_a_wrong_code_or_phone_gets_the_same_answer(citizen, center, wrong):
    send(citizen, center)
    code = sent_code(citizen)
    other = "ABCDE-FGHJK" if wrong == "code" else code

    response = track(citizen, other, "+77015550102" if wrong == "code" else "+77019999999")

    assert response.status_code == 422
    assert response.context["tracked"] is None
    assert "No question matches this tracking code and phone number." in response.content.decode()


def test_tracking_look_ups_are_limited_per_address(citizen, center, settings):
    settings.CLINIC_ONLINE_TRACK_PER_ADDRESS = (3, 3600)
    send(citizen, center)
    code = sent_code(citizen)

    answers = [track(citizen, "ABCDE-FGHJK").status_code for _ in range(3)]
    refused = track(citizen, code)

    assert answers == [422, 422, 422]
    assert refused.status_code == 429
    assert track(Client(REMOTE_ADDR="198.51.100.30"), code).status_code == 200


def test_failed_look_ups_are_limited_per_phone_whatever_the_address(citizen, center, settings):
    settings.CLINIC_ONLINE_TRACK_FAILED_PER_PHONE = (2, 3600)
    send(citizen, center)
    code = sent_code(citizen)

    for n in range(2):
        assert track(Client(REMOTE_ADDR=f"198.51.100.{60 + n}"), "ABCDE-FGHJK").status_code == 422
    refused = track(Client(REMOTE_ADDR="198.51.100.70"), code)  # even the right code now

    assert refused.status_code == 422
    assert refused.context["tracked"] is None
    assert "Too many unsuccessful attempts" in refused.content.decode()


def test_the_sent_page_gives_the_address_to_follow_it(citizen, center):
    send(citizen, center)

    page = citizen.get("/online/sent/").content.decode()

    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', page).group(1)
    assert f'href="/online/track/?code={code}"' in page
    prefilled = citizen.get(f"/online/track/?code={code}").content.decode()
    assert f'value="{code}"' in prefilled


# The staff's side


@pytest.fixture
def sent(citizen, center):
    """A question sent online with a document; returns its tracking code."""
    send(citizen, center, files=[SimpleUploadedFile("payslip.pdf", PDF, "application/pdf")])
    return sent_code(citizen)


def test_the_reception_desk_lists_online_questions_marked_with_their_documents(
    client, center, reception, sent, django_assert_max_num_queries
):
    # given: more of them, to show the desk's queries do not grow with the list
    for n in range(3):
        send(Client(REMOTE_ADDR=f"198.51.100.{n + 80}"), center, phone=f"+7701555090{n}")
    client.force_login(reception)

    with django_assert_max_num_queries(20):
        response = client.get("/reception/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="badge online"' in page
    assert "payslip.pdf" in page
    assert len(response.context["online_pending"]) == 4
    assert "Sent online by the applicant" in page  # today's visits: nobody registered it


def test_another_centers_reception_does_not_see_it(client, other_center, sent):
    client.force_login(StaffFactory(role=Role.RECEPTION, center=other_center))
    visit = Visit.objects.get()

    assert client.get("/reception/").context["online_pending"].count() == 0
    assert client.get(f"/reception/online/{visit.pk}/").status_code == 404
    attachment = OnlineAttachment.objects.get()
    assert client.get(f"/reception/online/attachments/{attachment.pk}/download/").status_code == 404


def test_documents_sent_online_download_for_the_centers_staff_only(client, citizen, center, lawyer, sent):
    attachment = OnlineAttachment.objects.get()
    url = f"/reception/online/attachments/{attachment.pk}/download/"

    assert citizen.get(url).status_code == 302  # to the sign-in page
    client.force_login(lawyer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"  # from the extension accepted at upload
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_the_reception_answers_on_the_spot_and_the_citizen_reads_it(client, citizen, reception, sent):
    visit = Visit.objects.get()
    client.force_login(reception)

    page = client.get(f"/reception/online/{visit.pk}/")
    response = client.post(
        f"/reception/online/{visit.pk}/answer/", {"action_taken": "Write to the labor inspection."}
    )

    assert page.status_code == 200
    assert response.status_code == 302
    tracked = track(citizen, sent).context["tracked"]
    assert tracked.status == "Answered"
    assert tracked.answer == "Write to the labor inspection."
    # and a second answer is refused: it has been dealt with
    again = client.post(f"/reception/online/{visit.pk}/answer/", {"action_taken": "Again"})
    assert again.status_code == 422


def test_an_empty_answer_is_refused_next_to_its_field(client, reception, sent):
    visit = Visit.objects.get()
    client.force_login(reception)

    response = client.post(f"/reception/online/{visit.pk}/answer/", {"action_taken": " "})

    assert response.status_code == 422
    assert "action_taken" in response.context["answer_form"].errors
    visit.refresh_from_db()
    assert visit.result == Visit.Result.PENDING


def test_the_whole_flow_case_opened_decided_and_answer_read(client, citizen, center, reception, lawyer, sent):
    # given: the reception opens a case from the online question, for the lawyer
    visit = Visit.objects.get()
    client.force_login(reception)
    response = client.post(
        f"/reception/online/{visit.pk}/open-case/",
        {"service": Service.LEGAL_CLINIC, "kind": "written_application", "lawyer": lawyer.pk},
    )
    assert response.status_code == 302
    case = Application.objects.get()
    assert (case.channel_id, case.registered_by, case.visit) == (Channel.ONLINE, reception, visit)
    assert response["Location"] == f"/cases/{case.pk}/"
    # the citizen sees the case being considered and its due date, no answer yet
    tracked = track(citizen, sent).context["tracked"]
    assert tracked.status == "Being considered: Registered"
    assert tracked.due_on == case.due_on

    # when: the lawyer works it, writes the public answer and decides it
    client.force_login(lawyer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'class="badge online"' in page
    assert "payslip.pdf" in page
    assert 'id="action-public_answer"' in page
    client.post(f"/cases/{case.pk}/status/", {"to_status": Status.IN_PROGRESS})
    response = client.post(f"/cases/{case.pk}/public_answer/", {"public_answer": "Your employer must pay."})
    assert response.status_code == 302
    # not shown before the decision
    assert track(citizen, sent).context["tracked"].answer == ""
    client.post(
        f"/cases/{case.pk}/decide/",
        {"outcome": Outcome.SATISFIED, "decision": "Internal: satisfied after a call.", "recovered_kzt": "0"},
    )

    # then: the citizen reads the public answer, and nothing else of the case
    response = track(citizen, sent)
    tracked = response.context["tracked"]
    assert tracked.status == "Decided"
    assert tracked.answer == "Your employer must pay."
    page = response.content.decode()
    assert "Internal" not in page
    assert case.registration_number not in page
    assert lawyer.username not in page


def test_a_decided_case_without_a_public_answer_says_so_without_the_internal_decision(
    client, citizen, reception, lawyer, sent
):
    visit = Visit.objects.get()
    case = services.visit_open_case(
        visit=visit, by=reception, service=factories.service(), kind=factories.kind(), lawyer=lawyer
    )
    case = services.application_change_status(application=case, by=lawyer, to_status=Status.IN_PROGRESS)
    services.application_decide(
        application=case, by=lawyer, outcome=factories.outcome(), decision="Internal reasoning"
    )

    tracked = track(citizen, sent).context["tracked"]

    assert tracked.status == "Decided"
    assert "Internal" not in tracked.answer
    assert not tracked.answered


def test_a_walk_in_case_has_no_public_answer(client, lawyer, case_in_progress):
    case = case_in_progress()
    client.force_login(lawyer)

    page = client.get(f"/cases/{case.pk}/").content.decode()
    response = client.post(f"/cases/{case.pk}/public_answer/", {"public_answer": "x"})

    assert 'id="action-public_answer"' not in page
    assert response.status_code == 302  # "not possible for the case as it is now"
    case.refresh_from_db()
    assert case.public_answer == ""


def test_only_the_assigned_lawyer_or_a_manager_writes_the_public_answer(reception, lawyer, sent):
    visit = Visit.objects.get()
    case = services.visit_open_case(
        visit=visit, by=reception, service=factories.service(), kind=factories.kind(), lawyer=lawyer
    )
    other_lawyer = StaffFactory(role=Role.LAWYER, center=case.center)

    with pytest.raises(PermissionDenied):
        services.application_publish_answer(application=case, by=other_lawyer, text="Hi")
    services.application_publish_answer(application=case, by=lawyer, text="Hello")

    case.refresh_from_db()
    assert case.public_answer == "Hello"


def test_reports_count_online_cases_under_the_channel_online(reception, lawyer, center, sent):
    visit = Visit.objects.get()
    services.visit_open_case(visit=visit, by=reception, service=factories.service(), kind=factories.kind())
    period = Period.containing(PeriodKind.MONTH, timezone.localdate())

    by_channel = application_breakdown(
        center_id=center.pk, period=period, as_of=timezone.now(), field="channel_id"
    )

    assert by_channel[Channel.ONLINE]["received"] == 1
    assert set(by_channel) == {Channel.ONLINE}


def test_the_api_lists_an_online_visit_with_nobody_as_registering_it(api_client, reception, sent):
    api_client.force_authenticate(reception)

    response = api_client.get("/api/v1/visits/")

    assert response.status_code == 200
    (visit,) = response.json()["results"]
    assert (visit["channel"], visit["registered_by"]) == (Channel.ONLINE, None)


@pytest.mark.django_db(transaction=True)
def test_a_limit_holds_exactly_under_concurrent_requests():
    # given: ten requests at once from one address (as from several gunicorn workers), a limit of five
    limit = Limit("test-concurrency", 5, 3600)
    barrier = threading.Barrier(10)
    results = []

    def request():
        try:
            barrier.wait()
            throttle_hit(limit=limit, value="203.0.113.1")
            results.append("passed")
        except Throttled:
            results.append("refused")
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=request) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: the counter row serialises them; exactly five pass
    assert sorted(results) == ["passed"] * 5 + ["refused"] * 5


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_public_pages_answer_in_the_three_languages(center, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)

    for url in ("/online/", "/online/track/"):
        response = client.get(url)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()


def test_the_service_refuses_without_consent_and_saves_nothing(center, reference):
    with pytest.raises(ValidationError) as refused:
        services.online_submission_create(
            center=center,
            full_name="No Consent",
            phone="+77015550111",
            topic=reference,
            question="?",
            consent=False,
        )

    assert "consent" in refused.value.message_dict
    assert nothing_saved()


def test_union_membership_is_asked_online_and_kept(citizen, center):
    organization = PrimaryOrganizationFactory(center=center, name="Teachers' union of School 5")

    assert 'name="is_union_member"' in citizen.get("/online/").content.decode()
    response = send(
        citizen, center, is_union_member="yes", primary_organization_name="teachers' union of school 5"
    )

    assert response.status_code == 302
    submission = OnlineSubmission.objects.get()
    assert submission.is_union_member is True
    assert submission.primary_organization_name == "teachers' union of school 5"
    person = submission.visit.person
    assert person.is_union_member
    assert person.primary_organization == organization


def test_union_membership_may_be_left_unsaid(citizen, center):
    assert send(citizen, center).status_code == 302

    submission = OnlineSubmission.objects.get()
    assert submission.is_union_member is None
    assert not submission.visit.person.is_union_member
