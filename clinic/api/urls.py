from rest_framework.routers import SimpleRouter

from . import views

app_name = "clinic-api"

router = SimpleRouter(trailing_slash=True)
router.register("persons", views.PersonViewSet, basename="person")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("labor-disputes", views.LaborDisputeViewSet, basename="labor-dispute")
router.register("prevented-disputes", views.PreventedDisputeViewSet, basename="prevented-dispute")
router.register("events", views.EventViewSet, basename="event")
router.register("messages", views.OutgoingMessageViewSet, basename="message")
router.register("search", views.SearchViewSet, basename="search")
router.register("destruction-records", views.DestructionRecordViewSet, basename="destruction-record")
router.register("letter-templates", views.LetterTemplateViewSet, basename="letter-template")
router.register("services", views.ServiceViewSet, basename="service")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("kinds", views.ApplicationKindViewSet, basename="kind")
router.register("outcomes", views.OutcomeViewSet, basename="outcome")
router.register("imports", views.ImportJobViewSet, basename="import")
router.register("exports", views.ExportJobViewSet, basename="export")
router.register("limitation-rules", views.LimitationRuleViewSet, basename="limitation-rule")

urlpatterns = router.urls
