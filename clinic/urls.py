"""The staff's web pages of the clinic."""

from django.urls import path

from . import views

app_name = "clinic"

urlpatterns = [
    path("reception/", views.reception, name="reception"),
    path("reception/persons/", views.person_search, name="person_search"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
]
