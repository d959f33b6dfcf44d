"""Letters on the case page: whoever may work the case picks a template, gets the letter filled from
the case, its applicant, employer, center and lawyer, downloads it at once, and finds it among the
case's documents (with its audit entry)."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from clinic.models import Document, LetterTemplate
from clinic.services.letters import letter_date
from organizations.models import Role
from tests.clinic.letters import docx_text, letter_case, seeded_templates
from tests.factories import StaffFactory


@pytest.fixture
def templates(db):
    return seeded_templates()


@pytest.mark.parametrize(
    ("language", "center_name", "today_words"),
    [("ru", "Алматинская область", "г."), ("kk", "Алматы облысы", "жылғы")],
)
def test_a_lawyer_writes_a_letter_from_the_case_page_in_each_language(
    client_for, templates, language, center_name, today_words
):
    # given
    given = letter_case()
    template = templates[(LetterTemplate.Purpose.EMPLOYER_REQUEST, language)]
    client = client_for(given.lawyer)
    # when
    response = client.post(
        f"/cases/{given.case.pk}/letter/", {"template": template.pk}, HTTP_ACCEPT_LANGUAGE=language
    )
    # then: straight to the download of the letter, kept as the case's document
    document = Document.objects.get(application=given.case)
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.pk}/download/"
    assert document.original_name == f"{given.case.registration_number} {template.name}.docx"
    assert document.uploaded_by == given.lawyer
    download = client.get(response["Location"])
    assert download.status_code == 200
    text = docx_text(b"".join(download.streaming_content))
    today = letter_date(timezone.localdate(), language)
    assert today_words in today
    for value in (
        given.case.registration_number,
        "Нұрланов Ерлан Серікұлы",
        given.person.iin,
        "ТОО «Жетысу Курылыс»",
        given.employer.bin,
        "г. Талдыкорган, ул. Тауелсиздик, 5",
        center_name,
        "г. Конаев, ул. Абая, 31",
        "Айгерим Сапарова",
        "Заработная плата не выплачена за три месяца.",
        today,
    ):
        assert value in text, value
    assert "{{" not in text
    assert "{%" not in text
    assert LogEntry.objects.get_for_object(document).filter(actor=given.lawyer).exists()


def test_dates_are_written_as_letters_write_them():
    assert letter_date(date(2026, 11, 30), "ru") == "30 ноября 2026 г."
    assert letter_date(date(2026, 11, 30), "kk") == "2026 жылғы 30 қараша"


def test_the_page_offers_every_active_template_grouped_by_language_its_own_first(client_for, templates):
    given = letter_case()
    templates[(LetterTemplate.Purpose.APPLICANT_ANSWER, "ru")].is_active = False
    templates[(LetterTemplate.Purpose.APPLICANT_ANSWER, "ru")].save(update_fields=["is_active"])
    page = client_for(given.lawyer).get(f"/cases/{given.case.pk}/", HTTP_ACCEPT_LANGUAGE="kk")
    form = next(action.form for action in page.context["actions"] if action.slug == "letter")
    groups = form.fields["template"].choices
    assert [str(label) for label, _options in groups] == ["Қазақша", "Орысша"]
    assert len(groups[0][1]) == 5
    assert len(groups[1][1]) == 4  # the inactive one is not offered
    assert form.fields["template"].initial == groups[0][1][0][0]
    assert templates[(LetterTemplate.Purpose.APPLICANT_ANSWER, "kk")].pk in dict(groups[0][1])


def test_the_page_offers_the_federations_templates_and_the_centers_own_not_another_centers(
    client_for, templates
):
    # given the federation's templates, one of the case's center and one of another center
    given = letter_case()
    source = templates[(LetterTemplate.Purpose.APPLICANT_ANSWER, "ru")]
    own, other = (
        LetterTemplate.objects.create(
            center=center, name=name, purpose=source.purpose, language="ru", content=source.content
        )
        for center, name in ((given.center, "Ответ центра"), (StaffFactory().center, "Ответ другого центра"))
    )
    # when the case's lawyer opens the case
    page = client_for(given.lawyer).get(f"/cases/{given.case.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    # then the letter's choices hold the federation's templates and the center's own only
    form = next(action.form for action in page.context["actions"] if action.slug == "letter")
    offered = {pk for _label, options in form.fields["template"].choices for pk, _name in options}
    assert offered == {template.pk for template in templates.values()} | {own.pk}
    assert "Ответ другого центра" not in page.text
    assert other.pk not in offered


def test_a_case_without_an_employer_gets_its_letter_with_the_employer_left_blank(
    client_for, case_of, templates
):
    given = letter_case()
    case = case_of(
        given.center, lawyer=given.lawyer, start=True, person=given.person, confirm_second_case=True
    )
    template = templates[(LetterTemplate.Purpose.EMPLOYER_REQUEST, "ru")]

    response = client_for(given.lawyer).post(f"/cases/{case.pk}/letter/", {"template": template.pk})

    assert response.status_code == 302
    with case.documents.get().file.open("rb") as stored:
        lines = docx_text(stored.read()).splitlines()
    assert lines[lines.index("Руководителю") + 1 : lines.index("ЗАПРОС")] == ["", "БИН "]
    assert "None" not in " ".join(lines)


def test_a_lawyer_of_another_case_and_reception_may_not_write_its_letters(client_for, templates):
    given = letter_case()
    template = templates[(LetterTemplate.Purpose.EMPLOYER_REQUEST, "ru")]
    colleague = StaffFactory(role=Role.LAWYER, center=given.center)
    reception = StaffFactory(role=Role.RECEPTION, center=given.center)
    for user in (colleague, reception):
        response = client_for(user).post(f"/cases/{given.case.pk}/letter/", {"template": template.pk})
        assert response.status_code == 403
    outsider = StaffFactory(role=Role.MANAGER)  # another center
    response = client_for(outsider).post(f"/cases/{given.case.pk}/letter/", {"template": template.pk})
    assert response.status_code == 404
    assert not given.case.documents.exists()


def test_an_unknown_template_comes_back_with_the_error_at_the_field(client_for, templates):
    given = letter_case()
    response = client_for(given.lawyer).post(
        f"/cases/{given.case.pk}/letter/", {"template": "999999"}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 422
    form = next(action.form for action in response.context["actions"] if action.slug == "letter")
    assert "Выберите корректный вариант" in " ".join(form.errors["template"])
    assert not given.case.documents.exists()
