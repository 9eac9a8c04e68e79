"""Values every page template needs."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request: HttpRequest) -> dict:
    items = [(_("Police forces"), reverse("accounts:force-index"))]
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        items += [
            (_("Your work"), reverse("accounts:home")),
            (_("Reports"), reverse("reporting:report-index")),
        ]
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
