"""The reports' web pages: `pages` (the dashboard, the federation) at the root, the rest under /reports/."""

from django.urls import path

from . import views

app_name = "reports"

# Mounted without a namespace: the nav and ROLE_HOMES name them 'dashboard' and 'federation'.
pages = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("federation/", views.federation, name="federation"),
    path("federation/<int:center_id>/", views.federation_center, name="federation_center"),
]

urlpatterns = [
    path("", views.report_list, name="list"),
    path("build/", views.report_build, name="build"),
    path("<int:pk>/row/", views.report_row, name="row"),
    path("<int:pk>/rebuild/", views.report_rebuild, name="rebuild"),
    path("<int:pk>/print/", views.report_print, name="print"),
    path("<int:pk>/download/<str:file_format>/", views.report_download, name="download"),
]
