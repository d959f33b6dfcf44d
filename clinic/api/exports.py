"""`export/` on the lists of the API: the list as filtered (the same filter set and queryset), as a
streamed CSV or XLSX file (clinic.exports, core.exports)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from clinic.exports import (
    EXPORTS,
    FORMAT_PARAMETER,
    export_filters,
    export_later,
    export_rows,
    filename,
    header,
    too_large,
)
from core.exports import FORMATS, export_response


def export_format(query) -> str:
    """The file format a query string asks for ("csv" unless it says "xlsx"); another is a 400."""
    file_format = query.get(FORMAT_PARAMETER, "csv")
    if file_format not in FORMATS:
        raise ValidationError({FORMAT_PARAMETER: [_("Choose CSV or XLSX.")]})
    return file_format


class ExportMixin:
    """Adds `export/` to a list view set; `export_name` names its columns in clinic.exports.EXPORTS."""

    export_name: str

    @extend_schema(
        summary="Export the list as CSV or XLSX",
        parameters=[OpenApiParameter(FORMAT_PARAMETER, enum=list(FORMATS), default="csv")],
        responses={
            (202, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        file_format = export_format(request.query_params)
        queryset = self.filter_queryset(self.get_queryset())
        export = EXPORTS[self.export_name]
        filters = export_filters(request.query_params)
        if too_large(queryset):
            job = export_later(
                user=request.user, name=self.export_name, filters=filters, file_format=file_format
            )
            # `url`: the job's state in the API (clinic.api.views.ExportJobViewSet); `page_url`: its web page.
            url = request.build_absolute_uri(reverse("clinic-api:export-detail", args=[job.pk]))
            page_url = request.build_absolute_uri(reverse("clinic:export_job", args=[job.pk]))
            return Response(
                {"id": job.pk, "status": job.status, "url": url, "page_url": page_url}, status=202
            )
        rows = export_rows(export, queryset, user=request.user, filters=filters, file_format=file_format)
        return export_response(file_format, filename(export), header(export), rows)
