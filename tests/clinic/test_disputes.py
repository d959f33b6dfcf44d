"""Labor disputes: registered against an employer, moved through the stages, resolved with a result
and the money recovered; disputes prevented by monitoring are counted per organization."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clinic import services
from clinic.models import LaborDispute, PreventedDispute
from tests.factories import EmployerFactory, PrimaryOrganizationFactory

Kind, Stage, Result = LaborDispute.Kind, LaborDispute.Stage, LaborDispute.Result


@pytest.fixture
def employer(center):
    return EmployerFactory(center=center)


@pytest.fixture
def dispute(lawyer, employer):
    return services.dispute_register(
        by=lawyer,
        employer=employer,
        subject="  Reinstatement after dismissal  ",
        is_reinstatement=True,
        disputed_act_on=date(2021, 3, 1),
        opened_on=date(2021, 3, 10),
        lawyer=lawyer,
    )


@pytest.mark.django_db
def test_individual_dispute_is_registered(dispute, lawyer, employer, center):
    dispute.refresh_from_db()

    assert (dispute.center, dispute.employer, dispute.kind) == (center, employer, Kind.INDIVIDUAL)
    assert (dispute.stage, dispute.workers_affected, dispute.result) == (Stage.NEGOTIATION, 1, "")
    assert dispute.subject == "Reinstatement after dismissal"
    assert (dispute.registered_by, dispute.lawyer) == (lawyer, lawyer)


@pytest.mark.django_db
def test_a_dispute_cannot_be_opened_in_the_future(lawyer, employer):
    with pytest.raises(ValidationError) as excinfo:
        services.dispute_register(
            by=lawyer, employer=employer, subject="Wages", opened_on=timezone.localdate() + timedelta(days=1)
        )

    assert "opened_on" in excinfo.value.message_dict
    assert not LaborDispute.objects.exists()


@pytest.mark.django_db
def test_collective_dispute_counts_the_workers(lawyer, employer, register_case):
    # given
    applications = [register_case(), register_case()]
    # when
    dispute = services.dispute_register(
        by=lawyer,
        employer=employer,
        kind=Kind.COLLECTIVE,
        subject="Wage indexation",
        workers_affected=240,
        applications=applications,
    )
    # then
    assert dispute.workers_affected == 240
    assert set(dispute.applications.all()) == set(applications)


@pytest.mark.django_db
@pytest.mark.parametrize("workers", [0, 2, 35])
def test_individual_dispute_concerns_exactly_one_worker(lawyer, employer, workers):
    with pytest.raises(ValidationError) as excinfo:
        services.dispute_register(by=lawyer, employer=employer, subject="Overtime", workers_affected=workers)

    assert "workers_affected" in excinfo.value.message_dict
    assert not LaborDispute.objects.exists()


@pytest.mark.django_db
def test_reception_does_not_record_disputes(reception, employer):
    with pytest.raises(PermissionDenied):
        services.dispute_register(by=reception, employer=employer, subject="Overtime")


@pytest.mark.django_db
def test_dispute_moves_through_the_stages(dispute, lawyer):
    # when
    for stage in (Stage.CONCILIATION, Stage.COURT):
        dispute = services.dispute_move_stage(dispute=dispute, by=lawyer, stage=stage)
    # then
    dispute.refresh_from_db()
    assert dispute.stage == Stage.COURT
    assert dispute.version == 3


@pytest.mark.django_db
def test_dispute_resolved_with_result_date_and_money(dispute, lawyer):
    # when
    services.dispute_resolve(
        dispute=dispute,
        by=lawyer,
        result=Result.IN_FAVOR,
        resolved_on=date(2021, 4, 2),
        recovered_kzt=Decimal("480000.00"),
    )
    # then
    dispute.refresh_from_db()
    assert (dispute.result, dispute.resolved_on) == (Result.IN_FAVOR, date(2021, 4, 2))
    assert dispute.recovered_kzt == Decimal("480000.00")
    assert LaborDispute.objects.resolved().get() == dispute


@pytest.mark.django_db
def test_resolution_defaults_to_today(dispute, lawyer):
    services.dispute_resolve(dispute=dispute, by=lawyer, result=Result.PARTLY)

    dispute.refresh_from_db()
    assert dispute.resolved_on == timezone.localdate()


@pytest.mark.django_db
def test_resolving_with_negative_money_is_refused(dispute, lawyer):
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.dispute_resolve(
            dispute=dispute, by=lawyer, result=Result.IN_FAVOR, recovered_kzt=Decimal("-1")
        )
    # then
    assert "recovered_kzt" in excinfo.value.message_dict
    dispute.refresh_from_db()
    assert (dispute.result, dispute.recovered_kzt) == ("", Decimal(0))


@pytest.mark.django_db
def test_resolving_needs_a_result_and_a_date_after_opening(dispute, lawyer):
    with pytest.raises(ValidationError) as no_result:
        services.dispute_resolve(dispute=dispute, by=lawyer, result="")
    with pytest.raises(ValidationError) as too_early:
        services.dispute_resolve(
            dispute=dispute,
            by=lawyer,
            result=Result.IN_FAVOR,
            resolved_on=dispute.opened_on - timedelta(days=1),
        )

    assert "result" in no_result.value.message_dict
    assert "resolved_on" in too_early.value.message_dict


@pytest.mark.django_db
def test_a_resolved_dispute_does_not_change_stage(dispute, lawyer):
    # given
    dispute = services.dispute_resolve(dispute=dispute, by=lawyer, result=Result.NOT_IN_FAVOR)
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.dispute_move_stage(dispute=dispute, by=lawyer, stage=Stage.COURT)
    # then
    assert "stage" in excinfo.value.message_dict


@pytest.mark.django_db
def test_prevented_dispute_is_recorded_with_its_organization(manager, center, employer):
    # given
    organization = PrimaryOrganizationFactory(center=center, employer=employer)
    # when
    prevented = services.prevented_dispute_record(
        by=manager,
        employer=employer,
        primary_organization=organization,
        prevented_on=date(2021, 6, 15),
        how="  Mediation between the union committee and the director.  ",
        workers_affected=85,
    )
    # then
    prevented.refresh_from_db()
    assert (prevented.center, prevented.employer, prevented.primary_organization) == (
        center,
        employer,
        organization,
    )
    assert (prevented.prevented_on, prevented.workers_affected) == (date(2021, 6, 15), 85)
    assert prevented.how == "Mediation between the union committee and the director."
    assert prevented.recorded_by == manager
    assert PreventedDispute.objects.of_center(center.pk).count() == 1


@pytest.mark.django_db
def test_a_prevention_in_the_future_is_refused(manager, employer):
    with pytest.raises(ValidationError) as excinfo:
        services.prevented_dispute_record(
            by=manager, employer=employer, prevented_on=timezone.localdate() + timedelta(days=1), how="Talks."
        )

    assert "prevented_on" in excinfo.value.message_dict
