"""Auditor pages: a report's events and readers, opened from the ledger. No personal data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from haven.web.oversight.selectors import audited_report, report_events, report_readers
from haven.web.reporting.models import Report


@login_required
def report_audit_view(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        report = audited_report(user=request.user, reference=reference)
    except Report.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "oversight/report_audit.html",
        {
            "report": report,
            "readers": report_readers(report=report),
            "events": report_events(report=report),
        },
    )
