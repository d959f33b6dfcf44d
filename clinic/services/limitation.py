"""The limitation clock of labor disputes kept on each dispute: the dates computed (clinic.limitation)
from the limitation rules in force, stored on the dispute whenever a service saves it, and recomputed
for every unresolved dispute when a rule changes (the admin) or the calendar does."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.versioning import save_changes
from organizations.models import User

from .. import limitation, rules
from ..models import LaborDispute, LimitationRule

DEADLINE_FIELDS = ("filing_due_on", "decision_due_on", "next_deadline_on")


def rules_in_force() -> list[LimitationRule]:
    """The active rules, in their sort order (the first rule for a date wins)."""
    return list(LimitationRule.objects.filter(is_active=True).order_by("sort_order", "code"))


def dispute_deadlines_set(
    dispute: LaborDispute, in_force: Sequence[LimitationRule] | None = None
) -> list[str]:
    """Compute the dispute's limitation dates from its facts and the rules (read if not given), set them
    on the (unsaved) dispute and return the names of the fields that changed, for the caller's save."""
    in_force = rules_in_force() if in_force is None else in_force
    try:
        dates = limitation.deadlines(in_force, dispute.limitation_facts())
    except limitation.UncountableDateError as error:  # a mistyped year: refused on the date that starts it
        field = (
            "claim_registered_on" if error.counted_from == limitation.CLAIM_REGISTERED else "disputed_act_on"
        )
        message = _("The working-day calendar does not cover %(year)s: check the date.")
        raise ValidationError({field: message % {"year": error.year}}) from error
    _kind, next_on = limitation.watched(
        dates,
        resolved=bool(dispute.result),
        claim_registered=dispute.claim_registered_on is not None,
        in_court=dispute.stage == LaborDispute.Stage.COURT,
    )
    values = {
        "filing_due_on": dates.filing_due_on,
        "decision_due_on": dates.decision_due_on,
        "next_deadline_on": next_on,
    }
    changed = [field for field, value in values.items() if getattr(dispute, field) != value]
    for field in changed:
        setattr(dispute, field, values[field])
    return changed


@dataclass(frozen=True)
class DisputeDatesChange:
    dispute_id: int
    label: str
    previous: tuple[date | None, date | None]
    new: tuple[date | None, date | None]


@transaction.atomic
def dispute_deadlines_recompute(*, dry_run: bool = False) -> list[DisputeDatesChange]:
    """Recompute the dates of every unresolved dispute under the rules and the calendar in force; save
    only those that differ, each with its audit entry (no actor: the system). Resolved disputes keep the
    dates they were decided under."""
    in_force = rules_in_force()
    changes = []
    disputes = LaborDispute.objects.filter(result="").select_related("employer").order_by("pk")
    if not dry_run:
        disputes = disputes.select_for_update(of=("self",))
    for dispute in disputes:
        previous = (dispute.filing_due_on, dispute.decision_due_on)
        try:
            changed = dispute_deadlines_set(dispute, in_force)
        except ValidationError:
            continue  # a date outside the calendar, recorded before the services refused such dates

        if not changed:
            continue
        changes.append(
            DisputeDatesChange(
                dispute.pk, str(dispute), previous, (dispute.filing_due_on, dispute.decision_due_on)
            )
        )
        if not dry_run:
            with acting_as(None):
                save_changes(dispute, changed)
    return changes


@transaction.atomic
def limitation_rule_save(*, rule: LimitationRule, by: User) -> LimitationRule:
    """Save a limitation rule (new or changed) and bring the unresolved disputes' dates in line with it."""
    rules.ensure_can_change_reference(by)
    rule.full_clean()
    rule.save()
    dispute_deadlines_recompute()
    return rule
