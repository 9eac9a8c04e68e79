from django.urls import path

from haven.web.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("events/", views.events_view, name="events"),
    path("decisions/", views.decisions_view, name="decisions"),
    path("reports/<str:reference>/", views.report_audit_view, name="report-audit"),
]
