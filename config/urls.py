from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import health
from organizations.api.views import ObtainTokenView
from reports import urls as reports_urls

# The admin in the product's own words, in the user's language ("Django administration" otherwise).
admin.site.site_header = admin.site.site_title = _("Trade-union legal clinic")
admin.site.index_title = _("Administration")

urlpatterns = [
    # Answered by core.health.HealthProbeMiddleware before any other middleware; named here for reverse().
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("", include("organizations.urls")),  # the role's home, sign-in, sign-out, password
    path("", include("clinic.urls")),  # the reception desk, cases, documents
    path("", include(reports_urls.pages)),  # the manager's dashboard, the federation page
    path("reports/", include("reports.urls")),
    path("statistics/", include("reports.statistics.urls")),  # yearly returns, the annual report
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/", include("clinic.api.urls")),
    path("api/v1/", include("organizations.api.urls")),
    path("api/v1/", include("reports.api.urls")),
]

handler404 = "core.api.common.not_found"
