"""Forms sent back with errors: every mistake at once, the needed fields marked, and the documents a
browser cannot keep named so that they are chosen again (the desk, the case page, the online form)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clinic.models import Person, Visit
from tests import factories

pytestmark = pytest.mark.django_db

MARK = (
    '<span class="required-mark" aria-hidden="true">*</span><span class="visually-hidden">(required)</span>'
)


def errors_of(response) -> dict:
    return response.context["form"].errors


def label_of(html: str, field_id: str) -> str:
    """The <label> of a field, or the <legend> of the group whose inputs start with the id."""
    match = re.search(rf'<label for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    return match.group(1) if match else ""


# The desk


def test_the_desk_sent_empty_shows_every_mistake_at_once(client_for, reception, ref):
    response = client_for(reception).post(
        "/reception/", {"person": "new", "channel": "in_person", "result": "consultation"}
    )

    assert response.status_code == 422
    assert set(errors_of(response)) >= {"full_name", "topics", "action_taken"}
    assert not Person.objects.exists()
    assert response.text.count('class="field has-error') >= 3


def test_the_desk_shows_a_bad_phone_together_with_the_missing_topic(client_for, reception, ref):
    response = client_for(reception).post(
        "/reception/",
        {
            "person": "new",
            "full_name": "Aigerim Seitkali",
            "phone": "12",
            "iin": "123",
            "channel": "in_person",
            "result": "consultation",
            "action_taken": "Explained.",
        },
    )

    assert response.status_code == 422
    assert set(errors_of(response)) == {"phone", "iin", "topics"}
    assert not Visit.objects.exists()


def test_opening_a_case_without_service_and_kind_says_both_with_the_rest(client_for, reception, ref):
    response = client_for(reception).post(
        "/reception/", {"person": "new", "channel": "in_person", "result": "case_opened"}
    )

    assert set(errors_of(response)) >= {"full_name", "topics", "service", "kind"}
    assert "action_taken" not in errors_of(response)  # not needed for a case


def test_the_desks_needed_fields_carry_the_mark_and_the_optional_ones_do_not(client_for, reception, ref):
    page = client_for(reception).get("/reception/").text

    for needed in ("id_full_name", "id_action_taken", "id_service", "id_kind", "id_channel"):
        assert MARK in label_of(page, needed), needed
    assert re.search(r"<legend>Topics: " + re.escape(MARK) + "</legend>", page)
    for optional in ("id_phone", "id_iin", "id_employer", "id_question", "id_lawyer"):
        assert "required-mark" not in label_of(page, optional), optional


def test_the_mark_is_translated(client_for, reception, ref):
    page = client_for(reception).get("/reception/", HTTP_ACCEPT_LANGUAGE="ru").text

    assert '<span class="visually-hidden">(обязательное поле)</span>' in label_of(page, "id_full_name")


# The case page


def test_a_refused_document_is_named_to_be_chosen_again(client_for, center, lawyer, case_of, private_media):
    case = case_of(center, lawyer=lawyer, start=True)

    response = client_for(lawyer).post(
        f"/cases/{case.pk}/document/", {"file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00")}
    )

    assert response.status_code == 422
    assert "The file virus.exe was not kept: choose it again before sending." in response.text


def test_a_case_action_marks_its_needed_fields(client_for, center, lawyer, case_of):
    case = case_of(center, lawyer=lawyer, start=True)

    page = client_for(lawyer).get(f"/cases/{case.pk}/").text

    assert MARK in page
    assert page.count("required-mark") >= 2


# The online form


@pytest.fixture
def online(ref, private_media):
    factories.channel("online")


def test_the_online_form_sent_empty_shows_every_mistake_and_marks_the_needed_fields(center, online):
    response = Client().post("/online/", {"website": ""})

    assert response.status_code in (200, 422)
    assert set(response.context["form"].errors) >= {
        "place",
        "full_name",
        "phone",
        "topic",
        "question",
        "consent",
    }
    assert MARK in label_of(response.text, "id_full_name")
    assert "required-mark" not in label_of(response.text, "id_email")


def test_the_online_form_names_the_documents_to_choose_again(center, online):
    response = Client().post(
        "/online/",
        {
            "place": f"center-{center.pk}",
            "full_name": "Saule Online",
            "phone": "8 701 555 01 02",
            "topic": "wages",
            "question": "",
            "website": "",
            "files": [
                SimpleUploadedFile("payslip.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
                SimpleUploadedFile("contract.pdf", b"%PDF-1.4 y", content_type="application/pdf"),
            ],
        },
    )

    assert "question" in response.context["form"].errors
    assert "consent" in response.context["form"].errors
    assert (
        "The files payslip.pdf, contract.pdf were not kept: choose them again before sending."
        in response.text
    )
    assert not Visit.objects.exists()
