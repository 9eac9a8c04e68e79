"""`notify_subject`: the message a reporter finds on their follow-up page when data is shared."""

from __future__ import annotations

from django.utils.translation import gettext as _

from haven.web.sharing.models import DecisionRequest, Purpose, Recipient


def notify_text(request: DecisionRequest) -> str:
    """What the reporter is told: what went where, why, and under which policy."""
    return _(
        "Information from your report was shared with %(recipient)s, for %(purpose)s, "
        "under %(policy)s. The police had to tell you this. You can ask the force about it "
        "by replying here."
    ) % {
        "recipient": Recipient(request.recipient).label,
        "purpose": str(Purpose(request.purpose).label).lower(),
        "policy": request.policy,
    }


def notify_reporter(request: DecisionRequest) -> None:
    """Post the notice on the report's follow-up page (the portal's messages)."""
    from haven.web.portal.services import message_from_force

    message_from_force(report=request.report, text=notify_text(request), by=None)
