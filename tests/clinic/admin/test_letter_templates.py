"""Letter templates in the admin: managers upload them; the catalogue of placeholders is on the page; a
template with an unknown or a malformed placeholder is refused, naming it and its line."""

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from clinic.models import LetterTemplate
from organizations.models import Role
from seeds.letters import template_docx
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference")]


def docx(*paragraphs: str, name: str = "Запрос.docx") -> SimpleUploadedFile:
    content = template_docx("test", [("text", paragraph) for paragraph in paragraphs])
    return SimpleUploadedFile(name, content)


def form(upload, **fields) -> dict:
    return {"name": "Запрос о заработной плате", "purpose": "employer_request", "language": "ru",
            "is_active": "on", "file": upload, **fields}  # fmt: skip


@pytest.fixture
def manager_client(client, center):
    manager = StaffFactory(role=Role.MANAGER, center=center)
    client.force_login(manager)
    client.user = manager
    return client


def test_a_manager_uploads_a_template_and_sees_the_placeholders_it_uses(manager_client):
    upload = docx("Исх. № {{ case.registration_number }}", "{{ employer.name }}, БИН {{ employer.bin }}")

    response = manager_client.post("/admin/clinic/lettertemplate/add/", form(upload))

    assert response.status_code == 302, response.context["adminform"].form.errors
    template = LetterTemplate.objects.get(name="Запрос о заработной плате")
    assert template.placeholders == ["case.registration_number", "employer.bin", "employer.name"]
    assert template.file_name == "Запрос.docx"
    assert LogEntry.objects.get_for_object(template).get().actor == manager_client.user
    page = manager_client.get(f"/admin/clinic/lettertemplate/{template.pk}/change/")
    assert "{{ applicant.iin }}" in page.text  # the catalogue
    assert "case.registration_number, employer.bin, employer.name" in page.text
    download = manager_client.get(f"/admin/clinic/lettertemplate/{template.pk}/download/")
    assert download.content == bytes(template.content)


def test_an_unknown_placeholder_is_refused_with_its_line(manager_client):
    upload = docx("Исх. № {{ case.registration_number }}", "Заявитель: {{ applicant.fullname }}")

    response = manager_client.post(
        "/admin/clinic/lettertemplate/add/", form(upload), HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["file"])
    assert "строка 2" in errors
    assert "«applicant.fullname»" in errors or "“applicant.fullname”" in errors
    assert not LetterTemplate.objects.filter(name="Запрос о заработной плате").exists()


def test_a_malformed_placeholder_is_refused_with_its_line(manager_client):
    upload = docx("Исх. № {{ case.registration_number }}", "Текст", "Работодатель: {{ employer.name }")

    response = manager_client.post("/admin/clinic/lettertemplate/add/", form(upload))

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["file"])
    assert "line 3" in errors
    assert "Работодатель: {{ employer.name }" in errors


def test_a_file_that_is_not_a_docx_is_refused(manager_client):
    for upload in (
        SimpleUploadedFile("Запрос.pdf", b"%PDF-1.4"),
        SimpleUploadedFile("Запрос.docx", b"PK junk"),
    ):
        response = manager_client.post("/admin/clinic/lettertemplate/add/", form(upload))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["file"]


def test_a_manager_changes_a_seeded_template_keeping_its_file(manager_client):
    template = LetterTemplate.objects.get(purpose="applicant_answer", language="ru")
    content = bytes(template.content)

    response = manager_client.post(
        f"/admin/clinic/lettertemplate/{template.pk}/change/",
        form("", name=template.name, purpose=template.purpose, is_active=""),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    template.refresh_from_db()
    assert not template.is_active
    assert bytes(template.content) == content


def test_a_lawyer_reads_the_templates_but_may_not_add_one(client, center):
    lawyer = StaffFactory(role=Role.LAWYER, center=center)
    client.force_login(lawyer)
    assert client.get("/admin/clinic/lettertemplate/").status_code == 200
    assert client.get("/admin/clinic/lettertemplate/add/").status_code == 403
