"""visible_to: every center-owned model shows center staff their own center only, and the
federation everything."""

import pytest

from clinic.models import Application, Note, Person
from organizations.models import Employer, Role
from tests.factories import ApplicationFactory, EmployerFactory, StaffFactory


@pytest.fixture
def two_centers(center, other_center):
    ApplicationFactory.create_batch(3, center=center)
    ApplicationFactory.create_batch(2, center=other_center)
    EmployerFactory(center=center)
    EmployerFactory(center=other_center)
    return center, other_center


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.RECEPTION, Role.LAWYER, Role.MANAGER, Role.ADMINISTRATOR])
def test_center_staff_see_only_their_center(two_centers, role):
    # given
    own, other = two_centers
    user = StaffFactory(role=role, center=own)
    # when
    applications = Application.objects.visible_to(user)
    persons = Person.objects.visible_to(user)
    employers = Employer.objects.visible_to(user)
    # then
    assert applications.count() == 3
    assert set(applications.values_list("center", flat=True)) == {own.pk}
    assert set(persons.values_list("center", flat=True)) == {own.pk}
    assert set(employers.values_list("center", flat=True)) == {own.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMINISTRATOR])
def test_federation_staff_see_every_center(two_centers, role):
    user = StaffFactory(role=role, center=None)

    assert Application.objects.visible_to(user).count() == 5
    assert Person.objects.visible_to(user).count() == 5


@pytest.mark.django_db
def test_records_owned_through_an_application_follow_its_center(two_centers, manager):
    # given
    own, other = two_centers
    for application in Application.objects.all():
        Note.objects.create(application=application, text="call back", author=application.registered_by)
    # then
    assert Note.objects.visible_to(manager).count() == 3
    assert set(Note.objects.visible_to(manager).values_list("application__center", flat=True)) == {own.pk}


@pytest.mark.django_db
def test_inactive_or_anonymous_users_see_nothing(two_centers, manager):
    from django.contrib.auth.models import AnonymousUser

    manager.is_active = False

    assert not Application.objects.visible_to(manager).exists()
    assert not Application.objects.visible_to(AnonymousUser()).exists()
