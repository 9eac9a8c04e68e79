"""Values every page template needs."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request: HttpRequest) -> dict:
    items = [(_("Police forces"), reverse("accounts:force-index"))]
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        from haven.web.accounts.permissions import Capability, forces_where

        items += [
            (_("Your work"), reverse("accounts:home")),
            (_("Reports"), reverse("reporting:report-index")),
        ]
        if forces_where(user=request.user, capability=Capability.APPROVE_DECISIONS).exists():
            items.append((_("Approvals"), reverse("sharing:approvals")))
    current = request.path
    return {
        "navigation": [
            {
                "text": text,
                "href": href,
                "active": href == current or (href != "/" and current.startswith(href)),
            }
            for text, href in items
        ]
    }


def portal(request: HttpRequest) -> dict:
    """What every portal page states: the reply time the reporter can expect."""
    from django.conf import settings

    return {"portal_reply_working_days": settings.HAVEN_PORTAL_REPLY_WORKING_DAYS}
