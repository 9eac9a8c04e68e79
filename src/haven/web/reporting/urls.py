from django.urls import path

from haven.web.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_index_view, name="report-index"),
    path("<str:reference>/", views.report_show_view, name="report-show"),
    path("<str:reference>/messages", views.report_message_view, name="report-message"),
    path(
        "<str:reference>/receipt-code", views.report_code_replace_view, name="report-code-replace"
    ),
]
