"""The case list's defaults: a lawyer opens on their own open cases, nearest deadline first, unless the
query string says otherwise; federation staff narrow it to one center, a center's staff cannot."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic import services
from organizations.models import Role, TerritorialCenter
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def numbers(response) -> list[str]:
    return [case.registration_number for case in response.context["paging"].rows]


@pytest.fixture
def lawyers_cases(center, lawyer, case_of, ref):
    """The lawyer's cases: received 20, 10 and 2 days ago (so due in that order), one decided; and a
    colleague's."""
    today = timezone.localdate()
    oldest = case_of(center, lawyer=lawyer, received_on=today - timedelta(days=20))
    middle = case_of(center, lawyer=lawyer, received_on=today - timedelta(days=10), start=True)
    newest = case_of(center, lawyer=lawyer, received_on=today - timedelta(days=2))
    decided = case_of(center, lawyer=lawyer, received_on=today - timedelta(days=30), start=True)
    services.application_decide(application=decided, by=lawyer, outcome=ref.satisfied)
    colleagues = case_of(center, lawyer=StaffFactory(role=Role.LAWYER, center=center))
    return {
        "oldest": oldest,
        "middle": middle,
        "newest": newest,
        "decided": decided,
        "colleagues": colleagues,
    }


def test_a_lawyer_opens_on_own_open_cases_nearest_deadline_first(client_for, lawyer, lawyers_cases):
    response = client_for(lawyer).get("/cases/")

    assert response.status_code == 200
    assert numbers(response) == [
        lawyers_cases[name].registration_number for name in ("oldest", "middle", "newest")
    ]
    # the form shows the filters applied
    assert '<option value="open" selected>' in response.text
    assert '<option value="due" selected>' in response.text


def test_a_page_number_alone_keeps_the_lawyers_defaults(client_for, lawyer, lawyers_cases):
    response = client_for(lawyer).get("/cases/", {"page": 1})

    assert lawyers_cases["decided"].registration_number not in numbers(response)


def test_a_filter_in_the_query_string_wins_over_the_defaults(client_for, lawyer, lawyers_cases):
    client = client_for(lawyer)

    every_status = client.get("/cases/", {"status": ""})
    newest_first = client.get("/cases/", {"order": "received"})

    assert numbers(every_status)[-1] == lawyers_cases["decided"].registration_number  # newest first
    assert len(numbers(every_status)) == 4
    assert numbers(newest_first) == [
        lawyers_cases[name].registration_number for name in ("newest", "middle", "oldest", "decided")
    ]


def test_the_lawyers_links_lead_to_all_own_cases_and_to_all_of_the_center(client_for, lawyer, lawyers_cases):
    client = client_for(lawyer)
    page = client.get("/cases/")

    assert 'href="/cases/?scope=mine&amp;status="' in page.text
    assert 'href="/cases/?scope=center&amp;status="' in page.text
    assert '<a href="/cases/" aria-current="page">' in page.text
    all_mine = client.get("/cases/?scope=mine&status=")
    all_of_the_center = client.get("/cases/?scope=center&status=")
    assert len(numbers(all_mine)) == 4
    assert 'id="all-my-cases" aria-current="page"' in all_mine.text
    assert len(numbers(all_of_the_center)) == 5
    assert 'id="all-cases" aria-current="page"' in all_of_the_center.text
    assert "aria-current" not in all_of_the_center.text.split('id="all-cases"')[0].split("quick-filters")[1]


def test_a_manager_keeps_the_whole_center_newest_first(client_for, manager, lawyers_cases):
    response = client_for(manager).get("/cases/")

    assert numbers(response)[0] == lawyers_cases["colleagues"].registration_number
    assert len(numbers(response)) == 5
    assert "quick-filters" not in response.text


# The center filter


def test_an_analyst_narrows_the_list_to_one_center(client_for, center, other_center, analyst, case_of):
    ours, theirs = case_of(center), case_of(other_center)
    client = client_for(analyst)

    everything = client.get("/cases/")
    one_center = client.get("/cases/", {"center": other_center.pk})

    assert set(numbers(everything)) == {ours.registration_number, theirs.registration_number}
    assert numbers(one_center) == [theirs.registration_number]
    assert 'name="center"' in everything.text
    assert everything.text.count('<option value="') >= TerritorialCenter.objects.count()
    assert f'<option value="{other_center.pk}" selected>' in one_center.text


@pytest.mark.parametrize("role", [Role.MANAGER, Role.RECEPTION, Role.LAWYER])
def test_a_centers_staff_has_no_center_filter_and_cannot_widen_with_one(
    client_for, center, other_center, case_of, role
):
    user = StaffFactory(role=role, center=center)
    ours = case_of(center, lawyer=user if role == Role.LAWYER else None)
    theirs = case_of(other_center)

    response = client_for(user).get("/cases/", {"center": other_center.pk})

    assert response.status_code == 200
    assert 'name="center"' not in response.text
    assert numbers(response) == [ours.registration_number]
    assert theirs.registration_number not in response.text


def test_a_centers_staff_asking_for_its_own_center_sees_the_same(client_for, center, manager, case_of):
    ours = case_of(center)

    assert numbers(client_for(manager).get("/cases/", {"center": center.pk})) == [ours.registration_number]
