"""The demo data is found by the search box: its persons carry their name keys (bulk_create skips the
save() that keeps them)."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from clinic.models import Person
from clinic.names import name_key
from organizations.models import User
from seeds.clinic import demo_cases_create
from seeds.organizations import demo_organizations_create, demo_staff_create


@pytest.mark.django_db
def test_the_demo_persons_are_found_by_name_in_any_case(client):
    # given the demo data of one (small) center, searched by the federation's administrator
    call_command("seed_reference", verbosity=0)
    demo_organizations_create()
    staff = demo_staff_create()
    demo_cases_create(staff=staff, center_codes=["SHY"])
    unique = Person.objects.values("full_name").annotate(n=Count("pk")).filter(n=1).order_by("full_name")
    person = Person.objects.get(full_name=unique[0]["full_name"])
    # then every person has the key of their name
    assert not Person.objects.filter(name_key="").exists()
    assert person.name_key == name_key(person.full_name)
    # and the search box finds them however the name is typed
    client.force_login(User.objects.get(username="admin"))
    for typed in (person.full_name, person.full_name.upper()):
        groups = {g["kind"]: g["rows"] for g in client.get("/search/", {"q": typed}).context["groups"]}
        assert person.pk in [card.person.pk for card in groups["persons"]]
