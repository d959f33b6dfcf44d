"""The organization statistics in the admin: the returns are entered, submitted, approved and returned
through reports.statistics.services, so the admin obeys the same rules and writes the same audit trail."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.actions import allowed
from core.admin import AuditTrailAdmin, ServiceBackedAdmin
from core.forms import add_refusal
from core.snapshot_admin import SnapshotAdminMixin
from organizations.admin import CenterScopedAdmin

from . import rules as statistics_rules
from . import services
from .actions import RETURN_ACTIONS
from .exports import statistical_report_csv, statistical_report_html, statistical_report_xlsx
from .models import RETURN_FIGURES, StatisticalReport, StatisticalReturn


@admin.register(StatisticalReturn)
class StatisticalReturnAdmin(AuditTrailAdmin, ServiceBackedAdmin, CenterScopedAdmin):
    """Drafts are edited through statistical_return_save; submitted and approved returns are read-only;
    the actions are those of the return's page (reports.statistics.actions)."""

    list_display = (
        "__str__",
        "year",
        "state",
        "members",
        "member_share",
        "collective_agreements",
        "agreement_coverage",
        "submitted_at",
        "approved_at",
    )
    list_filter = ("year", "state", "center", "branch_union")
    list_select_related = ("center", "branch_union")
    actions = ["submit_selected", "approve_selected"]
    derived_fields = ("member_share", "total_enterprises", "agreement_coverage", "covered_member_share")
    workflow_fields = (
        "state",
        "submitted_at",
        "submitted_by",
        "approved_at",
        "approved_by",
        "returned_at",
        "returned_by",
        "return_reason",
    )
    record_actions = RETURN_ACTIONS

    def get_fieldsets(self, request, obj=None):
        scope = ("center", "branch_union", "year") if request.user.sees_all_centers else ("year",)
        return (
            (None, {"fields": scope}),
            (_("Membership"), {"fields": RETURN_FIGURES[:5]}),
            (_("Enterprises"), {"fields": RETURN_FIGURES[5:8]}),
            (_("Collective agreements"), {"fields": RETURN_FIGURES[8:12]}),
            (_("Labor protection"), {"fields": RETURN_FIGURES[12:]}),
            (_("Derived"), {"fields": self.derived_fields}),
            (_("Check and approval"), {"fields": self.workflow_fields}),
        )

    def get_readonly_fields(self, request, obj=None):
        fixed = (*self.derived_fields, *self.workflow_fields)
        return ("center", "branch_union", "year", *fixed) if obj else fixed

    # xgettext:no-python-format
    @admin.display(description=_("union members, % of the employed"))
    def member_share(self, obj):
        return obj.member_share

    @admin.display(description=_("enterprises"))
    def total_enterprises(self, obj):
        return obj.total_enterprises

    # xgettext:no-python-format
    @admin.display(description=_("coverage, % of enterprises"))
    def agreement_coverage(self, obj):
        return obj.agreement_coverage

    @admin.display(description=_("union members among the covered, %"))
    def covered_member_share(self, obj):
        return obj.covered_member_share

    def has_change_permission(self, request, obj=None) -> bool:
        # Submitted returns wait for the federation and approved ones are locked: nobody edits them here.
        if obj is not None and obj.state != StatisticalReturn.State.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a return is corrected or returned to draft, never deleted: the audit trail stays whole

    def has_approve_permission(self, request) -> bool:
        return allowed(statistics_rules.ensure_can_review, request.user)

    def perform(self, request, obj, data: dict):
        scope = obj or StatisticalReturn(
            center=data.get("center"),
            branch_union=data.get("branch_union"),
            year=data.get("year"),  # type: ignore[misc]  # an unsaved scope for the rules, never saved
        )
        return services.statistical_return_save(
            by=request.user,
            year=scope.year,
            center=scope.center,
            branch_union=scope.branch_union,
            **{figure: data[figure] for figure in RETURN_FIGURES if figure in data},
        )

    def _run_on_selected(self, request, queryset, service) -> int:
        """Run the service on each selected return; report each refusal; return how many succeeded."""
        done = 0
        for statistical_return in queryset.select_related("center", "branch_union"):
            try:
                service(statistical_return=statistical_return, by=request.user)
            except PermissionDenied as error:
                self.message_user(request, f"{statistical_return}: {error}", messages.ERROR)
            except ValidationError as error:
                self.message_user(
                    request, f"{statistical_return}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                done += 1
        return done

    @admin.action(description=_("Submit the selected returns to the federation"), permissions=["change"])
    def submit_selected(self, request, queryset) -> None:
        done = self._run_on_selected(request, queryset, services.statistical_return_submit)
        if done:
            message = ngettext("%d return submitted.", "%d returns submitted.", done) % done
            self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Approve the selected returns"), permissions=["approve"])
    def approve_selected(self, request, queryset) -> None:
        done = self._run_on_selected(request, queryset, services.statistical_return_approve)
        if done:
            message = ngettext("%d return approved.", "%d returns approved.", done) % done
            self.message_user(request, message, messages.SUCCESS)


class StatisticalReportRequestForm(forms.ModelForm):
    class Meta:
        model = StatisticalReport
        fields = ["year"]


STATISTICS_EXPORTS = {
    "csv": statistical_report_csv,
    "xlsx": statistical_report_xlsx,
    "html": statistical_report_html,
}


@admin.register(StatisticalReport)
class StatisticalReportAdmin(SnapshotAdminMixin, admin.ModelAdmin):
    """Requested (add: just the year) and rebuilt through the services; the snapshot itself is read-only."""

    list_display = ("__str__", "year", "state", "built_at", "data_as_of", "attempts", "requested_by")
    list_filter = ("state",)
    list_select_related = ("requested_by",)
    exports = STATISTICS_EXPORTS
    fields = (
        "year",
        "state",
        "error",
        "downloads",
        "requested_by",
        "requested_at",
        "data_as_of",
        "built_at",
        "task_id",
        "attempts",
        "figures_json",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request) -> bool:
        # "Adding" is requesting a build: what the rules allow federation staff who read the reports,
        # analysts included (their group holds view permissions only).
        return self.has_view_permission(request) and allowed(
            statistics_rules.ensure_can_request_statistics_report, request.user
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_fields(self, request, obj=None):
        return self.fields if obj else ("year",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(StatisticalReportRequestForm):
            def _post_clean(self):
                # The service creates the row (or finds it) and queues the build after commit.
                if self.errors:
                    return
                try:
                    self.instance = services.statistical_report_request(
                        year=self.cleaned_data["year"], by=request.user
                    )
                except (ValidationError, PermissionDenied) as error:
                    add_refusal(self, error)

        return RequestForm

    def save_model(self, request, obj, form, change):
        """Already requested by the service while the form was validated."""

    def rebuild_one(self, report: StatisticalReport, by) -> None:
        services.statistical_report_request(year=report.year, by=by)
