"""Serializers of the organization statistics: output serializers show a record, input serializers
check the shape of a request for a service, which applies the rules."""

from typing import cast

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.api.serializers import INT_MAX, TEXT_MAX, YEAR_MAX
from organizations.models import BranchUnion, TerritorialCenter

from ..models import RETURN_FIGURES, StatisticalReport, StatisticalReturn


class StatisticalReturnStateField(serializers.ChoiceField):
    """A return's state (draft, submitted, approved), documented as StatisticalReturnStateEnum: other
    components' `state` is a report's build state, and one enum name cannot serve both."""

    def __init__(self, **kwargs):
        super().__init__(choices=StatisticalReturn.State.choices, **kwargs)


class StatisticalReturnStateFieldExtension(OpenApiSerializerFieldExtension):
    target_class = StatisticalReturnStateField

    def map_serializer_field(self, auto_schema, direction):
        schema = build_choice_field(self.target)
        schema.pop("x-spec-enum-id", None)  # a named component of its own: not merged by field name
        component = ResolvedComponent(
            name="StatisticalReturnStateEnum",
            type=ResolvedComponent.SCHEMA,
            object="StatisticalReturnStateEnum",
            schema=schema,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def _share(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=7, decimal_places=1, read_only=True, allow_null=True, help_text=help_text
    )


class StatisticalReturnSerializer(serializers.ModelSerializer):
    """A return with its figures and the shares derived from them (never typed)."""

    scope_name = serializers.CharField(read_only=True)
    state = StatisticalReturnStateField(read_only=True)
    is_locked = serializers.BooleanField(read_only=True, help_text="Approved: nobody may change it any more.")
    total_enterprises = serializers.IntegerField(read_only=True, help_text="Large, medium and small.")
    member_share = _share("Union members, % of the employed; null without the employed.")
    agreement_coverage = _share("Collective agreements in force, % of the enterprises.")
    covered_member_share = _share("Union members among the employees covered by agreements, %.")

    class Meta:
        model = StatisticalReturn
        fields = [
            "id",
            "center",
            "branch_union",
            "scope_name",
            "year",
            "state",
            "is_locked",
            *RETURN_FIGURES,
            "total_enterprises",
            "member_share",
            "agreement_coverage",
            "covered_member_share",
            "submitted_at",
            "submitted_by",
            "approved_at",
            "approved_by",
            "returned_at",
            "returned_by",
            "return_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _figure(name: str) -> serializers.IntegerField:
    """A counted figure: left out, it keeps its value (a new return: 0)."""
    field = cast(models.Field, StatisticalReturn._meta.get_field(name))  # a column, not a relation
    return serializers.IntegerField(
        min_value=0, max_value=INT_MAX, required=False, help_text=field.help_text or field.verbose_name
    )


class StatisticalReturnFiguresSerializer(serializers.Serializer):
    """The counted figures of a return; the checks between them are reports.statistics.rules'."""

    members = _figure("members")
    employed = _figure("employed")
    primary_organizations = _figure("primary_organizations")
    new_primary_organizations = _figure("new_primary_organizations")
    new_organization_members = _figure("new_organization_members")
    large_enterprises = _figure("large_enterprises")
    medium_enterprises = _figure("medium_enterprises")
    small_enterprises = _figure("small_enterprises")
    collective_agreements = _figure("collective_agreements")
    agreements_concluded = _figure("agreements_concluded")
    employees_covered = _figure("employees_covered")
    members_covered = _figure("members_covered")
    labor_protection_councils = _figure("labor_protection_councils")
    technical_inspectors = _figure("technical_inspectors")
    workplace_accidents = _figure("workplace_accidents")
    vision_zero_enterprises = _figure("vision_zero_enterprises")


class StatisticalReturnCreateSerializer(StatisticalReturnFiguresSerializer):
    year = serializers.IntegerField(min_value=0, max_value=YEAR_MAX)
    center = serializers.PrimaryKeyRelatedField(
        queryset=TerritorialCenter.objects.all(),
        required=False,
        allow_null=True,
        help_text="The territorial center; a center's staff may leave it out (their own center).",
    )
    branch_union = serializers.PrimaryKeyRelatedField(
        queryset=BranchUnion.objects.all(),
        required=False,
        allow_null=True,
        help_text="The branch union, for its return (entered by the federation's administrators).",
    )


class StatisticalReturnReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=TEXT_MAX, help_text="What the center should correct; shown to the center."
    )


class StatisticalReportSerializer(serializers.ModelSerializer):
    """The federation's annual report of a year and its build state; the figures only in the detail."""

    provisional = serializers.SerializerMethodField()

    class Meta:
        model = StatisticalReport
        fields = [
            "id",
            "year",
            "state",
            "error",
            "provisional",
            "requested_at",
            "data_as_of",
            "built_at",
            "attempts",
        ]
        read_only_fields = fields

    def get_provisional(self, report: StatisticalReport) -> bool | None:
        """Some counted return is only submitted, or missing; null until built."""
        return report.figures.get("provisional") if report.figures else None


class StatisticalReportDetailSerializer(StatisticalReportSerializer):
    figures = serializers.SerializerMethodField()

    class Meta(StatisticalReportSerializer.Meta):
        fields = [*StatisticalReportSerializer.Meta.fields, "figures"]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": True,
            "description": (
                "The stored figures: the federation's, each with its source and the change against the "
                "year before, the sums of both kinds of returns, and a row per center and branch union; "
                "empty until built."
            ),
        }
    )
    def get_figures(self, report: StatisticalReport) -> dict:
        return report.figures or {}


class StatisticalReportRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=0, max_value=YEAR_MAX, help_text="The year to report on.")
