"""No way out of a center. A center's administrator manages only the accounts of their own center, with
roles up to their own (organizations.roles.CENTER_ROLE_RANKS); federation-wide accounts, superusers and
moves between centers are a federation administrator's. Every choice list of the admin and of the staff
pages offers only what the user may see, and a crafted POST naming another center's record is refused
with an error next to the field. Each escalation path is tried through HTTP, as a browser would."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from clinic.models import Application, LaborDispute, Person, Status, Visit
from organizations.models import Role, User
from organizations.roles import roles_up_to
from tests import factories
from tests.factories import (
    ApplicationFactory,
    BranchUnionFactory,
    EmployerFactory,
    OfficeFactory,
    PersonFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_reference")]

PASSWORD = "Zhanaozen-2011-clinic"



@pytest.fixture
def center_admin(center):
    return StaffFactory(role=Role.ADMINISTRATOR, center=center)


@pytest.fixture
def federation_admin():
    return StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True)


def signed_in(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def new_account(**fields) -> dict:
    return {
        "username": "new.colleague",
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "role": Role.LAWYER,
        "center": "",
        "office": "",
        **fields,
    }


def account_as_posted(user: User, **fields) -> dict:
    """The change form of `user` as the browser posts it, with `fields` changed."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "role": user.role,
        "center": user.center_id or "",
        "office": user.office_id or "",
        **fields,
    }


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


# The rank of the roles, said in one place


def test_the_roles_up_to_ones_own_follow_the_center_ranks():
    assert roles_up_to(Role.ADMINISTRATOR) == (Role.RECEPTION, Role.LAWYER, Role.MANAGER, Role.ADMINISTRATOR)
    assert roles_up_to(Role.MANAGER) == (Role.RECEPTION, Role.LAWYER, Role.MANAGER)
    assert roles_up_to(Role.RECEPTION) == (Role.RECEPTION,)
    assert roles_up_to(Role.ANALYST) == ()  # the federation's: no center's to give


# Adding an account


def test_a_center_administrator_adds_a_lawyer_of_the_own_center(center_admin, center):
    response = signed_in(center_admin).post("/admin/organizations/user/add/", new_account(center=center.pk))

    assert response.status_code == 302, form_errors(response)
    account = User.objects.get(username="new.colleague")
    assert (account.role, account.center, account.is_superuser) == (Role.LAWYER, center, False)
    assert [group.name for group in account.groups.all()] == [Role.LAWYER]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_center_administrator_cannot_add_a_federation_wide_account(center_admin, language):
    # when: an administrator without a center, i.e. an account that sees every center
    response = signed_in(center_admin, language).post(
        "/admin/organizations/user/add/", new_account(role=Role.ADMINISTRATOR, center="")
    )

    # then
    assert response.status_code == 200
    expected = {
        "en": "Only a federation administrator creates federation-wide accounts: choose your center.",
        "ru": "Только администратор федерации создаёт учётные записи уровня федерации: выберите свой центр.",
    }
    assert form_errors(response)["center"] == [expected[language]]
    assert not User.objects.filter(username="new.colleague").exists()


def test_a_center_administrator_cannot_add_an_account_of_another_center(center_admin, other_center):
    client = signed_in(center_admin)

    page = client.get("/admin/organizations/user/add/")
    response = client.post("/admin/organizations/user/add/", new_account(center=other_center.pk))

    assert f'value="{other_center.pk}"' not in page.text.split('name="center"')[1].split("</select>")[0]
    assert response.status_code == 200
    assert "center" in form_errors(response)
    assert not User.objects.filter(username="new.colleague").exists()


def test_a_center_administrator_cannot_give_a_federation_role(center_admin, center):
    response = signed_in(center_admin).post(
        "/admin/organizations/user/add/", new_account(role=Role.ANALYST, center=center.pk)
    )

    assert response.status_code == 200
    assert "role" in form_errors(response)
    assert not User.objects.filter(username="new.colleague").exists()


def test_a_center_administrator_cannot_give_an_office_of_another_center(center_admin, center, other_center):
    foreign_office = OfficeFactory(center=other_center)

    response = signed_in(center_admin).post(
        "/admin/organizations/user/add/", new_account(center=center.pk, office=foreign_office.pk)
    )

    assert response.status_code == 200
    assert "office" in form_errors(response)


def test_a_federation_administrator_adds_a_federation_wide_account(federation_admin):
    response = signed_in(federation_admin).post(
        "/admin/organizations/user/add/", new_account(role=Role.ANALYST, center="")
    )

    assert response.status_code == 302, form_errors(response)
    assert User.objects.get(username="new.colleague").sees_all_centers


