"""Reads of the portal: which draft, submitted report or followed-up report a browser holds.

The session holds only row ids under these keys, never an answer, a code or an address.
"""

from __future__ import annotations

from django.http import HttpRequest

from haven.web.reporting.models import Report

DRAFT_SESSION_KEY = "haven_portal_draft"
"""The id of the browser's unfinished `PortalDraft`."""
SUBMITTED_SESSION_KEY = "haven_portal_submitted"
"""The id of the report this browser has just submitted (for the confirmation page and
the promise receipt download; cleared by exit)."""
FOLLOWUP_SESSION_KEY = "haven_portal_followup"
"""The id of the live `ReceiptCode` this browser has entered on the follow-up page."""


def submitted_report(request: HttpRequest) -> Report | None:
    """The report this browser has just submitted, if any."""
    report_id = request.session.get(SUBMITTED_SESSION_KEY)
    if report_id is None:
        return None
    return Report.objects.filter(pk=report_id).first()


def followup_report(request: HttpRequest) -> Report | None:
    """The report whose live receipt code this browser entered, if the code is still live."""
    from haven.web.portal.models import ReceiptCode

    code_id = request.session.get(FOLLOWUP_SESSION_KEY)
    if code_id is None:
        return None
    receipt = (
        ReceiptCode.objects.select_related("report")
        .filter(pk=code_id, replaced_at__isnull=True)
        .first()
    )
    return None if receipt is None else receipt.report
