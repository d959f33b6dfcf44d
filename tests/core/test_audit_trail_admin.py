"""The admin's change pages and audit trails: every reference list's change page opens (the deadline of
each kind of application is edited there), and a record's audit trail is offered to those who may read
audit entries and see the record, and to nobody else."""

import pytest
from django.test import Client

from clinic import services
from clinic.models import ApplicationKind, Channel, Outcome, Service, Topic
from organizations.models import Role
from tests.factories import ApplicationFactory, CenterFactory, EmployerFactory, StaffFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference")]

REFERENCE_MODELS = (Topic, ApplicationKind, Service, Channel, Outcome)



def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff(center) -> dict:
    return {
        "reception": StaffFactory(role=Role.RECEPTION, center=center),
        "lawyer": StaffFactory(role=Role.LAWYER, center=center),
        "manager": StaffFactory(role=Role.MANAGER, center=center),
        "center administrator": StaffFactory(role=Role.ADMINISTRATOR, center=center),
        "federation analyst": StaffFactory(role=Role.ANALYST, center=None),
        "superuser": StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True),
        "another center's manager": StaffFactory(role=Role.MANAGER, center=CenterFactory()),
    }


@pytest.mark.parametrize("model", REFERENCE_MODELS, ids=lambda model: model.__name__)
@pytest.mark.parametrize(
    "role", ["reception", "manager", "center administrator", "federation analyst", "superuser"]
)
def test_every_reference_items_change_page_opens_for_those_who_see_it(staff, model, role):
    item = model.objects.first()

    response = signed_in(staff[role]).get(f"/admin/clinic/{model._meta.model_name}/{item.pk}/change/")

    assert response.status_code == 200
    assert "Audit trail" not in response.text  # reference lists keep no audit trail: no link to none


def test_the_federation_administrator_edits_the_deadline_of_a_kind(staff):
    kind = ApplicationKind.objects.get(pk=ApplicationKind.WRITTEN_APPLICATION)
    page = signed_in(staff["superuser"]).get(f"/admin/clinic/applicationkind/{kind.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {
        name: ("on" if value is True else value) for name, value in data.items() if value not in (None, False)
    }
    data["deadline_working_days"] = "20"

    response = signed_in(staff["superuser"]).post(f"/admin/clinic/applicationkind/{kind.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    kind.refresh_from_db()
    assert kind.deadline_working_days == 20


def test_a_center_manager_cannot_change_a_reference_item(staff):
    response = signed_in(staff["manager"]).post(
        f"/admin/clinic/applicationkind/{ApplicationKind.WRITTEN_APPLICATION}/change/",
        {"deadline_working_days": "1"},
    )

    assert response.status_code == 403
    assert ApplicationKind.objects.get(pk=ApplicationKind.WRITTEN_APPLICATION).deadline_working_days != 1


@pytest.fixture
def records(center, staff) -> dict:
    case = ApplicationFactory(center=center, lawyer=staff["lawyer"])
    dispute = services.dispute_register(
        by=staff["manager"], employer=EmployerFactory(center=center), subject="Wages", applications=[case]
    )
    visit = VisitFactory(person=case.person)
    return {"person": case.person, "visit": visit, "application": case, "labordispute": dispute}


AUDIT_ANSWERS = {
    "reception": 403,  # reads no audit entries: no link either
    "lawyer": 200,
    "manager": 200,
    "center administrator": 200,
    "federation analyst": 200,
    "superuser": 200,
    "another center's manager": 404,  # not theirs: the same answer as "does not exist"
}


@pytest.mark.parametrize("model", ["person", "visit", "application", "labordispute"])
@pytest.mark.parametrize("role", AUDIT_ANSWERS)
def test_the_audit_trail_of_a_record_answers_each_role(staff, records, model, role):
    record = records[model]
    client = signed_in(staff[role])

    trail = client.get(f"/admin/clinic/{model}/{record.pk}/auditlog/")
    change = client.get(f"/admin/clinic/{model}/{record.pk}/change/")

    assert trail.status_code == AUDIT_ANSWERS[role]
    link = f'href="/admin/clinic/{model}/{record.pk}/auditlog/"'
    assert (link in change.text) == (AUDIT_ANSWERS[role] == 200)


@pytest.mark.parametrize("model", ["person", "visit", "application", "labordispute"])
def test_the_audit_trail_of_a_record_that_does_not_exist_is_a_404(staff, model):
    response = signed_in(staff["superuser"]).get(f"/admin/clinic/{model}/{2**62}/auditlog/")

    assert response.status_code == 404