# Changing an account


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": Role.ADMINISTRATOR, "center": ""}, "center"),  # a federation-wide administrator
        ({"role": Role.ANALYST}, "role"),
    ],
)
def test_a_center_administrator_cannot_take_a_colleague_out_of_the_center(
    center_admin, center, change, field
):
    colleague = StaffFactory(role=Role.LAWYER, center=center)

    response = signed_in(center_admin).post(
        f"/admin/organizations/user/{colleague.pk}/change/", account_as_posted(colleague, **change)
    )

    assert response.status_code == 200
    assert field in form_errors(response)
    colleague.refresh_from_db()
    assert (colleague.center, colleague.role) == (center, Role.LAWYER)


def test_a_center_administrator_cannot_move_a_colleague_to_another_center(center_admin, center, other_center):
    colleague = StaffFactory(role=Role.LAWYER, center=center)

    response = signed_in(center_admin).post(
        f"/admin/organizations/user/{colleague.pk}/change/",
        account_as_posted(colleague, center=other_center.pk),
    )

    assert response.status_code == 200
    assert "center" in form_errors(response)
    colleague.refresh_from_db()
    assert colleague.center == center


def test_a_center_administrator_cannot_make_themselves_federation_wide(center_admin, center):
    response = signed_in(center_admin).post(
        f"/admin/organizations/user/{center_admin.pk}/change/", account_as_posted(center_admin, center="")
    )

    assert response.status_code == 200
    center_admin.refresh_from_db()
    assert center_admin.center == center
    assert not center_admin.sees_all_centers


def test_superuser_flag_groups_and_permissions_posted_by_a_center_administrator_are_not_granted(
    center_admin, center
):
    # given: a colleague, and the strongest group and a permission of the user model
    colleague = StaffFactory(role=Role.LAWYER, center=center)
    administrators = Group.objects.get(name=Role.ADMINISTRATOR)
    change_users = Permission.objects.get(codename="change_user")

    # when: the POST claims all of them
    response = signed_in(center_admin).post(
        f"/admin/organizations/user/{colleague.pk}/change/",
        account_as_posted(
            colleague, is_superuser="on", groups=[administrators.pk], user_permissions=[change_users.pk]
        ),
    )

    # then: saved, with none of them
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_superuser
    assert [group.name for group in colleague.groups.all()] == [Role.LAWYER]
    assert not colleague.user_permissions.exists()
    assert not colleague.has_perm("organizations.change_user")


