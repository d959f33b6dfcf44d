"""The reports API: list and read the reports this user may see, request a build or a rebuild (both
queued: 202), and download a built report as CSV, XLSX or printable HTML.

Every request starts from `Report.objects.visible_to(request.user)`, so another center's report is
a 404; who may request which report is reports.rules', checked by reports.services."""

from collections.abc import Callable
from typing import TYPE_CHECKING

import django_filters
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.common import Conflict
from core.api.schema import ErrorSerializer
from organizations.models import TerritorialCenter
from reports import exports, services
from reports.models import Report
from reports.periods import PeriodKind

from . import serializers as s


class ReportFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Report.State.choices)
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices)
    center = django_filters.ModelChoiceFilter(queryset=TerritorialCenter.objects.all())
    federation = django_filters.BooleanFilter(
        field_name="center", lookup_expr="isnull", label=_("Only the federation roll-ups (true) or not.")
    )
    period_start = django_filters.DateFilter()

    class Meta:
        model = Report
        fields = ["state", "period_kind", "center", "federation", "period_start"]


class NotBuilt(Conflict):
    default_detail = _("The report is not built yet (queued, running or failed): build it, then download it.")
    default_code = "not_built"


class _FileRenderer(renderers.BaseRenderer):
    """Lets a download be asked for by its own media type; errors still go out as JSON text."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return renderers.JSONRenderer().render(data, accepted_media_type, renderer_context)


class CsvRenderer(_FileRenderer):
    media_type, format = "text/csv", "csv"


class XlsxRenderer(_FileRenderer):
    media_type, format = exports.XLSX_TYPE, "xlsx"


class HtmlRenderer(_FileRenderer):
    media_type, format = "text/html", "html"


NOT_BUILT = OpenApiResponse(
    ErrorSerializer, description="The report is not built (yet): nothing to download."
)
# 202 rather than 503 when the task queue is down: the request is recorded and will be carried out
# without the client doing anything, which is what 202 says; a 503 would invite a retry that
# changes nothing.
QUEUED = OpenApiResponse(
    s.ReportSerializer,
    description=(
        "Accepted: the report is queued (`state` is `queued`) and built in the background; poll the "
        "report until `state` is `done` or `failed`. If the task queue is unavailable, the request is "
        "still recorded and the answer is the same 202: `state` is `queued` and `error` holds a note "
        "saying the build waits for the queue. It is sent automatically as soon as the queue is back; "
        "there is no need to request it again."
    ),
)


def _export_schema(summary: str, media_type: str) -> dict:
    return {
        "summary": summary,
        "responses": {(200, media_type): OpenApiTypes.BINARY, 409: NOT_BUILT},
    }


if TYPE_CHECKING:
    _ViewSet = viewsets.GenericViewSet  # what DownloadsMixin is mixed into
else:
    _ViewSet = object


class DownloadsMixin(_ViewSet):
    """The downloads of a built snapshot (an outcome report, the annual statistical report): the view
    set's `downloads` map csv, xlsx and html to the export functions; 409 until the build is done."""

    downloads: dict[str, Callable] = {}

    def _download(self, file_format: str) -> HttpResponse:
        report = self.get_object()
        if report.state != report.State.DONE or not report.figures:
            raise NotBuilt()
        file = self.downloads[file_format](report)
        response = HttpResponse(file.content, content_type=file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(**_export_schema("Download as CSV", "text/csv"))
    @action(
        detail=True,
        methods=["get"],
        url_path="export/csv",
        renderer_classes=[renderers.JSONRenderer, CsvRenderer],
        filterset_class=None,
    )
    def export_csv(self, request, pk=None):
        """Every figure as one row: section, code, name, figure, value, figure code. In the language of
        Accept-Language, as that language's Excel reads it: ";" between fields and a decimal comma in
        Russian and Kazakh, "," and a decimal point in English; UTF-8 with a byte-order mark."""
        return self._download("csv")

    @extend_schema(**_export_schema("Download as XLSX", exports.XLSX_TYPE))
    @action(
        detail=True,
        methods=["get"],
        url_path="export/xlsx",
        renderer_classes=[renderers.JSONRenderer, XlsxRenderer],
        filterset_class=None,
    )
    def export_xlsx(self, request, pk=None):
        """A workbook of the figures, a sheet per table, with charts."""
        return self._download("xlsx")

    @extend_schema(**_export_schema("Download as printable HTML", "text/html"))
    @action(
        detail=True,
        methods=["get"],
        url_path="export/html",
        renderer_classes=[renderers.JSONRenderer, HtmlRenderer],
        filterset_class=None,
    )
    def export_html(self, request, pk=None):
        """A standalone page with inline CSS and SVG charts, ready to print."""
        return self._download("html")


@extend_schema_view(
    list=extend_schema(summary="List reports"),
    retrieve=extend_schema(summary="Read a report with its figures"),
)
class ReportViewSet(
    DownloadsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Outcome reports of a center or of the federation, per month, quarter or year."""

    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ReportFilter
    downloads = {"csv": exports.report_csv, "xlsx": exports.report_xlsx, "html": exports.report_html}

    def get_queryset(self):
        return Report.objects.visible_to(self.request.user).select_related("center")

    def get_serializer_class(self):
        return s.ReportDetailSerializer if self.action == "retrieve" else s.ReportSerializer

    @extend_schema(
        summary="Request a report",
        request=s.ReportRequestSerializer,
        responses={202: QUEUED},
    )
    def create(self, request):
        """Create the report of a scope and period (or queue it again); it is built in the background."""
        data = s.ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_request(**data.validated_data, by=request.user)
        return Response(s.ReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="Rebuild a report", request=None, responses={202: QUEUED})
    @action(detail=True, methods=["post"], filterset_class=None)
    def rebuild(self, request, pk=None):
        """Build the report again from the current data; the old figures stay until the new ones are in."""
        report = services.report_rebuild(report=self.get_object(), by=request.user)
        return Response(s.ReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)
