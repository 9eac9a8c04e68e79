"""The portal's report pages (names in the `portal` namespace): who is reporting, one
question per page in `steps.STEPS` order, check answers and confirmation."""

from django.urls import path

from haven.web.portal import views_report

urlpatterns = [
    path("", views_report.way_view, name="report-way"),
    *(
        path(name, views_report.step_view, {"name": name}, name=f"report-{name}")
        for name in views_report.STEP_PAGES
    ),
    path("people", views_report.people_view, name="report-people"),
    path("check-answers", views_report.check_view, name="report-check"),
    path("confirmation", views_report.confirmation_view, name="report-confirmation"),
]
