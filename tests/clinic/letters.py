"""What the letter tests share: the seeded templates, a case with everything a letter names, and the
text of a generated DOCX as python-docx reads it."""

import io
from types import SimpleNamespace

from docx import Document as Docx

from clinic import services
from clinic.models import LetterTemplate, Status
from organizations.models import Role
from seeds.letters import letter_templates_load
from tests.factories import ApplicationFactory, CenterFactory, EmployerFactory, PersonFactory, StaffFactory


def seeded_templates() -> dict[tuple[str, str], LetterTemplate]:
    """The templates of seed_reference, by (purpose, language)."""
    letter_templates_load()
    return {(template.purpose, template.language): template for template in LetterTemplate.objects.all()}


def letter_case() -> SimpleNamespace:
    """A case in progress with its applicant, employer (with an address), center and named lawyer."""
    center = CenterFactory(
        name_ru="Алматинская область",
        name_kk="Алматы облысы",
        address="г. Конаев, ул. Абая, 31",
        phone="+7 7272 55 12 34",
    )
    lawyer = StaffFactory(role=Role.LAWYER, center=center, first_name="Айгерим", last_name="Сапарова")
    employer = EmployerFactory(
        center=center, name="ТОО «Жетысу Курылыс»", address="г. Талдыкорган, ул. Тауелсиздик, 5"
    )
    person = PersonFactory(center=center, full_name="Нұрланов Ерлан Серікұлы")
    case = ApplicationFactory(
        center=center,
        lawyer=lawyer,
        person=person,
        employer=employer,
        summary="Заработная плата не выплачена за три месяца.",
    )
    case = services.application_change_status(application=case, by=lawyer, to_status=Status.IN_PROGRESS)
    return SimpleNamespace(center=center, lawyer=lawyer, employer=employer, person=person, case=case)


def docx_text(content: bytes) -> str:
    """Every paragraph of the document (body and tables), one a line."""
    document = Docx(io.BytesIO(content))
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    return "\n".join(paragraph.text for paragraph in paragraphs)
