"""Filters of the organization lists; they narrow what visible_to already scoped."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from organizations.models import (
    BranchUnion,
    Employer,
    PrimaryOrganization,
    RepresentativeOffice,
    TerritorialCenter,
)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A record id (an integer, not the decimal NumberFilter takes)."""

    field_class = forms.IntegerField


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(filters.NumberFilter):
    """A year: an integer within the column's range (the statistics' years are smallints)."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(field_name="year", min_value=0, max_value=2**15 - 1, label=_("year"), **kwargs)


def center_filter() -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(queryset=TerritorialCenter.objects.all(), label=_("territorial center"))


class RepresentativeOfficeFilter(filters.FilterSet):
    center = center_filter()

    class Meta:
        model = RepresentativeOffice
        fields: list[str] = []


class EmployerFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label=_("name or BIN"), max_length=100)
    center = center_filter()
    size = filters.ChoiceFilter(choices=Employer.Size.choices)

    class Meta:
        model = Employer
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(bin=value)) if value else queryset


class PrimaryOrganizationFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"), max_length=100)
    center = center_filter()
    branch_union = filters.ModelChoiceFilter(queryset=BranchUnion.objects.all(), label=_("branch union"))
    employer = IdFilter(field_name="employer", label=_("employer"))
    has_collective_agreement = filters.BooleanFilter()

    class Meta:
        model = PrimaryOrganization
        fields: list[str] = []
