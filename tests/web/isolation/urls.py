"""A view with no filters of its own: what the request's row scope alone lets it read."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def unfiltered_view(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reference FROM reporting_report ORDER BY reference")
        references = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT current_setting('haven.force_ids', true), current_user")
        force_ids, role = cursor.fetchone()
    return JsonResponse({"references": references, "force_ids": force_ids, "role": role})


urlpatterns = [
    path("unfiltered/", unfiltered_view),
    path("", include("haven.web.urls")),
]
