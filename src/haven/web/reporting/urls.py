from django.urls import path

from haven.web.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_index_view, name="report-index"),
    path("<str:reference>/", views.report_show_view, name="report-show"),
]
