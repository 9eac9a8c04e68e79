"""Values every page template needs."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request: HttpRequest) -> dict:
    """The service navigation: the public pages, then what the signed-in user's roles
    let them do (read from `capabilities_by_force`, one query a request)."""
    items = [
        (_("Police forces"), reverse("accounts:force-index")),
        (_("Policies compared"), reverse("transparency:index")),
        (_("Statistics"), reverse("statistics:index")),
    ]
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        from haven.web.accounts.permissions import Capability, capabilities_by_force

        granted: set[Capability] = set()
        for capabilities in capabilities_by_force(user=request.user).values():
            granted |= capabilities
        items.append((_("Your work"), reverse("accounts:home")))
        if Capability.VIEW_REPORTS in granted:
            items.append((_("Reports"), reverse("reporting:report-index")))
        if Capability.REQUEST_DECISIONS in granted:
            items.append((_("Decision requests"), reverse("sharing:requests")))
        if Capability.APPROVE_DECISIONS in granted:
            items.append((_("Approvals"), reverse("sharing:approvals")))
        if Capability.MANAGE_POLICY in granted:
            items.append((_("Policy versions"), reverse("governance:index")))
        if Capability.ANSWER_SUBJECT_ACCESS in granted:
            items.append((_("Subject access"), reverse("subjectaccess:index")))
        if Capability.VERIFY_LEDGER in granted:
            items.append((_("Oversight"), reverse("oversight:index")))
    # The item whose address is the longest start of this page's: on the approvals
    # queue (/console/requests/approvals/) that is Approvals, not Decision requests.
    current = request.path
    starts = [href for _text, href in items if current.startswith(href) and href != "/"]
    active = max(starts, key=len, default="")
    return {
        "navigation": [
            {"text": text, "href": href, "active": href == current or href == active}
            for text, href in items
        ]
    }


def portal(request: HttpRequest) -> dict:
    """What every portal page states: the reply time the reporter can expect."""
    from django.conf import settings

    return {"portal_reply_working_days": settings.HAVEN_PORTAL_REPLY_WORKING_DAYS}
