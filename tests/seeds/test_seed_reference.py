from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from organizations.models import Role, TerritorialCenter
from seeds.reference import REFERENCE_FILES


def _snapshot() -> dict:
    tables = {
        ref.model: list(apps.get_model(ref.model).objects.order_by("pk").values()) for ref in REFERENCE_FILES
    }
    groups = {
        group.name: sorted(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.all()
    }
    return {"tables": tables, "groups": groups}


def test_seed_reference_twice_leaves_the_same_database(db):
    # given
    call_command("seed_reference", verbosity=0)
    first = _snapshot()
    # when
    call_command("seed_reference", verbosity=0)
    # then
    assert _snapshot() == first


def test_seed_reference_loads_the_twenty_centers_in_three_languages(db):
    call_command("seed_reference", verbosity=0)

    centers = TerritorialCenter.objects.all()
    assert centers.count() == 20
    almaty_region = centers.get(iso_code="KZ-19")
    assert (almaty_region.name_en, almaty_region.name_ru, almaty_region.name_kk) == (
        "Almaty Region",
        "Алматинская область",
        "Алматы облысы",
    )
    assert centers.get(iso_code="KZ-75").name_ru == "город Алматы"
    assert centers.get(code="MAN").offices.filter(name_en__icontains="Zhanaozen").exists()
    assert len(set(centers.values_list("code", flat=True))) == 20


def test_seed_reference_creates_one_group_per_role_with_its_permissions(db):
    call_command("seed_reference", verbosity=0)

    groups = {group.name: group for group in Group.objects.prefetch_related("permissions")}
    assert set(groups) == set(Role.values)
    reception = {p.codename for p in groups[Role.RECEPTION].permissions.all()}
    analyst = {p.codename for p in groups[Role.ANALYST].permissions.all()}
    assert {"add_person", "add_visit", "add_application"} <= reception
    assert "add_labordispute" not in reception
    assert analyst
    assert all(codename.startswith("view_") for codename in analyst)
