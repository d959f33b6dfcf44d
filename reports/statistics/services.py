"""Writes to the organization statistics: the yearly returns (entered by a center's manager, approved
by the federation) and the federation's annual statistical report, requested and built by Celery."""

import logging
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import snapshots
from core.audit import acting_as
from core.versioning import VersionConflict, locked
from organizations.models import BranchUnion, TerritorialCenter, User

from . import rules as statistics_rules
from .models import RETURN_FIGURES, StatisticalReport, StatisticalReturn
from .queries import report_figures

# Statistical returns: entered by a center's manager (draft -> submitted), approved by the federation,
# then locked for good. Every change is attributed in the audit trail.

logger = logging.getLogger(__name__)
FIRST_STATISTICS_YEAR = 2000


def _statistical_scope(
    by: User, center: TerritorialCenter | None, branch_union: BranchUnion | None
) -> tuple[TerritorialCenter | None, BranchUnion | None]:
    """A center's staff work on their own center's return; others must name the center or branch union."""
    if center is not None and branch_union is not None:
        raise ValidationError({"branch_union": _("A return is a center's or a branch union's, not both.")})
    if center is None and branch_union is None:
        if by.center_id is None:
            raise ValidationError({"center": _("Choose the territorial center or the branch union.")})
        center = by.center
    return center, branch_union


def _ensure_statistics_year(year: int) -> None:
    if not FIRST_STATISTICS_YEAR <= year <= timezone.localdate().year:
        raise ValidationError(
            {"year": _("Give a year from %(first)s to this year.") % {"first": FIRST_STATISTICS_YEAR}}
        )


def _ensure_draft(statistical_return: StatisticalReturn) -> None:
    """Only a draft may change; the messages say what to do instead."""
    if statistical_return.state == StatisticalReturn.State.APPROVED:
        raise ValidationError(
            _("The return %(name)s was approved on %(date)s and is locked: nobody can change it any more.")
            % {
                "name": statistical_return,
                "date": date_format(timezone.localtime(statistical_return.approved_at), "DATE_FORMAT"),
            },
            code="locked",
        )
    if statistical_return.state == StatisticalReturn.State.SUBMITTED:
        raise ValidationError(
            _(
                "The return %(name)s is submitted and awaits the federation's check; it can be changed "
                "only after the federation returns it to draft."
            )
            % {"name": statistical_return},
            code="submitted",
        )


def _save_return(statistical_return: StatisticalReturn, fields, *, by: User) -> StatisticalReturn:
    statistical_return.version += 1
    statistical_return.full_clean()
    with acting_as(by):
        statistical_return.save(update_fields=[*fields, "version", "updated_at"])
    return statistical_return


@transaction.atomic
def statistical_return_save(
    *,
    by: User,
    year: int,
    center: TerritorialCenter | None = None,
    branch_union: BranchUnion | None = None,
    expected_version: int | None = None,
    **figures: int,
) -> StatisticalReturn:
    """Create or change the draft return of a center (or a branch union) for a year; the figures given
    are checked against each other, each refusal on its field."""
    unknown = set(figures) - set(RETURN_FIGURES)
    if unknown:
        raise ValueError(f"Not figures of a return: {', '.join(sorted(unknown))}")
    center, branch_union = _statistical_scope(by, center, branch_union)
    statistics_rules.ensure_can_enter(by, center_id=center.pk if center else None)
    _ensure_statistics_year(year)
    statistical_return = (
        StatisticalReturn.objects.select_for_update()
        .filter(center=center, branch_union=branch_union, year=year)
        .order_by("pk")  # the default ordering joins the scopes, which FOR UPDATE refuses
        .first()
    )
    if statistical_return is not None:
        if expected_version is not None and statistical_return.version != expected_version:
            raise VersionConflict(statistical_return.version)
        _ensure_draft(statistical_return)
    else:
        statistical_return = StatisticalReturn(center=center, branch_union=branch_union, year=year)
    for figure, value in figures.items():
        setattr(statistical_return, figure, value)
    statistical_return.full_clean()
    statistics_rules.check_figures(statistical_return)
    if statistical_return.pk:
        return _save_return(statistical_return, figures, by=by)
    try:
        with transaction.atomic(), acting_as(by):
            statistical_return.save()
    except IntegrityError as error:  # a concurrent first save of the same scope and year won
        raise ValidationError(
            {"year": _("This return has just been created by someone else: open it again.")}
        ) from error
    return statistical_return


