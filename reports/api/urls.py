from rest_framework.routers import SimpleRouter

from . import views

app_name = "reports-api"

router = SimpleRouter(trailing_slash=True)
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = router.urls
