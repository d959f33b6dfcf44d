"""The organization tree, read-only for every role, and the organization statistics: the yearly
returns (entered, submitted, approved through organizations.services, with If-Match) and the
federation's annual report (requested, built in the background, downloaded). Every view starts from
visible_to, so another center's return is a 404."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from core.api.schema import ErrorSerializer
from core.middleware import lockout_response
from organizations.models import (
    BranchUnion,
    Employer,
    PrimaryOrganization,
    RepresentativeOffice,
    TerritorialCenter,
)

from . import serializers as s
from .filters import (
    EmployerFilter,
    PrimaryOrganizationFilter,
    RepresentativeOfficeFilter,
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
        "Send a username and password; use the token as `Authorization: Token <key>`. An account with a "
        "second factor also sends `otp`: the code of its authenticator app or a recovery code. "
        "Administrators, managers and federation analysts must have one: without it (set it up by "
        "signing in to the web application) the answer is 400. After 5 failed attempts for a username "
        "from one address (wrong passwords and wrong codes alike), that username is locked there for 15 "
        "minutes (429)."
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
    # DRF's view names its own JSON parser; api_settings imports the classes the settings name.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # type: ignore[assignment]

    def post(self, request, *args, **kwargs):
        # DRF's serializer authenticates with request=request, so django-axes counts each failure; its
        # lockout flag lands on DRF's request, which AxesMiddleware does not see: answer it here.
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request._request)
            raise
