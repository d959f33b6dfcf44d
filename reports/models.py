"""Outcome reports: one stored snapshot of figures per scope (a center or the federation) and period."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.snapshots import Snapshot
from organizations.models import TerritorialCenter

from .periods import Period, PeriodKind
from .querysets import ReportQuerySet


class Report(Snapshot):
    """The figures of one scope and period, rebuilt on request and replaced as a whole."""

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


from .statistics.models import StatisticalReport, StatisticalReturn  # noqa: E402, F401  (models of this app)
