"""Outcome reports: one stored snapshot of figures per scope (a center or the federation) and period."""

from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import TerritorialCenter

from .periods import Period, PeriodKind
from .querysets import ReportQuerySet

# A queued or running build not finished after this long has been lost (the hard time limit is 15
# minutes, retries back off at most 10 minutes each): the schedule may queue it again.
STALE_AFTER = timedelta(hours=2)


class Report(models.Model):
    """The figures of one scope and period, rebuilt on request and replaced as a whole."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    PeriodKind = PeriodKind

    center = models.ForeignKey(
        TerritorialCenter,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("territorial center"),
        help_text=_("Empty: the federation (all centers)."),
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("error"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("Empty: requested by the schedule."),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    data_as_of = models.DateTimeField(
        _("data as of"), null=True, blank=True, help_text=_("The moment up to which the data counts.")
    )
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("build attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "period_kind", "center_id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        # NULL centers are distinct in a plain unique index, so the federation gets its own partial
        # one (portable to SQLite, unlike nulls_distinct=False).
        constraints = [
            models.UniqueConstraint(
                fields=["center", "period_kind", "period_start"],
                condition=Q(center__isnull=False),
                name="one_center_report_per_period",
            ),
            models.UniqueConstraint(
                fields=["period_kind", "period_start"],
                condition=Q(center__isnull=True),
                name="one_federation_report_per_period",
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(built_at__isnull=False, data_as_of__isnull=False),
                name="done_report_has_build_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.scope_name} — {self.period}"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start)

    @property
    def period_end(self):
        return self.period.end

    @property
    def is_federation(self) -> bool:
        return self.center_id is None

    @property
    def scope_name(self) -> str:
        return str(self.center) if self.center_id else str(_("Federation (all centers)"))

    @property
    def is_built(self) -> bool:
        """Done with data at least as recent as the latest request: a redelivered build has nothing to do."""
        return (
            self.state == self.State.DONE
            and self.data_as_of is not None
            and self.data_as_of >= self.requested_at
        )

    @property
    def is_waiting_for_queue(self) -> bool:
        """Recorded and queued, but its task not sent: the task queue was down (`error` holds the note)."""
        # A request clears the error and a failed build is no longer queued: a queued report with an
        # error is one whose task could not be sent (reports.snapshots.send_build); it is sent again
        # by reports.services.queued_reports_resend.
        return self.state == self.State.QUEUED and bool(self.error)

    @property
    def is_stale(self) -> bool:
        """Queued or running for so long that its task must have been lost."""
        return (
            self.state in (self.State.QUEUED, self.State.RUNNING)
            and self.requested_at < timezone.now() - STALE_AFTER
        )
