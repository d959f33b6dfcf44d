"""The organization statistics' web pages, under /statistics/: the yearly returns and the federation's
annual report."""

from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("", views.statistical_return_list, name="return_list"),
    path("returns/new/", views.statistical_return_create, name="return_create"),
    path("returns/derived/", views.statistical_return_derived, name="return_derived"),
    path("returns/<int:pk>/", views.statistical_return_detail, name="return_detail"),
    path("returns/<int:pk>/<slug:action>/", views.statistical_return_action, name="return_action"),
    path("reports/", views.statistical_report_list, name="report_list"),
    path("reports/build/", views.statistical_report_build, name="report_build"),
    path("reports/<int:pk>/", views.statistical_report_detail, name="report_detail"),
    path("reports/<int:pk>/row/", views.statistical_report_row, name="report_row"),
    path("reports/<int:pk>/print/", views.statistical_report_print, name="report_print"),
    path(
        "reports/<int:pk>/download/<str:file_format>/",
        views.statistical_report_download,
        name="report_download",
    ),
]
