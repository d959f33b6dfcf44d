"""Letters through the API: the templates (read by staff, kept by managers, checked like the admin's) and
a case's letters (POST /applications/{id}/letters/: the filled letter as the case's new document)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clinic.models import LetterTemplate
from clinic.services.letters import letter_date
from organizations.models import Role
from seeds.letters import template_docx
from tests.clinic.letters import docx_text, letter_case, seeded_templates
from tests.factories import StaffFactory


@pytest.fixture
def templates(db):
    return seeded_templates()


def upload(*paragraphs: str) -> SimpleUploadedFile:
    content = template_docx("test", [("text", paragraph) for paragraph in paragraphs])
    return SimpleUploadedFile("Ответ.docx", content)


def new_template(**fields) -> dict:
    return {"name": "Ответ о сроках", "purpose": "applicant_answer", "language": "ru", **fields}


# A case's letters


@pytest.mark.parametrize(
    ("language", "center_name"), [("ru", "Алматинская область"), ("kk", "Алматы облысы")]
)
def test_a_lawyer_writes_a_case_letter_and_downloads_it(client_for, templates, language, center_name):
    # given
    given = letter_case()
    template = templates[(LetterTemplate.Purpose.INSPECTORATE_REFERRAL, language)]
    client = client_for(given.lawyer)
    # when
    response = client.post(f"/api/v1/applications/{given.case.pk}/letters/", {"template": template.pk})
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    document = given.case.documents.get()
    assert body["id"] == document.pk
    assert body["original_name"] == f"{given.case.registration_number} {template.name}.docx"
    assert body["content_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    download = client.get(body["download_url"])
    assert download.status_code == 200
    text = docx_text(b"".join(download.streaming_content))
    for value in (
        given.case.registration_number,
        "Нұрланов Ерлан Серікұлы",
        "ТОО «Жетысу Курылыс»",
        given.employer.bin,
        center_name,
        "Айгерим Сапарова",
        letter_date(timezone.localdate(), language),
    ):
        assert value in text, value


def test_a_letter_is_refused_to_another_center_to_reception_and_for_an_inactive_template(
    client_for, templates
):
    given = letter_case()
    template = templates[(LetterTemplate.Purpose.EMPLOYER_REQUEST, "kk")]
    url = f"/api/v1/applications/{given.case.pk}/letters/"
    outsider = StaffFactory(role=Role.MANAGER)
    reception = StaffFactory(role=Role.RECEPTION, center=given.center)
    analyst = StaffFactory(role=Role.ANALYST, center=None)

    assert client_for(outsider).post(url, {"template": template.pk}).status_code == 404
    assert client_for(reception).post(url, {"template": template.pk}).status_code == 403
    assert client_for(analyst).post(url, {"template": template.pk}).status_code == 403
    template.is_active = False
    template.save(update_fields=["is_active"])
    refused = client_for(given.lawyer).post(url, {"template": template.pk}, HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 400
    assert "template" in refused.json()
    assert not given.case.documents.exists()


# The templates


def test_staff_list_the_templates_in_constant_queries(client_for, templates, django_assert_num_queries):
    lawyer = StaffFactory(role=Role.LAWYER)
    client = client_for(lawyer)
    client.get("/api/v1/letter-templates/")  # the session and the user are warm afterwards
    with django_assert_num_queries(1):
        response = client.get("/api/v1/letter-templates/")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 10
    assert {(row["purpose"], row["language"]) for row in rows} == set(templates)
    assert "case.registration_number" in rows[0]["placeholders"]


def test_the_catalogue_of_placeholders_is_read_in_the_users_language(client_for, db):
    response = client_for(StaffFactory(role=Role.LAWYER)).get(
        "/api/v1/letter-templates/placeholders/", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 200
    catalogue = {row["name"]: row["description"] for row in response.json()}
    assert "employer.bin" in catalogue
    assert catalogue["employer.bin"] == "БИН работодателя"


def test_a_manager_uploads_and_changes_a_template(client_for, db):
    manager = StaffFactory(role=Role.MANAGER)
    client = client_for(manager)

    created = client.post(
        "/api/v1/letter-templates/",
        new_template(file=upload("№ {{ case.registration_number }}, {{ applicant.full_name }}")),
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["placeholders"] == ["applicant.full_name", "case.registration_number"]
    template_id = created.json()["id"]

    changed = client.patch(
        f"/api/v1/letter-templates/{template_id}/",
        {"file": upload("{{ lawyer.full_name }}"), "is_active": "false"},
        format="multipart",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["placeholders"] == ["lawyer.full_name"]
    assert changed.json()["is_active"] is False


def test_the_api_refuses_unknown_and_malformed_placeholders_with_their_line(client_for, db):
    client = client_for(StaffFactory(role=Role.MANAGER))

    unknown = client.post(
        "/api/v1/letter-templates/",
        new_template(file=upload("Текст", "{{ case.registraton_number }}")),
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    malformed = client.post(
        "/api/v1/letter-templates/",
        new_template(file=upload("{% if case.summary %}{{ case.summary }}")),
        format="multipart",
    )

    assert unknown.status_code == 400
    assert "строка 2" in str(unknown.json())
    assert "case.registraton_number" in str(unknown.json())
    assert malformed.status_code == 400
    assert "line 1" in str(malformed.json())
    assert not LetterTemplate.objects.exists()


def test_only_managers_keep_the_templates(client_for, db):
    for role in (Role.LAWYER, Role.RECEPTION):
        response = client_for(StaffFactory(role=role)).post(
            "/api/v1/letter-templates/", new_template(file=upload("{{ today }}")), format="multipart"
        )
        assert response.status_code == 403
    analyst = StaffFactory(role=Role.ANALYST, center=None)
    response = client_for(analyst).post(
        "/api/v1/letter-templates/", new_template(file=upload("{{ today }}")), format="multipart"
    )
    assert response.status_code == 403
    assert not LetterTemplate.objects.exists()


# Whose templates


def test_a_centers_template_is_its_own_and_the_federations_are_kept_by_the_federation(client_for, templates):
    # given the federation's templates, a case of center A and the managers of centers A and B
    given = letter_case()
    manager_a = StaffFactory(role=Role.MANAGER, center=given.center)
    manager_b = StaffFactory(role=Role.MANAGER)
    federation_template = templates[(LetterTemplate.Purpose.APPLICANT_ANSWER, "ru")]

    # when B's manager uploads a template
    created = client_for(manager_b).post(
        "/api/v1/letter-templates/",
        new_template(file=upload("{{ case.registration_number }}")),
        format="multipart",
    )
    # then it is center B's: B's staff list it; A's staff neither list, read nor use it
    assert created.status_code == 201, created.json()
    own = LetterTemplate.objects.get(pk=created.json()["id"])
    assert own.center_id == manager_b.center_id
    assert created.json()["center"] == manager_b.center_id
    listed_by_a = {row["id"] for row in client_for(given.lawyer).get("/api/v1/letter-templates/").json()}
    assert federation_template.pk in listed_by_a
    assert own.pk not in listed_by_a
    assert client_for(given.lawyer).get(f"/api/v1/letter-templates/{own.pk}/").status_code == 404
    used = client_for(given.lawyer).post(
        f"/api/v1/applications/{given.case.pk}/letters/", {"template": own.pk}
    )
    assert used.status_code == 400
    assert not given.case.documents.exists()
    # and neither A's nor B's manager changes the federation's template, nor A's manager B's
    for manager in (manager_a, manager_b):
        response = client_for(manager).patch(
            f"/api/v1/letter-templates/{federation_template.pk}/", {"is_active": "false"}, format="multipart"
        )
        assert response.status_code == 403
    response = client_for(manager_a).patch(
        f"/api/v1/letter-templates/{own.pk}/", {"is_active": "false"}, format="multipart"
    )
    assert response.status_code == 404

    # when the federation's administrator changes the federation's template
    administrator = StaffFactory(role=Role.ADMINISTRATOR, center=None)
    response = client_for(administrator).patch(
        f"/api/v1/letter-templates/{federation_template.pk}/",
        {"name": "Ответ заявителю (2026)"},
        format="multipart",
    )
    # then it is changed, for every center
    assert response.status_code == 200, response.json()
    assert response.json()["center"] is None
    federation_template.refresh_from_db()
    assert (federation_template.name, federation_template.is_active) == ("Ответ заявителю (2026)", True)
