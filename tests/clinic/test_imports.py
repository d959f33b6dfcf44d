"""Imports of registers: the rows go through the desk's services; a dry run writes nothing; the same
file imported twice creates nothing the second time; chunks are atomic and their progress is saved."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from clinic import services
from clinic.imports import template
from clinic.models import Application, ImportJob, Person, RegistrationCounter, Status, Visit
from organizations.identifiers import make_iin
from organizations.models import Role
from tests.factories import PersonFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference", "media_root")]

IIN = make_iin(date(1990, 1, 1), female=False, serial=12)
OTHER_IIN = make_iin(date(1988, 6, 5), female=True, serial=7)

HEADERS_RU = [
    "№ в реестре", "ФИО", "ИИН", "Телефон", "Дата", "Услуга", "Вид обращения", "Тема", "Канал",
    "Статус", "Результат", "Дата решения", "Взыскано, тенге",
]  # fmt: skip
GOOD = [
    ["2019/1", "Ахметов Ерлан", IIN, "8 701 111 22 33", "15.03.2019", "Юридическая клиника",
     "written_application", "Увольнение", "Лично", "Закрыто", "Удовлетворено", "02.04.2019", "150 000,50"],
    ["2019/2", "Ахметов Ерлан", IIN, "", "2019-05-20", "legal_clinic", "Письменное ОБРАЩЕНИЕ",
     "wages", "in_person", "", "", "", ""],
    ["2019/3", "Серикова Айгуль", OTHER_IIN, "", "01.06.2019", "legal_clinic", "written_application",
     "wages", "phone", "В работе", "", "", ""],
]  # fmt: skip
BAD = [
    ["2019/4", "Петров Пётр", "123456789012", "", "01.06.2019", "legal_clinic", "written_application",
     "wages", "phone", "", "", "", ""],
    ["2019/5", "Иванов Иван", "", "", "01.06.2019", "legal_clinic", "written_application",
     "Космос", "phone", "", "", "", ""],
    ["2019/6", "Сидоров Сидор", "", "", "32.13.2019", "legal_clinic", "written_application",
     "wages", "phone", "", "", "", ""],
]  # fmt: skip


def csv_file(headers, rows, *, delimiter=";", name="реестр.csv") -> SimpleUploadedFile:
    lines = [delimiter.join(headers), *(delimiter.join(row) for row in rows)]
    return SimpleUploadedFile(name, ("\ufeff" + "\r\n".join(lines) + "\r\n").encode())


def xlsx_file(headers, rows, name="реестр.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def run(by, file, *, kind="applications", language="ru", center=None, confirm=False, capture=None):
    job = services.import_create(by=by, kind=kind, file=file, language=language, center=center)
    services.import_run(job_id=job.pk)
    job.refresh_from_db()
    if confirm:
        services.import_confirm(job=job, by=by)
        services.import_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def test_a_dry_run_counts_and_explains_in_russian_and_writes_nothing(manager, center):
    job = run(manager, csv_file(HEADERS_RU, GOOD + BAD))

    assert job.state == ImportJob.State.CHECKED, job.error
    assert job.refused == 3, job.refused_rows
    assert (job.rows_total, job.rows_done, job.created, job.unchanged, job.refused) == (6, 6, 3, 0, 3)
    refused = {row["row"]: row for row in job.refused_rows}
    assert set(refused) == {5, 6, 7}
    assert refused[5]["column"] == "ИИН"
    assert refused[6] == {"row": 6, "column": "Тема", "message": "«Космос» нет в списке."}
    assert refused[7]["column"] == "Дата"
    assert "дд.мм.гггг" in refused[7]["message"]
    assert not Application.objects.filter(center=center).exists()
    assert not Person.objects.filter(center=center).exists()
    assert not RegistrationCounter.objects.filter(center=center).exists()


def test_the_confirmed_import_writes_through_the_services_and_a_second_one_changes_nothing(manager, center):
    job = run(manager, csv_file(HEADERS_RU, GOOD + BAD), confirm=True)

    assert job.state == ImportJob.State.DONE
    assert (job.created, job.unchanged, job.refused) == (3, 0, 3)
    assert Person.objects.filter(center=center).count() == 2  # the same IIN twice: one person
    closed = Application.objects.get(center=center, external_key="2019/1")
    assert closed.status == Status.CLOSED
    assert closed.outcome_id == "satisfied"
    assert closed.recovered_kzt == Decimal("150000.50")
    assert closed.decided_on == date(2019, 4, 2)
    assert closed.registration_number == f"{center.code}-2019-00001"
    assert closed.person.phone == "+77011112233"
    assert Application.objects.get(external_key="2019/3").status == Status.IN_PROGRESS
    assert RegistrationCounter.objects.get(center=center, year=2019).last_sequence == 3

    again = run(manager, xlsx_file(HEADERS_RU, GOOD), confirm=True)
    assert (again.created, again.unchanged, again.refused) == (0, 3, 0)
    assert Application.objects.filter(center=center).count() == 3


def test_an_existing_person_is_found_by_iin_or_phone(manager, center):
    by_iin = PersonFactory(center=center, iin=IIN, phone="", full_name="Ахметов Ерлан")
    by_phone = PersonFactory(center=center, iin="", phone="+77010000001", full_name="Сейткали Дана")
    rows = [
        ["Ахметов Ерлан", IIN, ""],
        ["Другое Имя", "", "8 701 000 00 01"],  # a shared phone never renames the person found by it
    ]
    job = run(manager, csv_file(["ФИО", "ИИН", "Телефон"], rows, delimiter=","), kind="persons", confirm=True)

    assert (job.created, job.updated, job.unchanged, job.refused) == (0, 0, 2, 0)
    assert set(Person.objects.filter(center=center)) == {by_iin, by_phone}
    by_phone.refresh_from_db()
    assert by_phone.full_name == "Сейткали Дана"


def test_a_person_without_iin_or_phone_is_refused_so_that_a_second_import_adds_nobody(manager, center):
    file = csv_file(["ФИО", "ИИН", "Телефон"], [["Без Номера", "", ""], ["С Телефоном", "", "87015550011"]])
    job = run(manager, file, kind="persons", confirm=True)
    assert (job.created, job.refused) == (1, 1)
    assert job.refused_rows == [
        {"row": 2, "column": "ИИН", "message": "Укажите ИИН или телефон: по ним лицо находится повторно."}
    ]
    file.seek(0)
    assert run(manager, file, kind="persons", confirm=True).created == 0


def test_kazakh_headers_and_visits_from_xlsx(manager, center):
    headers = ["Тізілімдегі №", "Аты-жөні", "ЖСН", "Күні", "Арна", "Тақырып", "Өтініштің мәні"]
    rows = [
        ["V-1", "Нұрланов Асқар", IIN, date(2020, 2, 3), "Жеке өзі", "Жұмыстан шығару", "Сұрақ"],
        ["V-2", "Нұрланов Асқар", IIN, "04.02.2020", "in_person", "Ғарыш", ""],
    ]
    job = run(manager, xlsx_file(headers, rows), kind="visits", language="kk", confirm=True)

    assert (job.created, job.refused) == (1, 1)
    assert job.refused_rows[0]["row"] == 3
    assert job.refused_rows[0]["column"] == "Тақырып"
    visit = Visit.objects.get(center=center, external_key="V-1")
    assert visit.visited_at.date() == date(2020, 2, 3)
    assert list(visit.topics.values_list("code", flat=True)) == ["dismissal"]


def test_the_task_imports_in_chunks_and_saves_progress(
    manager, center, settings, django_capture_on_commit_callbacks
):
    settings.CLINIC_IMPORT_CHUNK = 2
    rows = [[f"K-{n}", f"Заявитель {n}", "", f"+7702000000{n}", "01.06.2019", "legal_clinic",
             "written_application", "wages", "phone", "", "", "", ""] for n in range(5)]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_create(by=manager, kind="applications", file=csv_file(HEADERS_RU, rows))
    job.refresh_from_db()
    assert (job.state, job.rows_total, job.rows_done, job.created) == (ImportJob.State.CHECKED, 5, 5, 5)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_confirm(job=job, by=manager)
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.created) == (ImportJob.State.DONE, 5, 5)
    assert Application.objects.filter(center=center).count() == 5


def test_a_failing_chunk_leaves_nothing_and_its_rows_are_refused(manager, center, settings, monkeypatch):
    from clinic.services import imports

    settings.CLINIC_IMPORT_CHUNK = 2
    rows = [[f"K-{n}", f"Заявитель {n}", "", "", "01.06.2019", "legal_clinic",
             "written_application", "wages", "phone", "", "", "", ""] for n in range(3)]  # fmt: skip
    real = imports._import_row

    def failing(job, values, refs):
        result = real(job, values, refs)
        if values["external_key"] == "K-1":
            raise RuntimeError("disk full")
        return result

    monkeypatch.setattr(imports, "_import_row", failing)
    job = run(manager, csv_file(HEADERS_RU, rows), confirm=True)

    assert (job.created, job.refused) == (1, 2)
    assert [row["row"] for row in job.refused_rows] == [2, 3]
    assert list(Application.objects.filter(center=center).values_list("external_key", flat=True)) == ["K-2"]
    assert not Person.objects.filter(center=center, full_name="Заявитель 0").exists()


def test_queries_per_row_are_bounded(manager, center, settings):
    settings.CLINIC_IMPORT_CHUNK = 500

    def queries(count):
        rows = [[f"Q{count}-{n}", f"Заявитель {count} {n}", "", "", "01.06.2019", "legal_clinic",
                 "written_application", "wages", "phone", "", "", "", ""] for n in range(count)]  # fmt: skip
        job = services.import_create(by=manager, kind="applications", file=csv_file(HEADERS_RU, rows))
        with CaptureQueriesContext(connection) as captured:
            services.import_run(job_id=job.pk)
        return len(captured)

    queries(1)  # the year's numbering counter is created once, by the first case
    small, middle, large = queries(2), queries(12), queries(22)
    # Each row costs the same queries (the desk's checks of a person and a case, about 30), however
    # many rows the chunk holds: the reference lists are read once per job, not per row.
    assert middle - small == large - middle
    assert (middle - small) / 10 <= 40


def test_a_manager_imports_only_into_the_own_center(manager, other_center):
    with pytest.raises(PermissionDenied):
        services.import_create(
            by=manager, kind="persons", file=csv_file(["ФИО"], [["А"]]), center=other_center
        )
    assert not ImportJob.objects.exists()


def test_the_federation_administrator_chooses_the_center(other_center):
    admin = StaffFactory(role=Role.ADMINISTRATOR, center=None)
    job = run(
        admin,
        csv_file(["ФИО", "ИИН"], [["Ахметов Ерлан", IIN]]),
        kind="persons",
        center=other_center,
        confirm=True,
    )
    assert job.center == other_center
    assert Person.objects.get(iin=IIN).center == other_center


@pytest.mark.parametrize(
    ("language", "first"), [("ru", "№ в реестре"), ("kk", "Тізілімдегі №"), ("en", "Registration number")]
)
def test_the_template_speaks_the_language_and_its_example_imports(manager, center, language, first):
    content = template("applications", language)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(1, 1).value == first
    job = run(manager, SimpleUploadedFile("template.xlsx", content), language=language, confirm=True)
    assert (job.created, job.refused) == (1, 0), job.refused_rows
    assert Application.objects.get(center=center).status == Status.DECIDED


def test_a_file_without_the_required_columns_fails_saying_which(manager):
    job = run(manager, csv_file(["ФИО", "Тема"], [["Ахметов Ерлан", "wages"]]), kind="visits")
    assert job.state == ImportJob.State.FAILED
    assert job.error == "В файле нет столбцов: № в реестре, Дата, Канал."


def test_an_iin_typed_into_a_number_cell_keeps_its_leading_zero(manager, center):
    iin = make_iin(date(2005, 3, 4), female=False, serial=5)
    assert iin.startswith("0")
    job = run(
        manager, xlsx_file(["ФИО", "ИИН"], [["Молодой Заявитель", int(iin)]]), kind="persons", confirm=True
    )
    assert (job.created, job.refused) == (1, 0), job.refused_rows
    assert Person.objects.get(center=center).iin == iin


def test_an_imported_case_is_written_once_in_its_final_state_with_its_history_and_one_audit_entry(
    manager, center
):
    from auditlog.models import LogEntry

    job = run(manager, csv_file(HEADERS_RU, GOOD + BAD), confirm=True)
    assert (job.created, job.refused) == (3, 3), job.refused_rows

    closed = Application.objects.get(center=center, external_key="2019/1")
    assert closed.version == 1  # one save, not one per status on its way
    history = list(closed.status_changes.order_by("pk").values_list("from_status", "to_status", "changed_by"))
    assert history == [
        ("", "registered", manager.pk),
        ("registered", "in_progress", manager.pk),
        ("in_progress", "decided", manager.pk),
        ("decided", "closed", manager.pk),
    ]
    entries = LogEntry.objects.get_for_object(closed)
    assert [(entry.action, entry.actor_id) for entry in entries] == [(LogEntry.Action.CREATE, manager.pk)]
    entry = entries.get()
    assert entry.changes_dict["status"] == ["None", "closed"]
    assert entry.changes_dict["registration_number"] == ["None", closed.registration_number]
    assert entry.object_repr == str(closed)
    assert entry.timestamp <= timezone.now()
    person = closed.person
    [person_entry] = LogEntry.objects.get_for_object(person)
    assert person_entry.actor_id == manager.pk
    assert "*" in person_entry.changes_dict["iin"][1]  # personal data masked, as a desk save masks it
    # The refused rows left no entry behind: one per person and per case written.
    assert LogEntry.objects.filter(action=LogEntry.Action.CREATE, object_repr__contains="Петров").count() == 0
    assert (
        LogEntry.objects.filter(action=LogEntry.Action.CREATE)
        .filter(content_type__model__in=["application", "person"])
        .count()
        == Application.objects.filter(center=center).count() + Person.objects.filter(center=center).count()
    )


def test_a_decided_case_in_the_register_needs_its_outcome_and_a_decision_date_after_receipt(manager, center):
    rows = [
        ["2019/7", "Ахметов Ерлан", IIN, "", "15.03.2019", "legal_clinic", "written_application", "wages",
         "phone", "Рассмотрено", "", "", ""],
        ["2019/8", "Ахметов Ерлан", IIN, "", "15.03.2019", "legal_clinic", "written_application", "wages",
         "phone", "Рассмотрено", "Удовлетворено", "01.03.2019", ""],
    ]  # fmt: skip
    job = run(manager, csv_file(HEADERS_RU, rows), confirm=True)
    assert (job.created, job.refused) == (0, 2), job.refused_rows
    assert [row["column"] for row in job.refused_rows] == ["Результат", "Дата решения"]
    assert not Application.objects.filter(center=center).exists()
    assert not RegistrationCounter.objects.filter(center=center, last_sequence__gt=0).exists()
