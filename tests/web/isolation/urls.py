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


def write_then_fail_view(request: HttpRequest) -> JsonResponse:
    """Writes a message on the user's report, then fails: the request's transaction must
    take the write back with it."""
    from haven.web.portal.models import Message
    from haven.web.reporting.models import Report

    Message.objects.create(
        report=Report.objects.get(reference=request.GET["reference"]), sender="force"
    )
    raise RuntimeError("after the write")


urlpatterns = [
    path("unfiltered/", unfiltered_view),
    path("write-then-fail/", write_then_fail_view),
    path("", include("haven.web.urls")),
]
