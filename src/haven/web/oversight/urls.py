from django.urls import path

from haven.web.oversight import views

app_name = "oversight"

urlpatterns = [
    path("reports/<str:reference>/", views.report_audit_view, name="report-audit"),
]
