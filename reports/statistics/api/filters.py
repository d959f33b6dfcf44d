"""Filters of the organization statistics' lists; they narrow what visible_to already scoped."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from organizations.api.filters import YearFilter, center_filter
from organizations.models import BranchUnion

from ..models import StatisticalReport, StatisticalReturn, StatisticalReturnQuerySet


class StatisticalReturnFilter(filters.FilterSet):
    year = YearFilter()
    center = center_filter()
    branch_union = filters.ModelChoiceFilter(queryset=BranchUnion.objects.all(), label=_("branch union"))
    state = filters.ChoiceFilter(choices=StatisticalReturn.State.choices, label=_("state"))
    scope = filters.ChoiceFilter(
        choices=(("center", _("territorial centers")), ("branch_union", _("branch unions"))),
        method="of_scope",
        label=_("kind of scope"),
    )

    class Meta:
        model = StatisticalReturn
        fields: list[str] = []

    def of_scope(
        self, queryset: StatisticalReturnQuerySet, name: str, value: str
    ) -> StatisticalReturnQuerySet:
        return queryset.of_centers() if value == "center" else queryset.of_branch_unions()


class StatisticalReportFilter(filters.FilterSet):
    year = YearFilter()
    state = filters.ChoiceFilter(choices=StatisticalReport.State.choices, label=_("state"))

    class Meta:
        model = StatisticalReport
        fields: list[str] = []
