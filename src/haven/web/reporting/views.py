"""The officer console's view of reports: list and show, scoped to the user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from haven.web.reporting.models import Report
from haven.web.reporting.selectors import (
    reader_role,
    report_content,
    report_get_for_user,
    report_list_for_user,
)
from haven.web.reporting.services import report_read


@login_required
def report_index_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reporting/report/index.html", {"reports": report_list_for_user(user=request.user)}
    )


@login_required
def report_show_view(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        report = report_get_for_user(user=request.user, reference=reference)
    except Report.DoesNotExist:
        raise Http404 from None
    content = None
    if not report.destroyed:
        content = report_content(report=report)
        report_read(
            report=report,
            reader=request.user,
            reader_role=reader_role(user=request.user, report=report),
        )
    return render(request, "reporting/report/show.html", {"report": report, "content": content})
