"""A returning visitor, in a real browser and in Russian: the reception types the name misspelt, finds
the person all the same with what they came about before, and records the new visit on their record."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from clinic import services
from clinic.models import Channel, Person, Topic, Visit
from organizations.models import Role, TerritorialCenter
from tests.factories import ApplicationFactory, PersonFactory, StaffFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def center():
    call_command("seed_reference", verbosity=0)
    return TerritorialCenter.objects.order_by("iso_code").first()


def test_a_returning_visitor_is_found_by_a_misspelt_name_with_their_history(center, sign_in, screenshot):
    # given: Нұрлан came before, with a case on wages
    reception = StaffFactory(role=Role.RECEPTION, center=center)
    person = PersonFactory(center=center, full_name="Нұрлан Серікұлы", phone="+77015550000")
    PersonFactory(center=center, full_name="Дана Омарова")
    wages = Topic.objects.order_by("sort_order").first()
    services.visit_register(
        by=reception, person=person, channel=Channel.objects.get(pk=Channel.IN_PERSON), topics=[wages]
    )
    case = ApplicationFactory(center=center, person=person, registered_by=reception, topic=wages)
    page = sign_in(reception)
    expect(page).to_have_url(re.compile(r"/reception/$"))
    # when: the name is typed without the Kazakh letters and with a letter missing
    page.fill("#q", "Нурлн Серикулы")
    # then: found, with what they came about before
    choice = page.locator("#person-results .choice", has_text="Нұрлан Серікұлы")
    expect(choice).to_contain_text("Обращался раньше: 1 посещение, 1 обращение")
    expect(choice).to_contain_text(case.registration_number)
    expect(page.locator("#person-results")).not_to_contain_text("Дана Омарова")
    screenshot(page, "reception-returning-visitor")
    # and the new visit is recorded on their record
    choice.locator("input[type=radio]").check()
    page.fill("#id_question", "Снова задержали зарплату.")
    page.fill("#id_action_taken", "Разъяснили порядок обращения к работодателю.")
    page.locator(".topics input[type=checkbox]").nth(1).check()
    page.click("#walk-in button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Нұрлан Серікұлы")
    assert Person.objects.count() == 2
    assert Visit.objects.filter(person=person).count() == 2
    # and the person's page shows both visits and the case
    page.goto(page.url.split("/reception/")[0] + f"/persons/{person.pk}/")
    expect(page.locator("h1")).to_have_text("Нұрлан Серікұлы")
    expect(page.locator("#visits-title")).to_contain_text("2")
    expect(page.locator("main")).to_contain_text(case.registration_number)
