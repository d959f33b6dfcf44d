"""A person's data on request (Law of Kazakhstan No. 94-V, art. 24-25): everything held about them as
one file, and their record anonymised when they ask; a manager of the person's center does both, and
both are written to the audit trail. Corrections go through persons.person_update, audited as any change.
"""

from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.versioning import locked
from organizations.models import User

from .. import retention, rules
from ..dossier import person_dossier
from ..models import Application, DestructionRecord, OnlineSubmission, Person, RetentionRun, Visit
from .retention import (
    anonymise_cases,
    anonymise_online_questions,
    anonymise_persons,
    anonymise_visits,
)

Kind = DestructionRecord.Kind


def _log(person: Person, by: User, note: dict[str, str]) -> None:
    """An audit entry of the request on the person's record, naming who and what, not the values."""
    with acting_as(by):
        LogEntry.objects.log_create(
            person, force_log=True, action=LogEntry.Action.ACCESS, changes={}, actor=by, additional_data=note
        )


def person_data_export(*, person: Person, by: User) -> dict[str, Any]:
    """Everything held about the person (clinic.dossier), for a manager of their center; audited."""
    rules.ensure_can_manage(by, person.center_id)
    dossier = person_dossier(person, exported_by=by)
    _log(person, by, {"data_request": "export"})
    return dossier


@transaction.atomic
def person_anonymise_on_request(
    *, person: Person, by: User, reason: str, expected_version: int | None = None
) -> RetentionRun:
    """Anonymise the person and everything of theirs at their request, as the retention rules would,
    keeping the report figures; refused while they have a case not closed or a dispute not resolved.
    The run and its destruction records say what went; the audit trail says who and why."""
    rules.ensure_can_manage(by, person.center_id)
    if not reason.strip():
        raise ValidationError(
            {"reason": [_("Say how the person asked (e.g. their written request of 12.03.2026).")]}
        )
    person = locked(person, expected_version)
    if person.anonymised_at is not None:
        raise ValidationError(_("This person's data has already been anonymised."))
    if person.merged_into_id is not None:
        raise ValidationError(_("This record was merged into another person's: anonymise that one."))
    if retention.held_persons().filter(pk=person.pk).exists():
        raise ValidationError(
            _(
                "This person has a case that is not closed or a labor dispute that is not resolved: "
                "their data is held until then."
            )
        )
    now = timezone.now()
    # Like the task's and the command's names: the same in every language.
    run = RetentionRun.objects.create(started_by=f"on request: {by.get_username()}")
    persons = [person.pk, *Person.objects.filter(merged_into=person).values_list("pk", flat=True)]
    cases = list(
        Application.objects.filter(person_id__in=persons, anonymised_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    online = list(
        OnlineSubmission.objects.filter(visit__person_id__in=persons, anonymised_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    with disable_auditlog():  # the per-save entries would copy the values being destroyed
        files = anonymise_cases(cases, now) + anonymise_online_questions(online, now)
        visits = Visit.objects.filter(person_id__in=persons, anonymised_at__isnull=True)
        other_visits = visits.count()
        anonymise_visits(visits, now)
        anonymise_persons(persons, now)
    counts = {
        Kind.CASES: len(cases),
        Kind.ONLINE_QUESTIONS: len(online),
        Kind.VISITS: other_visits,
        Kind.DOCUMENTS: files,
        Kind.PERSONS: len(persons),
    }
    DestructionRecord.objects.bulk_create(
        DestructionRecord(run=run, rule="on_request", kind=kind, count=count)
        for kind, count in counts.items()
    )
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    person.refresh_from_db()  # the entry names the record as it is now, not by the destroyed name
    _log(person, by, {"data_request": "anonymise", "reason": reason.strip()})
    return run
