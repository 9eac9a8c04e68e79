"""Reads of the portal: which draft, submitted report or followed-up report a browser holds.

The session holds only row ids under these keys, never an answer, a code or an address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import HttpRequest

from haven.web.accounts.models import User
from haven.web.isolation.scope import receipt_digest_admit
from haven.web.reporting.models import Report

if TYPE_CHECKING:
    from haven.web.portal.models import AdvocateConsent, ReceiptCode

DRAFT_SESSION_KEY = "haven_portal_draft"
"""The id of the browser's unfinished `PortalDraft`."""
SUBMITTED_SESSION_KEY = "haven_portal_submitted"
"""The id of the report this browser has just submitted (for the confirmation page and
the promise receipt download; cleared by exit)."""
FOLLOWUP_SESSION_KEY = "haven_portal_followup"
"""The id of the live `ReceiptCode` this browser has entered on the follow-up page."""
FOLLOWUP_SEEN_SESSION_KEY = "haven_portal_followup_seen"
"""When this browser last used the follow-up page (seconds since the epoch): the idle
timeout of the follow-up pages and of the promise receipt counts from it."""


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


# --- follow-up ----------------------------------------------------------------------------


def receipt_code_find(*, text: str) -> ReceiptCode | None:
    """The live receipt code a reporter typed (any case, spaces or dashes), or None.

    A code that was replaced is None too, exactly like one that never existed: nothing
    tells the person at the keyboard that a code was once valid.
    """
    from haven.web.portal import codes
    from haven.web.portal.models import ReceiptCode

    canonical = codes.normalise(text)
    if canonical is None:
        return None
    digest = codes.digest(canonical)
    # Row-level security (PostgreSQL): the code's force, found across forces by a
    # narrow database function, is admitted before the code itself is read.
    receipt_digest_admit(digest)
    return (
        ReceiptCode.objects.select_related("report")
        .filter(digest=digest, replaced_at__isnull=True)
        .first()
    )


@dataclass(frozen=True)
class MessageLine:
    """One message of a report's follow-up page, opened for display (rendered escaped)."""

    sender: str
    sender_label: str
    text: str
    sent_at: datetime


def report_messages(*, report: Report) -> list[MessageLine]:
    """The report's messages, oldest first (newest last), their text unsealed."""
    if report.destroyed:
        return []
    return [
        MessageLine(
            sender=message.sender,
            sender_label=str(message.get_sender_display()),
            text=message.unseal_text("text"),
            sent_at=message.sent_at,
        )
        for message in report.messages.order_by("sent_at", "id")
    ]


def advocate_consents(*, user: User) -> QuerySet[AdvocateConsent]:
    """The consents (live or withdrawn) on reports made by `user`'s organisations."""
    from haven.web.portal.models import AdvocateConsent

    if not user.is_authenticated or not user.is_active:
        return AdvocateConsent.objects.none()
    return (
        AdvocateConsent.objects.filter(organisation__in=user.advocate_organisations.all())
        .select_related("report", "report__force", "organisation")
        .order_by("-given_at", "-id")
    )


def advocate_consent_get(*, user: User, reference: str) -> AdvocateConsent:
    """One consent on a report of `user`'s organisations. Raises `AdvocateConsent.DoesNotExist`
    otherwise, so another organisation's report is a 404."""
    return advocate_consents(user=user).get(report__reference=reference)
