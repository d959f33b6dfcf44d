"""Serializers of the reports API: a report without its figures (lists), with them (detail), and the
shape of a build request, which reports.services.report_request checks against the rules."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.models import TerritorialCenter
from reports.models import Report
from reports.periods import PeriodKind


class ReportSerializer(serializers.ModelSerializer):
    """A report's scope, period and build state; the figures only in the detail."""

    scope_name = serializers.CharField(read_only=True)
    period_end = serializers.DateField(read_only=True)
    period_name = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "center",
            "scope_name",
            "period_kind",
            "period_start",
            "period_end",
            "period_name",
            "state",
            "error",
            "requested_at",
            "data_as_of",
            "built_at",
            "attempts",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "error": {
                "help_text": _(
                    "Why the last build failed; on a queued report, the note that its build waits for "
                    "the task queue (unavailable when it was requested) and is sent when it is back."
                )
            }
        }

    def get_period_name(self, report: Report) -> str:
        return str(report.period)


class ReportDetailSerializer(ReportSerializer):
    figures = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "figures"]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": True,
            "description": "The stored figures (totals, breakdowns, trend...); empty until built.",
        }
    )
    def get_figures(self, report: Report) -> dict:
        return report.figures or {}


class ReportRequestSerializer(serializers.Serializer):
    center = serializers.PrimaryKeyRelatedField(
        queryset=TerritorialCenter.objects.all(),
        allow_null=True,
        help_text=_("The territorial center; null for the federation roll-up (federation staff only)."),
    )
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices)
    period_start = serializers.DateField(
        help_text=_("The first day of the month, quarter or year."),
    )
