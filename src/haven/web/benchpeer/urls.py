"""The bench settings' URLs: the whole site, plus the plain form under /bench/plain/ and the
plain API endpoint under /bench/api/."""

from django.urls import include, path

from haven.web.benchpeer.api import api as plain_api
from haven.web.benchpeer.views import plain_done_view, plain_form_view

benchpeer_patterns = (
    [
        path("", plain_form_view, name="form"),
        path("done/", plain_done_view, name="done"),
    ],
    "benchpeer",
)

urlpatterns = [
    path("bench/plain/", include(benchpeer_patterns)),
    path("bench/api/", plain_api.urls),
    path("", include("haven.web.urls")),
]