@transaction.atomic
def statistical_return_create(
    *,
    by: User,
    year: int,
    center: TerritorialCenter | None = None,
    branch_union: BranchUnion | None = None,
    **figures: int,
) -> StatisticalReturn:
    """Start the return of a center (or a branch union) for a year; a second one for the same scope and
    year is refused, so that a "new" form or a POST never overwrites a draft someone else is entering."""
    center, branch_union = _statistical_scope(by, center, branch_union)
    statistics_rules.ensure_can_enter(by, center_id=center.pk if center else None)
    # _statistical_scope leaves exactly one of the two.
    scope = center if center is not None else cast(BranchUnion, branch_union)
    # The scope's row is the lock: a concurrent start of the same return waits here, then sees this one.
    type(scope).objects.select_for_update().filter(pk=scope.pk).first()
    if StatisticalReturn.objects.filter(center=center, branch_union=branch_union, year=year).exists():
        raise ValidationError(
            {
                "year": _("%(scope)s already has a return for %(year)s: open it and change it there.")
                % {"scope": scope, "year": year}
            }
        )
    return statistical_return_save(by=by, year=year, center=center, branch_union=branch_union, **figures)


@transaction.atomic
def statistical_return_submit(
    *, statistical_return: StatisticalReturn, by: User, expected_version: int | None = None
) -> StatisticalReturn:
    """Send the draft to the federation: complete and consistent figures only."""
    statistics_rules.ensure_can_enter(by, center_id=statistical_return.center_id)
    statistical_return = locked(statistical_return, expected_version)
    _ensure_draft(statistical_return)
    statistics_rules.check_figures(statistical_return, complete=True)
    statistical_return.state = StatisticalReturn.State.SUBMITTED
    statistical_return.submitted_at, statistical_return.submitted_by = timezone.now(), by
    return _save_return(statistical_return, ["state", "submitted_at", "submitted_by"], by=by)


def _ensure_submitted(statistical_return: StatisticalReturn) -> None:
    if statistical_return.state == StatisticalReturn.State.APPROVED:
        _ensure_draft(statistical_return)  # the "locked" message
    if statistical_return.state == StatisticalReturn.State.DRAFT:
        raise ValidationError(
            _("The return %(name)s is a draft: the center has not submitted it yet.")
            % {"name": statistical_return},
            code="draft",
        )


@transaction.atomic
def statistical_return_approve(
    *, statistical_return: StatisticalReturn, by: User, expected_version: int | None = None
) -> StatisticalReturn:
    """Approve a submitted return (federation analysts and administrators); it is locked from then on."""
    statistics_rules.ensure_can_review(by)
    statistical_return = locked(statistical_return, expected_version)
    _ensure_submitted(statistical_return)
    statistics_rules.check_figures(statistical_return, complete=True)
    statistical_return.state = StatisticalReturn.State.APPROVED
    statistical_return.approved_at, statistical_return.approved_by = timezone.now(), by
    return _save_return(statistical_return, ["state", "approved_at", "approved_by"], by=by)


@transaction.atomic
def statistical_return_return_to_draft(
    *, statistical_return: StatisticalReturn, by: User, reason: str, expected_version: int | None = None
) -> StatisticalReturn:
    """Send a submitted return back to the center for corrections, saying why (federation only)."""
    statistics_rules.ensure_can_review(by)
    statistical_return = locked(statistical_return, expected_version)
    _ensure_submitted(statistical_return)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the center should correct.")})
    statistical_return.state = StatisticalReturn.State.DRAFT
    statistical_return.returned_at, statistical_return.returned_by = timezone.now(), by
    statistical_return.return_reason = reason.strip()
    return _save_return(statistical_return, ["state", "returned_at", "returned_by", "return_reason"], by=by)


# The federation's annual statistical report: requested (row first, then the task after commit) and
# built by a Celery task, as the outcome reports are (reports.services).

# The first key of the builds' PostgreSQL advisory locks ("STAT"); the second is the report id.
STATISTICS_LOCK_NAMESPACE = 0x53544154
REPORTS_QUEUE = "reports"


def send_statistical_report_build(report_id: int, task_id: str) -> str | None:
    from ..tasks import build_statistical_report  # the tasks module imports this one

    # The reports queue, with the outcome reports' builds, so that a burst of them never delays the
    # reminders (CELERY_TASK_ROUTES routes only reports.tasks.* there).
    return snapshots.send_build(
        StatisticalReport, build_statistical_report, report_id, task_id, queue=REPORTS_QUEUE
    )


@transaction.atomic
def statistical_report_request(*, year: int, by: User | None) -> StatisticalReport:
    """Create the federation's annual report for a year, or queue it again for a rebuild from the returns."""
    if by is not None:  # None: a schedule or a command
        statistics_rules.ensure_can_request_statistics_report(by)
    _ensure_statistics_year(year)
    # get_or_create survives a concurrent first request: the loser's insert fails on the unique year.
    report, _created = StatisticalReport.objects.get_or_create(year=year, defaults={"requested_by": by})
    report = StatisticalReport.objects.select_for_update().get(pk=report.pk)
    return snapshots.queue(report, by=by, send=send_statistical_report_build)


def statistical_report_build(*, report_id: int) -> StatisticalReport | None:
    """Compute the year's figures from the returns and store them as the snapshot, in one transaction."""
    return snapshots.build(
        StatisticalReport,
        report_id,
        lock_namespace=STATISTICS_LOCK_NAMESPACE,
        compute=lambda report, as_of: report_figures(year=report.year, as_of=as_of),
    )
