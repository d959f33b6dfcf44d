"""The admin of a stored snapshot (an outcome report, the annual statistical report): its figures as
JSON, its downloads, and a rebuild action. Kept apart from reports.admin, which organizations.admin
cannot import (reports.admin builds on organizations.admin)."""

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

DOWNLOAD_LABELS = (("csv", "CSV"), ("xlsx", "XLSX"), ("html", _("Printable page")))


if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin  # what SnapshotAdminMixin is mixed into
else:
    _ModelAdmin = object


class SnapshotAdminMixin(_ModelAdmin):
    """For a ModelAdmin of a Snapshot: `exports` maps csv, xlsx and html to the export functions, and
    `rebuild_one(report, by)` requests a new build through the model's service."""

    exports: dict[str, Callable] = {}
    actions = ["rebuild"]

    def rebuild_one(self, report, by) -> None:
        raise NotImplementedError

    def _export_url_name(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_export"

    @admin.display(description=_("figures"))
    def figures_json(self, report) -> str:
        return format_html(
            '<pre style="max-height:40em;overflow:auto">{}</pre>',
            json.dumps(report.figures, indent=2, ensure_ascii=False),
        )

    @admin.display(description=_("download"))
    def downloads(self, report) -> str:
        if report.state != report.State.DONE:
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse(f"admin:{self._export_url_name()}", args=[report.pk, kind]), label)
                for kind, label in DOWNLOAD_LABELS
            ),
        )

    @admin.action(description=_("Rebuild the selected reports"))
    def rebuild(self, request, queryset) -> None:
        rebuilt = 0
        for report in queryset:
            try:
                self.rebuild_one(report, request.user)
            except (PermissionDenied, ValidationError) as error:
                text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{report}: {text}", messages.ERROR)
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
            path("<int:report_id>/export/<str:kind>/", export, name=self._export_url_name()),
            *super().get_urls(),
        ]

    def export_view(self, request, report_id: int, kind: str) -> HttpResponse:
        """Download a built report; anyone who may not read it (another center's) gets a 404."""
        report = self.get_queryset(request).filter(pk=report_id).first()
        if report is None or kind not in self.exports or not self.has_view_permission(request, report):
            raise Http404
        try:
            exported = self.exports[kind](report)
        except ValueError as error:
            raise Http404 from error
        response = HttpResponse(exported.content, content_type=exported.content_type)
        disposition = "inline" if kind == "html" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{exported.filename}"'
        return response
