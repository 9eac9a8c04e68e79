from django.urls import path

from haven.web.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_index_view, name="report-index"),
    # References look like HVN-XXXX-XXXX, so "record" can never be one.
    path("record", views.report_record_view, name="report-record"),
    path("<str:reference>/", views.report_show_view, name="report-show"),
    path("<str:reference>/stage", views.report_stage_view, name="report-stage"),
    path("<str:reference>/people/add", views.report_person_add_view, name="report-person-add"),
    path(
        "<str:reference>/people/<int:person_id>/change",
        views.report_person_edit_view,
        name="report-person-edit",
    ),
    path(
        "<str:reference>/people/<int:person_id>/remove",
        views.report_person_remove_view,
        name="report-person-remove",
    ),
    path("<str:reference>/messages", views.report_message_view, name="report-message"),
    path(
        "<str:reference>/receipt-code", views.report_code_replace_view, name="report-code-replace"
    ),
    path(
        "<str:reference>/give-receipt-code",
        views.report_code_issue_view,
        name="report-code-issue",
    ),
]
