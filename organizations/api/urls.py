from rest_framework.routers import SimpleRouter

from . import views

app_name = "organizations-api"

router = SimpleRouter(trailing_slash=True)
router.register("centers", views.TerritorialCenterViewSet, basename="center")
router.register("offices", views.RepresentativeOfficeViewSet, basename="office")
router.register("branch-unions", views.BranchUnionViewSet, basename="branch-union")
router.register("employers", views.EmployerViewSet, basename="employer")
router.register("primary-organizations", views.PrimaryOrganizationViewSet, basename="primary-organization")

urlpatterns = router.urls
