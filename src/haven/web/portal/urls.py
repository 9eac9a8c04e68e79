"""The portal's pages, under /report/. Each part of the portal has its own URL module."""

from django.urls import include, path

from haven.web.portal.views_exit import exit_view

app_name = "portal"

urlpatterns = [
    path("exit", exit_view, name="exit"),
    path("", include("haven.web.portal.urls_report")),
    path("follow-up/", include("haven.web.portal.urls_followup")),
    path("information/", include("haven.web.portal.urls_information")),
]
