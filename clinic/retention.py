"""What the retention rules say is due: the records whose personal data has been kept as long as its
purpose needs (Law of Kazakhstan No. 94-V "On personal data and their protection", art. 12). The
periods are configuration (settings.RETENTION_YEARS); these are the reads, the writes are in
clinic.services.retention.

Legal hold: nothing of a person who has a case that is not closed, or a case in a labor dispute that
is not resolved, is due: the lawyer still needs their history.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .models import (
    Application,
    DestructionRecord,
    LaborDispute,
    OnlineSubmission,
    Person,
    Status,
    StatusChange,
    Visit,
)

Kind = DestructionRecord.Kind


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str
    years: int
    description: str

    def cutoff(self, today: date) -> date:
        """Records of this rule dated before this day are due."""
        return today - relativedelta(years=self.years)


DESCRIPTIONS = {
    "closed_cases": gettext_lazy("Cases closed more than the period ago: texts, notes, documents."),
    "consultations": gettext_lazy("Consultations answered on the spot more than the period ago."),
    "online_questions": gettext_lazy(
        "Online questions that never became a case, sent more than the period ago."
    ),
}
KINDS = {
    "closed_cases": Kind.CASES,
    "consultations": Kind.CONSULTATIONS,
    "online_questions": Kind.ONLINE_QUESTIONS,
}


def rules() -> list[Rule]:
    """The rules of settings.RETENTION_YEARS, in the order a run applies them."""
    return [
        Rule(code=code, kind=KINDS[code], years=years, description=str(DESCRIPTIONS[code]))
        for code, years in settings.RETENTION_YEARS.items()
    ]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def held_persons() -> QuerySet[Person]:
    """Persons under legal hold: a case not closed, or a case in an unresolved labor dispute."""
    unresolved = LaborDispute.objects.filter(resolved_on__isnull=True, applications=OuterRef("pk"))
    held_cases = Application.objects.filter(Q(~Q(status=Status.CLOSED)) | Q(Exists(unresolved)))
    return Person.objects.filter(pk__in=held_cases.values("person_id"))


def closed_cases_due(today: date, rule: Rule) -> QuerySet[Application]:
    """Closed cases, closed before the cut-off, not yet anonymised, of persons not held."""
    closed_before = StatusChange.objects.filter(
        to_status=Status.CLOSED, changed_at__lt=_start_of(rule.cutoff(today)), application=OuterRef("pk")
    )
    return (
        Application.objects.filter(status=Status.CLOSED, anonymised_at__isnull=True)
        .filter(Exists(closed_before))
        .exclude(person__in=held_persons())
    )


def consultations_due(today: date, rule: Rule) -> QuerySet[Visit]:
    return Visit.objects.filter(
        result=Visit.Result.CONSULTATION,
        anonymised_at__isnull=True,
        visited_at__lt=_start_of(rule.cutoff(today)),
    ).exclude(person__in=held_persons())


def online_questions_due(today: date, rule: Rule) -> QuerySet[OnlineSubmission]:
    """Online questions older than the cut-off whose visit never opened a case."""
    return (
        OnlineSubmission.objects.filter(
            anonymised_at__isnull=True, created_at__lt=_start_of(rule.cutoff(today))
        )
        .exclude(visit__result=Visit.Result.CASE_OPENED)
        .exclude(visit__person__in=held_persons())
    )


DUE = {
    "closed_cases": closed_cases_due,
    "consultations": consultations_due,
    "online_questions": online_questions_due,
}


def persons_due(today: date) -> QuerySet[Person]:
    """Persons none of whose visits and cases is kept any longer: every one anonymised, or due now under
    the rules, and none held. A person registered within the shortest period is kept even without any
    record; a merged record goes with the person it was merged into."""
    due_visits = Q()
    due_cases = Q()
    for rule in rules():
        if rule.code == "consultations":
            due_visits |= Q(pk__in=consultations_due(today, rule).values("pk"))
        elif rule.code == "online_questions":
            due_visits |= Q(online_submission__in=online_questions_due(today, rule))
        elif rule.code == "closed_cases":
            due_cases |= Q(pk__in=closed_cases_due(today, rule).values("pk"))
            due_visits |= Q(application__in=closed_cases_due(today, rule))
    kept_visits = Visit.objects.filter(person=OuterRef("pk"), anonymised_at__isnull=True).exclude(due_visits)
    kept_cases = Application.objects.filter(person=OuterRef("pk"), anonymised_at__isnull=True).exclude(
        due_cases
    )
    youngest = min(rule.cutoff(today) for rule in rules())
    return (
        Person.objects.filter(anonymised_at__isnull=True, created_at__lt=_start_of(youngest))
        .filter(Q(merged_into__isnull=True) | Q(merged_into__anonymised_at__isnull=False))
        .exclude(Exists(kept_visits))
        .exclude(Exists(kept_cases))
        .exclude(pk__in=held_persons())
    )
