"""Letter templates in the admin: a center's managers upload their center's, the federation keeps its
own (offered to every center); the catalogue of placeholders is on the page; a
template with an unknown or a malformed placeholder is refused, naming it and its line."""

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

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


def test_the_federation_keeps_its_seeded_templates_and_a_centers_manager_may_not_change_them(
    manager_client,
):
    # given a seeded template: the federation's, offered to every center
    template = LetterTemplate.objects.get(purpose="applicant_answer", language="ru")
    content = bytes(template.content)
    assert template.center is None
    change = f"/admin/clinic/lettertemplate/{template.pk}/change/"
    # when a center's manager changes it, the change is refused on the form
    refused = manager_client.post(
        change,
        form("", name=template.name, purpose=template.purpose, is_active=""),
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert refused.status_code == 200
    assert "Шаблоны писем федерации ведёт федерация." in refused.text
    template.refresh_from_db()
    assert template.is_active

    # when the federation's administrator changes it, keeping its file
    administrator = StaffFactory(role=Role.ADMINISTRATOR, center=None, is_staff=True)
    federation = Client()
    federation.force_login(administrator)
    response = federation.post(change, form("", name=template.name, purpose=template.purpose, is_active=""))
    # then it is changed for every center, its file kept
    assert response.status_code == 302, response.context["adminform"].form.errors
    template.refresh_from_db()
    assert not template.is_active
    assert bytes(template.content) == content


def test_a_lawyer_reads_the_templates_but_may_not_add_one(client, center):
    lawyer = StaffFactory(role=Role.LAWYER, center=center)
    client.force_login(lawyer)
    assert client.get("/admin/clinic/lettertemplate/").status_code == 200
    assert client.get("/admin/clinic/lettertemplate/add/").status_code == 403
