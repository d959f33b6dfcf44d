"""The forms of the organization statistics' pages."""

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.forms import ActionForm, VersionedActionForm, add_refusal
from organizations.models import BranchUnion, TerritorialCenter, User

from . import services
from .models import (
    AGREEMENT_FIGURES,
    ENTERPRISE_FIGURES,
    MEMBERSHIP_FIGURES,
    RETURN_FIGURES,
    SAFETY_FIGURES,
    StatisticalReturn,
)

FIGURE_GROUPS = (
    (_("Membership"), MEMBERSHIP_FIGURES),
    (_("Enterprises"), ENTERPRISE_FIGURES),
    (_("Collective agreements"), AGREEMENT_FIGURES),
    (_("Labor protection"), SAFETY_FIGURES),
)


def _figure_fields(*, required: bool = True) -> dict[str, forms.Field]:
    """The counted figures as the model defines them (labels, help, 0 to the column's maximum)."""
    fields = forms.fields_for_model(StatisticalReturn, fields=RETURN_FIGURES)
    for field in fields.values():
        field.required = required
        field.widget.attrs.update({"inputmode": "numeric", "min": 0})
    return fields


class FiguresMixin:
    """Adds the figure fields; `groups` lists them in the order and sections of the form."""

    # Mixed into forms.Form, which provides these.
    fields: dict[str, forms.Field]

    if TYPE_CHECKING:

        def __getitem__(self, name: str) -> forms.BoundField: ...

    def add_figures(self) -> None:
        self.fields.update(_figure_fields())

    def groups(self) -> list[tuple[str | Promise, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in FIGURE_GROUPS]

    def preview(self) -> StatisticalReturn:
        """An unsaved return with the figures given (the invalid ones as 0): its properties derive the
        shares shown next to the form, so they are never typed."""
        values = {}
        for name in RETURN_FIGURES:
            try:  # the value typed, even where the service refused it: the share shows why
                values[name] = self.fields[name].clean(self[name].value()) or 0
            except ValidationError:
                values[name] = 0
        return StatisticalReturn(**values)


class StatisticalReturnCreateForm(FiguresMixin, ActionForm):
    """Start a return: a center's staff for their own center and a year; the federation's
    administrators also choose the center or the branch union."""

    year = forms.IntegerField(label=_("Year"), min_value=0, max_value=2**15 - 1)
    center = forms.ModelChoiceField(
        TerritorialCenter.objects.all(), label=_("Territorial center"), required=False
    )
    branch_union = forms.ModelChoiceField(BranchUnion.objects.all(), label=_("Branch union"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year - 1)
        super().__init__(*args, target=None, **kwargs)
        if not user.sees_all_centers:
            del self.fields["center"], self.fields["branch_union"]
        self.add_figures()

    # The service's own arguments by name, where ActionForm.apply takes them as **data.
    def apply(  # type: ignore[override]
        self, *, target, by: User, year: int, center=None, branch_union=None, **figures
    ):
        return services.statistical_return_create(
            by=by, year=year, center=center, branch_union=branch_union, **figures
        )


class StatisticalReturnFiguresForm(FiguresMixin, ActionForm):
    """Change a draft's figures, against the version the page showed (nobody's change is overwritten)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_figures()
        if not self.is_bound:
            self.initial = {name: getattr(self.target, name) for name in RETURN_FIGURES}
            self.initial["version"] = self.target.version

    # The service's own arguments by name, where ActionForm.apply takes them as **data.
    def apply(self, *, target: StatisticalReturn, by: User, version: int, **figures):  # type: ignore[override]
        return services.statistical_return_save(
            by=by,
            year=target.year,
            center=target.center,
            branch_union=target.branch_union,
            expected_version=version,
            **figures,
        )


class DerivedFiguresForm(FiguresMixin, forms.Form):
    """The figures typed so far, for the preview of the derived shares (nothing is saved)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_figure_fields(required=False))


class StatisticalReturnSubmitForm(VersionedActionForm):
    def apply(self, *, target, by, expected_version):
        return services.statistical_return_submit(
            statistical_return=target, by=by, expected_version=expected_version
        )


class StatisticalReturnApproveForm(VersionedActionForm):
    def apply(self, *, target, by, expected_version):
        return services.statistical_return_approve(
            statistical_return=target, by=by, expected_version=expected_version
        )


class StatisticalReturnToDraftForm(VersionedActionForm):
    reason = forms.CharField(
        label=_("What should the center correct?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
    )

    def apply(self, *, target, by, expected_version, reason):
        return services.statistical_return_return_to_draft(
            statistical_return=target, by=by, expected_version=expected_version, reason=reason
        )


class StatisticalReportBuildForm(forms.Form):
    """Request the federation's annual report of a year (built in the background)."""

    year = forms.IntegerField(label=_("Year"), min_value=0, max_value=2**15 - 1)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year - 1)
        super().__init__(*args, **kwargs)

    def perform(self, *, by: User):
        """Request the report; None with the refusal on the form."""
        if not self.is_valid():
            return None
        try:
            return services.statistical_report_request(year=self.cleaned_data["year"], by=by)
        except (ValidationError, PermissionDenied) as error:
            add_refusal(self, error)
        return None
