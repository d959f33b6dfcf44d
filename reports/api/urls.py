from rest_framework.routers import SimpleRouter

from ..statistics.api import views as statistics
from . import views

app_name = "reports-api"

router = SimpleRouter(trailing_slash=True)
router.register("reports", views.ReportViewSet, basename="report")
router.register("statistical-returns", statistics.StatisticalReturnViewSet, basename="statistical-return")
router.register("statistical-reports", statistics.StatisticalReportViewSet, basename="statistical-report")

urlpatterns = router.urls