def test_a_superuser_of_the_center_is_out_of_a_center_administrators_reach(center_admin, center):
    superuser = StaffFactory(role=Role.ADMINISTRATOR, center=center, is_superuser=True)
    client = signed_in(center_admin)

    assert superuser.username not in client.get("/admin/organizations/user/").text
    assert client.get(f"/admin/organizations/user/{superuser.pk}/change/").status_code == 302  # not found
    assert client.get(f"/admin/organizations/user/{superuser.pk}/password/").status_code == 404
    response = client.post(
        f"/admin/organizations/user/{superuser.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 404
    superuser.refresh_from_db()
    assert not superuser.check_password(PASSWORD)


def test_a_federation_administrator_moves_staff_between_centers(federation_admin, center, other_center):
    colleague = StaffFactory(role=Role.LAWYER, center=center)

    response = signed_in(federation_admin).post(
        f"/admin/organizations/user/{colleague.pk}/change/",
        account_as_posted(
            colleague, center=other_center.pk, date_joined_0="2021-01-11", date_joined_1="09:00:00"
        ),
    )

    assert response.status_code == 302, form_errors(response)
    colleague.refresh_from_db()
    assert colleague.center == other_center


# Records of the clinic: another center's person, lawyer, employer or office is not a choice


@pytest.fixture
def foreign(other_center):
    """Another center's person, lawyer, employer, office and case."""
    return {
        "person": PersonFactory(center=other_center),
        "lawyer": StaffFactory(role=Role.LAWYER, center=other_center, first_name="Outsider"),
        "employer": EmployerFactory(center=other_center, name="Foreign Enterprise LLP"),
        "office": OfficeFactory(center=other_center),
        "application": ApplicationFactory(center=other_center),
    }


@pytest.fixture
def own(center):
    return {
        "person": PersonFactory(center=center),
        "lawyer": StaffFactory(role=Role.LAWYER, center=center),
        "employer": EmployerFactory(center=center),
    }


def application_form(own: dict, **foreign_ids) -> dict:
    return {
        "person": own["person"].pk,
        "service": factories.service().pk,
        "kind": factories.kind().pk,
        "topic": factories.topic().pk,
        "channel": factories.channel().pk,
        "received_on": "2021-03-19",
        "summary": "Unpaid wages",
        "lawyer": own["lawyer"].pk,
        "employer": own["employer"].pk,
        "office": "",
        **foreign_ids,
    }


def test_the_application_add_page_lists_only_the_own_centers_staff(manager, own, foreign):
    page = signed_in(manager).get("/admin/clinic/application/add/").text

    lawyers = page.split('name="lawyer"')[1].split("</select>")[0]
    assert f'value="{own["lawyer"].pk}"' in lawyers
    assert f'value="{foreign["lawyer"].pk}"' not in lawyers
    assert "Outsider" not in page


@pytest.mark.parametrize("field", ["person", "lawyer", "employer", "office"])
def test_an_application_naming_another_centers_record_is_refused(manager, own, foreign, field):
    response = signed_in(manager).post(
        "/admin/clinic/application/add/", application_form(own, **{field: foreign[field].pk})
    )

    assert response.status_code == 200
    assert field in form_errors(response)
    assert not Application.objects.filter(center=manager.center).exists()


def dispute_form(own: dict, **foreign_ids) -> dict:
    return {
        "kind": LaborDispute.Kind.INDIVIDUAL,
        "employer": own["employer"].pk,
        "subject": "Dismissal without notice",
        "workers_affected": "1",
        "stage": LaborDispute.Stage.NEGOTIATION,
        "opened_on": "2021-03-19",
        "lawyer": own["lawyer"].pk,
        **foreign_ids,
    }


@pytest.mark.parametrize("field", ["employer", "lawyer", "applications"])
def test_a_dispute_naming_another_centers_record_is_refused(manager, own, foreign, field):
    value = [foreign["application"].pk] if field == "applications" else foreign[field].pk
    client = signed_in(manager)

    response = client.post("/admin/clinic/labordispute/add/", dispute_form(own, **{field: value}))

    assert response.status_code == 200
    assert field in form_errors(response)
    assert not LaborDispute.objects.exists()
    assert client.post("/admin/clinic/labordispute/add/", dispute_form(own)).status_code == 302


@pytest.mark.parametrize("field", ["person", "employer", "office"])
def test_a_visit_naming_another_centers_record_is_refused(reception, own, foreign, field):
    form = {
        "person": own["person"].pk,
        "channel": factories.channel().pk,
        "topics": [factories.topic().pk],
        "question": "Wages unpaid",
        "employer": "",
        "office": "",
        "visited_at_0": "2021-03-19",
        "visited_at_1": "10:00:00",
        field: foreign[field].pk,
    }

    response = signed_in(reception).post("/admin/clinic/visit/add/", form)

    assert response.status_code == 200
    assert field in form_errors(response)
    assert not Visit.objects.exists()


# The staff's web pages


def test_the_reception_desk_refuses_another_centers_lawyer(reception, own, foreign, center):
    factories.service()
    factories.kind()
    response = signed_in(reception).post(
        "/reception/",
        {
            "person": "new",
            "full_name": "Aigerim Seitkali",
            "phone": "8 701 234 56 78",
            "channel": factories.channel().pk,
            "topics": [factories.topic().pk],
            "question": "Wages unpaid",
            "result": "case_opened",
            "service": "legal_clinic",
            "kind": "written_application",
            "lawyer": foreign["lawyer"].pk,
        },
    )

    assert response.status_code == 422
    assert "lawyer" in response.context["form"].errors
    assert not Person.objects.filter(full_name="Aigerim Seitkali").exists()


def test_a_case_cannot_be_assigned_to_another_centers_lawyer_on_its_page(manager, center, own, foreign):
    case = ApplicationFactory(center=center)
    client = signed_in(manager)

    page = client.get(f"/cases/{case.pk}/").text
    response = client.post(f"/cases/{case.pk}/assign/", {"lawyer": foreign["lawyer"].pk, "version": 1})

    assert "Outsider" not in page
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.lawyer is None
    assert case.status == Status.REGISTERED


# What every center shares


@pytest.mark.parametrize("model", ["territorialcenter", "branchunion"])
def test_a_center_administrator_reads_but_does_not_change_what_every_center_shares(
    center_admin, other_center, model
):
    shared = other_center if model == "territorialcenter" else BranchUnionFactory()
    name = shared.name_en
    url = f"/admin/organizations/{model}/{shared.pk}/change/"
    client = signed_in(center_admin)

    page = client.get(url)
    response = client.post(url, {"code": "HACK", "name_en": "Renamed", "name_ru": "x", "name_kk": "x"})

    assert page.status_code == 200
    assert 'name="name_en"' not in page.text  # read-only
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.name_en == name
    assert client.get(f"/admin/organizations/{model}/add/").status_code == 403
