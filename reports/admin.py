from django.contrib import admin

from core.snapshot_admin import SnapshotAdminMixin
from organizations.admin import CenterScopedAdmin

from .exports import report_csv, report_html, report_xlsx
from .models import Report
from .services import report_rebuild


@admin.register(Report)
class ReportAdmin(SnapshotAdminMixin, CenterScopedAdmin):
    """Reports are requested and rebuilt through the service; their rows are read-only here."""

    list_display = (
        "__str__",
        "period_kind",
        "period_start",
        "state",
        "built_at",
        "data_as_of",
        "attempts",
        "requested_by",
    )
    list_filter = ("state", "period_kind", "center")
    list_select_related = ("center", "requested_by")
    date_hierarchy = "period_start"
    exports = {"csv": report_csv, "xlsx": report_xlsx, "html": report_html}
    fields = (
        "center",
        "period_kind",
        "period_start",
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

    def has_add_permission(self, request) -> bool:
        return False  # a report is requested (report_request), never typed in

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def rebuild_one(self, report: Report, by) -> None:
        report_rebuild(report=report, by=by)


from .statistics import admin as statistics_admin  # noqa: E402, F401  (registers the statistics admin)
