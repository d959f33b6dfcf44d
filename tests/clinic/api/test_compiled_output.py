"""The cases' list and detail are shown by CompiledReadSerializer (core.api.common): a plan made
once per class instead of DRF's walk over freshly built fields; the list from `.values()` rows
(core.api.rows), without model instances. Its output must be DRF's own, byte for
byte, for every role, with the applicant's IIN and phone masked exactly as the person's own record
masks them."""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers

from clinic import services
from clinic.api.serializers import ApplicationSerializer
from clinic.api.views import ApplicationViewSet
from clinic.models import Outcome, Status
from core.api.common import CompiledReadSerializer, read_plan
from organizations.models import Role
from tests.factories import ApplicationFactory, StaffFactory, outcome
from tests.fixtures.api_support import new_employer

pytestmark = pytest.mark.django_db

ROLES = ["reception", "lawyer", "manager", "administrator", "analyst", "superuser"]


def drf_to_representation(self, instance) -> dict:
    """DRF's generic Serializer.to_representation, finished as the planned output is (the masking)."""
    data = serializers.ModelSerializer.to_representation(self, instance)
    return type(self).finish(data, instance, self.context.get("request"))


@pytest.fixture
def cases(center, manager):
    """A decided case with an employer, a lawyer and money recovered; and a bare registered one."""
    lawyer = StaffFactory(role=Role.LAWYER, center=center, first_name="Aigerim", last_name="Lawyer")
    decided = ApplicationFactory(
        center=center, lawyer=lawyer, employer=new_employer(center=center), summary="Wages — «unpaid»"
    )
    services.application_change_status(application=decided, by=lawyer, to_status=Status.IN_PROGRESS)
    services.application_decide(
        application=decided,
        by=lawyer,
        outcome=outcome(Outcome.SATISFIED),
        decision="Paid.",
        recovered_kzt=Decimal("150000.5"),
    )
    bare = ApplicationFactory(center=center)
    return [decided, bare]


def user_with(role: str, center):
    if role == "analyst":
        return StaffFactory(role=Role.ANALYST, center=None)
    if role == "superuser":
        user = StaffFactory(role=Role.ADMINISTRATOR, center=None)
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
        return user
    return StaffFactory(role=getattr(Role, role.upper()), center=center)


@pytest.mark.parametrize("role", ROLES)
def test_the_list_and_the_detail_are_what_drf_itself_shows(client_for, monkeypatch, center, cases, role):
    # given
    client = client_for(user_with(role, center))
    paths = ["/api/v1/applications/", *(f"/api/v1/applications/{case.pk}/" for case in cases)]
    # when
    compiled = [client.get(path).content for path in paths]
    # DRF's own walk over model instances, for the list too (which reads `.values()` rows otherwise).
    monkeypatch.setattr(CompiledReadSerializer, "to_representation", drf_to_representation)
    monkeypatch.setattr(ApplicationViewSet, "list_reads_rows", False)
    generic = [client.get(path).content for path in paths]
    # then
    assert compiled == generic
    assert b'"count":2' in compiled[0]


@pytest.mark.parametrize("role", ROLES)
def test_the_applicant_is_masked_as_in_the_persons_own_record(client_for, center, cases, role):
    # given
    client = client_for(user_with(role, center))
    # when
    listed = client.get("/api/v1/applications/").json()["results"]
    # then
    for row in listed:
        person = client.get(f"/api/v1/persons/{row['person']['id']}/").json()
        assert row["person"] == {key: person[key] for key in ("id", "full_name", "iin", "phone")}
    masked = role in ("analyst", "superuser")
    assert ("*" in listed[0]["person"]["iin"]) is masked


def test_the_plan_reads_what_drf_reads():
    # given the serializer DRF would build for a request
    fields = ApplicationSerializer().fields
    # when
    plan = read_plan(ApplicationSerializer)
    # then every field is planned, in DRF's order
    assert [name for name, *_ in plan] == list(fields)


def test_a_field_that_needs_the_request_is_refused_when_planned():
    class WithMethod(CompiledReadSerializer):
        today = serializers.SerializerMethodField()

        class Meta:
            model = ApplicationSerializer.Meta.model
            fields = ["id", "today"]

        def get_today(self, instance):
            return timezone.localdate()

    with pytest.raises(Exception, match="WithMethod.today"):
        read_plan(WithMethod)
