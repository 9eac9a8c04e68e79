from django.urls import path, re_path

from haven.web.statistics import views

app_name = "statistics"

QUARTER = r"(?P<quarter>[0-9]{4}Q[1-4])"

urlpatterns = [
    path("", views.index_view, name="index"),
    re_path(rf"^{QUARTER}/$", views.quarter_view, name="quarter"),
    re_path(rf"^{QUARTER}\.(?P<fmt>csv|json)$", views.quarter_download_view, name="download"),
    re_path(rf"^{QUARTER}/(?P<force_code>[-a-z0-9]+)/$", views.release_view, name="release"),
]
