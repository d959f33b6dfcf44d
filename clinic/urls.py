"""The clinic's web pages: the staff's (reception desk, cases, documents) and the public online
reception under /online/ (no account needed)."""

from django.urls import path

from . import calendar_views, import_views, public_views, views

app_name = "clinic"

urlpatterns = [
    path("reception/", views.reception, name="reception"),
    path("reception/persons/", views.person_search, name="person_search"),
    path("reception/online/<int:pk>/", views.online_visit, name="online_visit"),
    path("reception/online/<int:pk>/answer/", views.online_visit_answer, name="online_visit_answer"),
    path("reception/online/<int:pk>/open-case/", views.online_visit_open_case, name="online_visit_open_case"),
    path(
        "reception/online/attachments/<int:pk>/download/",
        views.online_attachment_download,
        name="online_attachment_download",
    ),
    path("search/", views.search, name="search"),
    path("persons/duplicates/", views.person_duplicates, name="person_duplicates"),
    path("retention/", views.destruction_records_page, name="destruction_records"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/data/", views.person_data, name="person_data"),
    path("persons/<int:pk>/<slug:action>/", views.person_action, name="person_action"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export/", views.case_export, name="case_export"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/feed/", calendar_views.calendar_feed_renew, name="calendar_feed_renew"),
    # Public: the secret in the URL is the key (a phone's calendar subscribes without signing in).
    path("calendar/feed/<int:pk>-<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("imports/template/<slug:kind>.xlsx", import_views.import_template, name="import_template"),
    path("disputes/", views.dispute_list, name="dispute_list"),
    path("disputes/export/", views.dispute_export, name="dispute_export"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/download/", views.export_job_download, name="export_job_download"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("disputes/<int:pk>/<slug:action>/", views.dispute_action, name="dispute_action"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    # Public: anyone may send a question and follow it with the tracking code and the phone.
    path("online/", public_views.online_question, name="online_question"),
    path("online/sent/", public_views.online_sent, name="online_sent"),
    path("online/track/", public_views.online_track, name="online_track"),
]
