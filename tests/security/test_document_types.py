"""An uploaded file is served with the type its accepted extension gives, decided by the server: a .txt
holding HTML, sent as text/html by the browser, is stored and downloaded as text/plain, as an attachment
that no browser sniffs, wherever it is downloaded (web page, admin, API, documents sent online)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from clinic import services
from clinic.models import Channel, Document, OnlineAttachment, Status
from tests import factories

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_plain_text_attachment(response, name: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert b"".join(response.streaming_content) == HTML


def test_a_case_document_of_html_in_a_txt_is_text_everywhere(center, lawyer):
    # given: a case in the lawyer's work, and a .txt the browser calls text/html
    case = factories.ApplicationFactory(center=center, lawyer=lawyer)
    case = services.application_change_status(application=case, by=lawyer, to_status=Status.IN_PROGRESS)
    web = Client()
    web.force_login(lawyer)
    upload = SimpleUploadedFile("claim.txt", HTML, content_type="text/html")

    # when: uploaded on the case page
    response = web.post(f"/cases/{case.pk}/document/", {"file": upload})

    # then: stored as text, and every download says so
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == "text/plain"
    assert_plain_text_attachment(web.get(f"/documents/{document.pk}/download/"), "claim.txt")
    assert_plain_text_attachment(
        web.get(f"/admin/clinic/application/documents/{document.pk}/download/"), "claim.txt"
    )
    api = APIClient()
    api.force_authenticate(lawyer)
    assert_plain_text_attachment(
        api.get(f"/api/v1/applications/{case.pk}/documents/{document.pk}/"), "claim.txt"
    )


def test_a_document_sent_online_of_html_in_a_txt_is_text(center, reception):
    # given: the reference rows of the public form
    factories.channel(Channel.ONLINE)
    factories.kind()
    factories.topic("wages")
    citizen = Client(REMOTE_ADDR="203.0.113.41")
    upload = SimpleUploadedFile("payslip.txt", HTML, content_type="text/html")

    # when: sent with a question
    sent = citizen.post(
        "/online/",
        {
            "place": f"center-{center.pk}",
            "full_name": "Saule Online",
            "phone": "8 701 555 01 02",
            "topic": "wages",
            "question": "My wages have not been paid since March.",
            "consent": "on",
            "website": "",
            "files": [upload],
        },
    )

    # then
    assert sent.status_code == 302
    attachment = OnlineAttachment.objects.get()
    assert attachment.content_type == "text/plain"
    desk = Client()
    desk.force_login(reception)
    assert_plain_text_attachment(
        desk.get(f"/reception/online/attachments/{attachment.pk}/download/"), "payslip.txt"
    )
