"""Writes to labor disputes and prevented disputes."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.versioning import assign_changes, locked, save_changes
from organizations.models import Employer, PrimaryOrganization, TerritorialCenter, User

from .. import rules
from ..models import Application, LaborDispute, PreventedDispute
from .applications import _ensure_lawyer_of
from .common import center_of
from .limitation import dispute_deadlines_set


@transaction.atomic
def dispute_register(
    *,
    by: User,
    employer: Employer,
    subject: str,
    kind: LaborDispute.Kind = LaborDispute.Kind.INDIVIDUAL,
    center: TerritorialCenter | None = None,
    workers_affected: int = 1,
    stage: LaborDispute.Stage = LaborDispute.Stage.NEGOTIATION,
    opened_on: date | None = None,
    is_reinstatement: bool = False,
    disputed_act_on: date | None = None,
    lawyer: User | None = None,
    applications: Iterable[Application] = (),
) -> LaborDispute:
    """Record an individual or collective labor dispute against an employer."""
    center = center_of(by, center)
    rules.ensure_can_handle_disputes(by, center.pk)
    _ensure_lawyer_of(center.pk, lawyer)
    applications = list(applications)
    if any(application.center_id != center.pk for application in applications):
        raise ValidationError({"applications": _("Link only applications of this center.")})
    if kind == LaborDispute.Kind.INDIVIDUAL and workers_affected != 1:
        raise ValidationError({"workers_affected": _("An individual dispute concerns one worker.")})
    dispute = LaborDispute(
        center=center,
        employer=employer,
        kind=kind,
        subject=subject.strip(),
        workers_affected=workers_affected,
        stage=stage,
        opened_on=opened_on or timezone.localdate(),
        is_reinstatement=is_reinstatement,
        disputed_act_on=disputed_act_on,
        lawyer=lawyer,
        registered_by=by,
    )
    dispute.full_clean()
    if dispute.opened_on > timezone.localdate():
        raise ValidationError({"opened_on": _("A dispute cannot be opened in the future.")})
    _ensure_act_not_in_future(dispute.disputed_act_on)
    dispute_deadlines_set(dispute)
    with acting_as(by):
        dispute.save()
        dispute.applications.set(applications)
    return dispute


DISPUTE_EDITABLE = {"employer", "subject", "kind", "workers_affected", "is_reinstatement", "disputed_act_on"}


@transaction.atomic
def dispute_update(
    *, dispute: LaborDispute, by: User, expected_version: int | None = None, **changes
) -> LaborDispute:
    """Correct what was recorded of a dispute (employer, subject, kind, workers, the disputed act)."""
    rules.ensure_can_handle_disputes(by, dispute.center_id)
    dispute = locked(dispute, expected_version)
    if "subject" in changes:
        changes["subject"] = changes["subject"].strip()
    assign_changes(dispute, changes, editable=DISPUTE_EDITABLE)
    if dispute.kind == LaborDispute.Kind.INDIVIDUAL and dispute.workers_affected != 1:
        raise ValidationError({"workers_affected": _("An individual dispute concerns one worker.")})
    if "disputed_act_on" in changes:
        _ensure_act_not_in_future(dispute.disputed_act_on)
    # The kind, the reinstatement claim and the disputed act move the limitation dates.
    recomputed = dispute_deadlines_set(dispute)
    with acting_as(by):
        return save_changes(dispute, [*changes, *recomputed])


def _ensure_act_not_in_future(day: date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({"disputed_act_on": _("The disputed act cannot be in the future.")})


@transaction.atomic
def dispute_move_stage(
    *, dispute: LaborDispute, by: User, stage: LaborDispute.Stage, expected_version: int | None = None
) -> LaborDispute:
    """Move an unresolved dispute to another stage (conciliation commission, inspection, court)."""
    rules.ensure_can_handle_disputes(by, dispute.center_id)
    dispute = locked(dispute, expected_version)
    if dispute.result:
        raise ValidationError({"stage": _("The dispute is already resolved.")})
    dispute.stage = stage
    recomputed = dispute_deadlines_set(dispute)  # in court, the commission's decision is no longer awaited
    with acting_as(by):
        return save_changes(dispute, ["stage", *recomputed])


@transaction.atomic
def dispute_register_claim(
    *, dispute: LaborDispute, by: User, registered_on: date, expected_version: int | None = None
) -> LaborDispute:
    """Record the day the enterprise's conciliation commission registered the worker's claim: the
    dispute is then before the commission, whose decision is due within the period of the rules
    (15 working days, Labour Code art. 159)."""
    rules.ensure_can_handle_disputes(by, dispute.center_id)
    dispute = locked(dispute, expected_version)
    if dispute.result:
        raise ValidationError({"registered_on": _("The dispute is already resolved.")})
    if registered_on > timezone.localdate():
        raise ValidationError({"registered_on": _("The claim cannot be registered in the future.")})
    if dispute.disputed_act_on and registered_on < dispute.disputed_act_on:
        raise ValidationError({"registered_on": _("The claim cannot be registered before the disputed act.")})
    dispute.claim_registered_on = registered_on
    dispute.stage = LaborDispute.Stage.CONCILIATION
    try:
        recomputed = dispute_deadlines_set(dispute)
    except ValidationError as error:  # the field is called registered_on here
        raise ValidationError(
            {"registered_on": error.message_dict.get("claim_registered_on", error.messages)}
        ) from error
    with acting_as(by):
        return save_changes(dispute, ["claim_registered_on", "stage", *recomputed])


@transaction.atomic
def dispute_resolve(
    *,
    dispute: LaborDispute,
    by: User,
    result: LaborDispute.Result,
    resolved_on: date | None = None,
    recovered_kzt: Decimal = Decimal(0),
    expected_version: int | None = None,
) -> LaborDispute:
    """Record how the dispute ended and the money recovered for the workers."""
    rules.ensure_can_handle_disputes(by, dispute.center_id)
    dispute = locked(dispute, expected_version)
    if not result:
        raise ValidationError({"result": _("Choose the result of the dispute.")})
    dispute.result, dispute.recovered_kzt = result, recovered_kzt
    dispute.resolved_on = resolved_on or timezone.localdate()
    if dispute.resolved_on < dispute.opened_on:
        raise ValidationError({"resolved_on": _("A dispute cannot be resolved before it was opened.")})
    recomputed = dispute_deadlines_set(dispute)  # resolved: no deadline is awaited any more
    with acting_as(by):
        return save_changes(dispute, ["result", "recovered_kzt", "resolved_on", *recomputed])


@transaction.atomic
def prevented_dispute_record(
    *,
    by: User,
    employer: Employer,
    prevented_on: date,
    how: str,
    center: TerritorialCenter | None = None,
    primary_organization: PrimaryOrganization | None = None,
    workers_affected: int = 1,
) -> PreventedDispute:
    """Record a dispute the conflict-prevention center prevented at an organization."""
    center = center_of(by, center)
    rules.ensure_can_handle_disputes(by, center.pk)
    prevented = PreventedDispute(
        center=center,
        employer=employer,
        primary_organization=primary_organization,
        prevented_on=prevented_on,
        how=how.strip(),
        workers_affected=workers_affected,
        recorded_by=by,
    )
    prevented.full_clean()
    if prevented_on > timezone.localdate():
        raise ValidationError({"prevented_on": _("The date cannot be in the future.")})
    with acting_as(by):
        prevented.save()
    return prevented
