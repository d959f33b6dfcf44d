"""Rows the search tests look for: one applicant with a Kazakh name, a phone, an IIN, a case against an
employer with a Cyrillic name, and a note; the same name in another center."""

from dataclasses import dataclass
from datetime import date

from clinic import services
from clinic.models import Application, Note, Person
from organizations.identifiers import make_iin
from organizations.models import Role
from tests.factories import ApplicationFactory, PersonFactory, StaffFactory
from tests.fixtures.api_support import new_employer

IIN = make_iin(date(1990, 3, 14), female=True, serial=4321)
PHONE = "+77011234567"


@dataclass
class Found:
    person: Person
    case: Application
    note: Note
    stranger: Person  # the same name in another center
    stranger_case: Application


def searched_rows(center, other_center) -> Found:
    person = PersonFactory(center=center, full_name="Жұмабаева Айгүл", iin=IIN, phone=PHONE)
    employer = new_employer(center=center, name="ТОО «Ақжол Құрылыс»")
    lawyer = StaffFactory(role=Role.LAWYER, center=center)
    case = ApplicationFactory(center=center, person=person, employer=employer, lawyer=lawyer)
    note = services.note_add(
        application=case, by=lawyer, text="Работницу УВОЛИЛИ без приказа, расчёт не выдан"
    )
    stranger = PersonFactory(center=other_center, full_name="Жумабаева Айгуль", phone="+77011234568")
    other_lawyer = StaffFactory(role=Role.LAWYER, center=other_center)
    stranger_case = ApplicationFactory(center=other_center, person=stranger, lawyer=other_lawyer)
    services.note_add(application=stranger_case, by=other_lawyer, text="Уволили без приказа")
    return Found(person, case, note, stranger, stranger_case)
