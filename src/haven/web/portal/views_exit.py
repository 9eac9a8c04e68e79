"""Exit this page: the way out of every portal page, at once and without a trace here."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.views.decorators.cache import never_cache

from haven.web.portal.selectors import DRAFT_SESSION_KEY
from haven.web.portal.services import draft_discard
from haven.web.views import public_portal


@public_portal
@never_cache
def exit_view(request: HttpRequest) -> HttpResponseRedirect:
    """Discard the unfinished answers, end the session and leave for an ordinary site.

    A GET, because the GOV.UK "Exit this page" button is a link (and shift pressed three
    times follows it): it only ever destroys, so there is nothing to forge.
    """
    draft_discard(draft_id=request.session.get(DRAFT_SESSION_KEY))
    request.session.flush()
    response = HttpResponseRedirect(settings.HAVEN_PORTAL_EXIT_URL)
    response.delete_cookie(settings.SESSION_COOKIE_NAME)
    return response
