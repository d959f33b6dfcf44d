"""The organization tree, read-only for every role, and the organization statistics: the yearly
returns (entered, submitted, approved through organizations.services, with If-Match) and the
federation's annual report (requested, built in the background, downloaded). Every view starts from
visible_to, so another center's return is a 404."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings

from clinic.api.common import ConditionalMixin
from core.api.schema import ErrorSerializer
from core.middleware import lockout_response
from organizations import services
from organizations.models import (
    BranchUnion,
    Employer,
    PrimaryOrganization,
    RepresentativeOffice,
    StatisticalReport,
    StatisticalReturn,
    TerritorialCenter,
)
from organizations.statistics import rules as statistics_rules
from organizations.statistics.exports import (
    statistical_report_csv,
    statistical_report_html,
    statistical_report_xlsx,
)
from reports.api.views import DownloadsMixin

from . import serializers as s
from .filters import (
    EmployerFilter,
    PrimaryOrganizationFilter,
    RepresentativeOfficeFilter,
    StatisticalReportFilter,
    StatisticalReturnFilter,
)
from .serializers import TokenRequestSerializer, TokenSerializer


@extend_schema_view(
    list=extend_schema(summary="List territorial centers"), retrieve=extend_schema(summary="Read a center")
)
class TerritorialCenterViewSet(viewsets.ReadOnlyModelViewSet):
    """The 20 territorial centers: public knowledge, the same list for everyone."""

    queryset = TerritorialCenter.objects.all()
    serializer_class = s.TerritorialCenterSerializer
    pagination_class = None


@extend_schema_view(
    list=extend_schema(summary="List representative offices"),
    retrieve=extend_schema(summary="Read an office"),
)
class RepresentativeOfficeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.RepresentativeOfficeSerializer
    filterset_class = RepresentativeOfficeFilter

    def get_queryset(self):
        return RepresentativeOffice.objects.visible_to(self.request.user).order_by("center__iso_code", "code")


@extend_schema_view(
    list=extend_schema(summary="List branch unions"), retrieve=extend_schema(summary="Read a branch union")
)
class BranchUnionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = BranchUnion.objects.all()
    serializer_class = s.BranchUnionSerializer
    pagination_class = None


@extend_schema_view(
    list=extend_schema(summary="List employers"), retrieve=extend_schema(summary="Read an employer")
)
class EmployerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.EmployerSerializer
    filterset_class = EmployerFilter

    def get_queryset(self):
        return Employer.objects.visible_to(self.request.user).order_by("name", "pk")


@extend_schema_view(
    list=extend_schema(summary="List primary organizations"),
    retrieve=extend_schema(summary="Read a primary organization"),
)
class PrimaryOrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PrimaryOrganizationSerializer
    filterset_class = PrimaryOrganizationFilter

    def get_queryset(self):
        return PrimaryOrganization.objects.visible_to(self.request.user).order_by("name", "pk")


@extend_schema(
    summary="Obtain an API token",
    description=(
        "Send a username and password; use the token as `Authorization: Token <key>`. After 5 failed "
        "attempts for a username from one address, that username is locked there for 15 minutes (429)."
    ),
    request=TokenRequestSerializer,
    responses={
        200: TokenSerializer,
        429: OpenApiResponse(ErrorSerializer, description="Too many failed attempts: locked for a while."),
    },
)
class ObtainTokenView(ObtainAuthToken):
    """The token of an active staff member (created on first use)."""

    authentication_classes = []  # credentials come in the body; no session, so no CSRF
    permission_classes = [AllowAny]
    serializer_class = TokenRequestSerializer
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # DRF's view names its own JSON parser

    def post(self, request, *args, **kwargs):
        # DRF's serializer authenticates with request=request, so django-axes counts each failure; its
        # lockout flag lands on DRF's request, which AxesMiddleware does not see: answer it here.
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request._request)
            raise


# Organization statistics


@extend_schema_view(
    list=extend_schema(summary="List statistical returns"),
    retrieve=extend_schema(summary="Read a statistical return"),
)
class StatisticalReturnViewSet(ConditionalMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Yearly statistical returns of the territorial centers and branch unions: a center's managers
    see and enter their center's, the federation sees every one and approves them. Approved returns
    are locked. Who may do what is organizations.statistics.rules', checked by the services."""

    # Not StaffPermission: approving is the one change a (read-only) federation analyst makes.
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.StatisticalReturnSerializer
    filterset_class = StatisticalReturnFilter
    conditional_actions = frozenset({"partial_update", "submit", "approve", "return_to_draft"})

    def get_queryset(self):
        returns = StatisticalReturn.objects.visible_to(self.request.user)
        return returns.select_related("center", "branch_union")

    def _validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _change(self, rule, service, serializer_class=None, **kwargs) -> Response:
        """404 (not visible), then the role (403), If-Match (428/412), the body (400), the service."""
        statistical_return = self.get_object()
        rule(self.request.user, statistical_return)
        version = self.if_match(statistical_return)
        data = self._validated(serializer_class, **kwargs) if serializer_class else {}
        changed = service(
            statistical_return=statistical_return, by=self.request.user, expected_version=version, **data
        )
        return self.respond(self.get_queryset().get(pk=changed.pk))

    @extend_schema(
        summary="Start a statistical return",
        request=s.StatisticalReturnCreateSerializer,
        responses={201: s.StatisticalReturnSerializer},
    )
    def create(self, request):
        """A center's (or branch union's) return for a year, as a draft; figures left out are 0. A second
        return for the same scope and year is refused: change the existing one instead."""
        data = self._validated(s.StatisticalReturnCreateSerializer)
        statistical_return = services.statistical_return_create(by=request.user, **data)
        return self.respond(self.get_queryset().get(pk=statistical_return.pk), status.HTTP_201_CREATED)

    @extend_schema(summary="Change a draft return's figures", request=s.StatisticalReturnFiguresSerializer)
    def partial_update(self, request, pk=None):
        """Only a draft changes; the figures are checked against each other, each refusal on its field."""
        return self._change(_enter, _save, s.StatisticalReturnFiguresSerializer, partial=True)

    @extend_schema(summary="Submit a return to the federation", request=None)
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        """The center's manager sends the complete draft to the federation for its check."""
        return self._change(_enter, services.statistical_return_submit)

    @extend_schema(summary="Approve a submitted return", request=None)
    @action(detail=True, methods=["post"], filterset_class=None)
    def approve(self, request, pk=None):
        """Federation analysts and administrators; the return is locked from then on."""
        return self._change(_review, services.statistical_return_approve)

    @extend_schema(summary="Return a submitted return to draft", request=s.StatisticalReturnReasonSerializer)
    @action(detail=True, methods=["post"], url_path="return-to-draft", filterset_class=None)
    def return_to_draft(self, request, pk=None):
        """The federation sends the return back to the center for corrections, saying why."""
        return self._change(
            _review, services.statistical_return_return_to_draft, s.StatisticalReturnReasonSerializer
        )


