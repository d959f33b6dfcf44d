"""Personal data by one rule (clinic.personal_data): a person's raw IIN, phone and e-mail appear exactly
where the rule allows, for each role, in every place that shows a person: the web pages, the API (the
person, and the persons nested in visits, cases and disputes, the online questions) and the admin
(lists, change pages, the audit trail). Finding a person by IIN or phone is refused to those who may not
see them, as a match would tell whose number it is."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.test import Client

from clinic import services
from clinic.models import ApplicationKind, Service, Topic
from clinic.personal_data import mask_email, mask_iin, mask_phone
from organizations.identifiers import make_iin
from organizations.models import Role
from tests.factories import CenterFactory, EmployerFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference")]

IIN = make_iin(date(1987, 6, 5), female=True, serial=2468)
PHONE = "+77019998877"
EMAIL = "aigerim.walk@mail.kz"
RAW = {"iin": IIN, "phone": PHONE, "email": EMAIL}
MASKED = {"iin": mask_iin(IIN), "phone": mask_phone(PHONE), "email": mask_email(EMAIL)}
ALL = ("iin", "phone", "email")
SUMMARY = ("iin", "phone")  # a person nested in a visit or a case: no e-mail

# Every place that shows a person, and what it shows of the personal data to those who may see it.
PLACES = [
    ("case page", "/cases/{case}/", ALL),
    ("online question page", "/reception/online/{visit}/", ALL),
    ("desk search", "/reception/persons/?q=Walk", SUMMARY),
    ("desk", "/reception/", ()),
    ("case list", "/cases/?q=Walk", ()),
    ("dashboard", "/dashboard/", ()),
    ("API person", "/api/v1/persons/{person}/", ALL),
    ("API persons", "/api/v1/persons/?q=Walk", ALL),
    ("API visit", "/api/v1/visits/{visit}/", SUMMARY),
    ("API online questions", "/api/v1/visits/?sent_online=true", SUMMARY),
    ("API case", "/api/v1/applications/{case}/", SUMMARY),
    ("API cases", "/api/v1/applications/", SUMMARY),
    ("API case timeline", "/api/v1/applications/{case}/timeline/", ()),
    ("API dispute", "/api/v1/labor-disputes/{dispute}/", ()),
    ("API disputes", "/api/v1/labor-disputes/", ()),
    ("admin persons", "/admin/clinic/person/", SUMMARY),
    ("admin person", "/admin/clinic/person/{person}/change/", ALL),
    ("admin online questions", "/admin/clinic/onlinesubmission/", ("phone",)),
    ("admin online question", "/admin/clinic/onlinesubmission/{submission}/change/", ALL),
    ("admin visits", "/admin/clinic/visit/", ()),
    ("admin visit", "/admin/clinic/visit/{visit}/change/", ()),
    ("admin cases", "/admin/clinic/application/", ()),
    ("admin case", "/admin/clinic/application/{case}/change/", ()),
    ("admin dispute", "/admin/clinic/labordispute/{dispute}/change/", ()),
    ("admin audit log", "/admin/auditlog/logentry/", ()),  # masked for everyone: see the last test
]
# Who signs in: whether the rule lets them see the person's data (the staff of the person's center who
# work with applicants do; federation staff do not), and whether they see the person at all (another
# center's staff do not: visible_to).
SEES, MASKED_ONLY, NOTHING = "sees", "masked", "nothing"
ROLES = {
    "reception": SEES,
    "lawyer": SEES,
    "manager": SEES,
    "center administrator": SEES,
    "analyst": MASKED_ONLY,
    "federation administrator": MASKED_ONLY,
    "another center's manager": NOTHING,
}


@pytest.fixture
def world(db, settings, tmp_path):
    """One person of the center, who sent a question online that became a case linked to a dispute."""
    settings.MEDIA_ROOT = tmp_path / "media"
    center = CenterFactory()
    staff = {
        "reception": StaffFactory(role=Role.RECEPTION, center=center),
        "lawyer": StaffFactory(role=Role.LAWYER, center=center),
        "manager": StaffFactory(role=Role.MANAGER, center=center),
        "center administrator": StaffFactory(role=Role.ADMINISTRATOR, center=center),
        "analyst": StaffFactory(role=Role.ANALYST, center=None),
        "federation administrator": StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True),
        "another center's manager": StaffFactory(role=Role.MANAGER, center=CenterFactory()),
    }
    submission, _code = services.online_submission_create(
        center=center,
        full_name="Aigerim Walk",
        phone=PHONE,
        iin=IIN,
        email=EMAIL,
        topic=Topic.objects.get(pk="wages"),
        question="My wages have not been paid since March.",
        consent=True,
    )
    case = services.visit_open_case(
        visit=submission.visit,
        by=staff["reception"],
        service=Service.objects.get(pk=Service.LEGAL_CLINIC),
        kind=ApplicationKind.objects.get(pk=ApplicationKind.WRITTEN_APPLICATION),
        lawyer=staff["lawyer"],
    )
    dispute = services.dispute_register(
        by=staff["manager"], employer=EmployerFactory(center=center), subject="Wages", applications=[case]
    )
    ids = {
        "person": submission.visit.person_id,
        "visit": submission.visit_id,
        "submission": submission.pk,
        "case": case.pk,
        "dispute": dispute.pk,
    }
    return staff, ids


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_raw_personal_data_appears_exactly_where_the_rule_allows(world, role):
    staff, ids = world
    client = signed_in(staff[role])
    seen_somewhere = set()

    for place, url, shows in PLACES:
        response = client.get(url.format(**ids))
        body = response.content.decode()
        if response.status_code != 200:  # refused or not found: nothing of the person either
            assert not [field for field in ALL if RAW[field] in body], (place, response.status_code)
            continue
        for field in ALL:
            raw_expected = ROLES[role] == SEES and field in shows
            assert (RAW[field] in body) == raw_expected, f"{role} at the {place}: raw {field}"
            if field in shows and ROLES[role] == MASKED_ONLY:
                assert MASKED[field] in body, f"{role} at the {place}: masked {field}"
            if RAW[field] in body:
                seen_somewhere.add(field)

    # the walk can fail: those who may see the data do see all of it somewhere
    assert seen_somewhere == (set(ALL) if ROLES[role] == SEES else set())


@pytest.mark.parametrize("role", ["analyst", "federation administrator"])
def test_those_who_may_not_see_an_iin_cannot_find_a_person_by_it(world, role):
    staff, ids = world
    client = signed_in(staff[role])

    admin_search = client.get("/admin/clinic/person/", {"q": IIN})
    admin_by_phone = client.get("/admin/clinic/person/", {"q": PHONE})
    admin_cases = client.get("/admin/clinic/application/", {"q": IIN})

    assert admin_search.status_code == 200
    assert admin_search.context["cl"].result_count == 0
    assert admin_by_phone.context["cl"].result_count == 0
    assert admin_cases.context["cl"].result_count == 0
    assert client.get("/api/v1/persons/", {"q": IIN}).json()["count"] == 0
    assert client.get("/api/v1/persons/", {"q": PHONE}).json()["count"] == 0
    assert client.get("/api/v1/applications/", {"q": IIN}).json()["count"] == 0
    assert client.get("/api/v1/persons/lookup/", {"iin": IIN}).status_code == 403
    # by name they still find the person, masked
    assert client.get("/api/v1/persons/", {"q": "Aigerim Walk"}).json()["results"][0]["iin"] == MASKED["iin"]


def test_the_persons_center_finds_the_person_by_iin_and_phone(world):
    staff, ids = world
    client = signed_in(staff["reception"])

    assert client.get("/admin/clinic/person/", {"q": IIN}).context["cl"].result_count == 1
    assert client.get("/admin/clinic/person/", {"q": PHONE}).context["cl"].result_count == 1
    assert client.get("/api/v1/persons/", {"q": IIN}).json()["count"] == 1
    assert [person["id"] for person in client.get("/api/v1/persons/lookup/", {"iin": IIN}).json()] == [
        ids["person"]
    ]


def test_the_audit_trail_keeps_personal_data_masked_for_everyone(world):
    # given: the person and the question sent online, as recorded in the trail (read by federation staff,
    # and shown on each record's history page)
    assert world
    entries = " ".join(str(entry.changes) for entry in LogEntry.objects.all())

    # then: it says the data was recorded, never what it is
    assert MASKED["iin"] in entries
    assert not [field for field in ALL if RAW[field] in entries]
