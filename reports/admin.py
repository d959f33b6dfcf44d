import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organizations.admin import CenterScopedAdmin

from .exports import report_csv, report_html, report_xlsx
from .models import Report
from .services import report_rebuild

EXPORTS = {"csv": report_csv, "xlsx": report_xlsx, "html": report_html}


@admin.register(Report)
class ReportAdmin(CenterScopedAdmin):
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
    actions = ["rebuild"]
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

    @admin.display(description=_("figures"))
    def figures_json(self, report: Report) -> str:
        return format_html(
            '<pre style="max-height:40em;overflow:auto">{}</pre>',
            json.dumps(report.figures, indent=2, ensure_ascii=False),
        )

    @admin.display(description=_("download"))
    def downloads(self, report: Report) -> str:
        if report.state != Report.State.DONE:
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:reports_report_export", args=[report.pk, kind]), label)
                for kind, label in (("csv", "CSV"), ("xlsx", "XLSX"), ("html", _("Printable page")))
            ),
        )

    @admin.action(description=_("Rebuild the selected reports"))
    def rebuild(self, request, queryset) -> None:
        rebuilt = 0
        for report in queryset.select_related("center"):
            try:
                report_rebuild(report=report, by=request.user)
            except PermissionDenied as error:
                self.message_user(request, f"{report}: {error}", messages.ERROR)
            except ValidationError as error:
                self.message_user(request, f"{report}: {' '.join(error.messages)}", messages.ERROR)
            else:
                rebuilt += 1
        if rebuilt:
            self.message_user(
                request,
                ngettext("%d report queued for rebuilding.", "%d reports queued for rebuilding.", rebuilt)
                % rebuilt,
                messages.SUCCESS,
            )

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("<int:report_id>/export/<str:kind>/", export, name="reports_report_export"),
            *super().get_urls(),
        ]

    def export_view(self, request, report_id: int, kind: str) -> HttpResponse:
        """Download a built report; another center's report is a 404, as if it did not exist."""
        report = self.get_queryset(request).select_related("center").filter(pk=report_id).first()
        if report is None or kind not in EXPORTS or not self.has_view_permission(request, report):
            raise Http404
        try:
            exported = EXPORTS[kind](report)
        except ValueError as error:
            raise Http404 from error
        response = HttpResponse(exported.content, content_type=exported.content_type)
        disposition = "inline" if kind == "html" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{exported.filename}"'
        return response