def _enter(user, statistical_return: StatisticalReturn) -> None:
    statistics_rules.ensure_can_enter(user, center_id=statistical_return.center_id)


def _review(user, statistical_return: StatisticalReturn) -> None:
    statistics_rules.ensure_can_review(user)


def _save(*, statistical_return: StatisticalReturn, **kwargs) -> StatisticalReturn:
    # The scope and year name the draft that statistical_return_save changes.
    return services.statistical_return_save(
        year=statistical_return.year,
        center=statistical_return.center,
        branch_union=statistical_return.branch_union,
        **kwargs,
    )


@extend_schema_view(
    list=extend_schema(summary="List annual statistical reports"),
    retrieve=extend_schema(summary="Read an annual statistical report with its figures"),
)
class StatisticalReportViewSet(
    DownloadsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The federation's annual statistical report, one per year, built in the background from the
    counted returns (approved, and submitted ones flagged). Federation staff only."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.StatisticalReportSerializer  # the detail's has the figures too
    filterset_class = StatisticalReportFilter
    downloads = {
        "csv": statistical_report_csv,
        "xlsx": statistical_report_xlsx,
        "html": statistical_report_html,
    }

    def get_queryset(self):
        return StatisticalReport.objects.visible_to(self.request.user)

    def get_serializer_class(self):
        return s.StatisticalReportDetailSerializer if self.action == "retrieve" else self.serializer_class

    @extend_schema(
        summary="Request the annual statistical report of a year",
        request=s.StatisticalReportRequestSerializer,
        responses={202: s.StatisticalReportSerializer},
    )
    def create(self, request):
        """Create the year's report, or queue it again to rebuild it from the returns as they are now;
        the old figures stay until the new ones are in."""
        data = s.StatisticalReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.statistical_report_request(**data.validated_data, by=request.user)
        return Response(s.StatisticalReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)
