"""The seeded letter templates: one per purpose in Russian and Kazakh, loaded by seed_reference without
touching what a manager changed, and each fills a letter for a case like the demo's."""

from collections import Counter

import pytest
from django.core.management import call_command

from clinic import services
from clinic.models import LetterTemplate
from organizations.models import Role, TerritorialCenter
from seeds.letters import TEMPLATES, letter_templates_load, template_docx
from tests.clinic.letters import docx_text
from tests.factories import ApplicationFactory, EmployerFactory, PersonFactory, StaffFactory, topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_seed_reference_loads_five_purposes_in_two_languages():
    call_command("seed_reference", verbosity=0)

    templates = LetterTemplate.objects.all()
    assert Counter(templates.values_list("language", flat=True)) == {"ru": 5, "kk": 5}
    assert {(t.purpose, t.language) for t in templates} == {
        (purpose, language) for purpose in LetterTemplate.Purpose.values for language in ("ru", "kk")
    }
    assert all(t.is_active and t.updated_by is None and t.placeholders for t in templates)


def test_a_second_load_keeps_what_a_manager_changed_and_restores_what_is_missing():
    letter_templates_load()
    changed = LetterTemplate.objects.get(purpose="employer_request", language="kk")
    changed.is_active = False
    changed.save(update_fields=["is_active"])
    LetterTemplate.objects.filter(purpose="applicant_answer", language="ru").delete()

    assert letter_templates_load() == 1

    assert LetterTemplate.objects.count() == 10
    changed.refresh_from_db()
    assert not changed.is_active
    assert letter_templates_load() == 0


def test_the_templates_are_built_to_the_same_bytes_every_time():
    _purpose, _language, name, paragraphs = TEMPLATES[0]
    assert template_docx(name, paragraphs) == template_docx(name, paragraphs)


def test_every_seeded_template_fills_a_letter_for_a_demo_like_case():
    # given: the reference data and a case of the Almaty Region center, as the demo has them
    call_command("seed_reference", verbosity=0)
    center = TerritorialCenter.objects.get(iso_code="KZ-19")
    lawyer = StaffFactory(role=Role.LAWYER, center=center, first_name="Данияр", last_name="Оспанов")
    employer = EmployerFactory(center=center, name="АО «Каспий Энерго»")
    person = PersonFactory(center=center, full_name="Иванова Алия Маратовна", iin="")
    case = ApplicationFactory(
        center=center,
        person=person,
        employer=employer,
        lawyer=lawyer,
        topic=topic("wages"),
        summary="Задержка заработной платы & премии <за> два месяца;\nприказ не вручён.",
    )
    # when / then
    for template in LetterTemplate.objects.all():
        document = services.letter_write(application=case, template=template, by=lawyer)
        with document.file.open("rb") as stored:
            text = docx_text(stored.read())
        assert case.registration_number in text, template.name
        assert "Иванова Алия Маратовна" in text, template.name
        assert center.name_ru in text if template.language == "ru" else center.name_kk in text
        assert "Данияр Оспанов" in text, template.name
        assert "{" not in text, template.name
    assert case.documents.count() == 10
