"""Personal data (issue 7, item 3): opening a person's full record is written to the audit trail with
the actor; a masked view writes nothing. Masking in API lists for analysts is specified in
tests/clinic/api/test_persons.py (TestMasking); report exports hold aggregates only (checked here)."""

import io

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from clinic.models import Person
from reports.exports import report_csv, report_html, report_xlsx
from reports.models import Report
from reports.services import report_build
from tests.factories import ApplicationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def accesses(person):
    return LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.ACCESS)


def test_reading_a_person_through_the_api_is_logged_with_the_actor(reception, center):
    person = PersonFactory(center=center)
    api = APIClient()
    api.force_authenticate(reception)

    response = api.get(f"/api/v1/persons/{person.pk}/")

    assert response.status_code == 200
    assert response.json()["iin"] == person.iin  # unmasked: so it is logged
    [entry] = accesses(person)
    assert entry.actor == reception


def test_a_list_or_a_masked_read_is_not_an_access_to_the_full_record(analyst, reception, center):
    person = PersonFactory(center=center)
    api = APIClient()
    api.force_authenticate(analyst)
    assert api.get(f"/api/v1/persons/{person.pk}/").json()["iin"] != person.iin
    api.force_authenticate(reception)
    api.get("/api/v1/persons/")

    assert not accesses(person).exists()


def test_opening_the_case_page_logs_access_to_the_applicant(lawyer, center, settings, tmp_path):
    case = ApplicationFactory(center=center, lawyer=lawyer)
    web = Client()
    web.force_login(lawyer)

    response = web.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    assert case.person.iin in response.text
    [entry] = accesses(Person.objects.get(pk=case.person_id))
    assert entry.actor == lawyer


def test_report_exports_carry_no_personal_data(manager, center):
    case = ApplicationFactory(center=center, received_on=timezone.localdate().replace(day=1))
    report = Report.objects.create(center=center, period_kind="month", period_start=case.received_on)
    report = report_build(report_id=report.pk)
    secrets = (case.person.iin, case.person.phone, case.person.full_name, case.registration_number)

    workbook = load_workbook(io.BytesIO(report_xlsx(report).content))
    cells = " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )
    for kind, text in (
        ("csv", report_csv(report).content),
        ("html", report_html(report).content),
        ("xlsx", cells),
    ):
        text = text.decode() if isinstance(text, bytes) else str(text)
        assert str(report.figures["totals"]["received"]) in text or kind != "csv"
        for secret in secrets:
            assert secret not in text, f"the {kind} export holds {secret}"
