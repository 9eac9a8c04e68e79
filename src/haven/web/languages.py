"""Which language a page is in (docs/translations.md).

The first visit follows the browser's `Accept-Language`. The language switcher on every
portal page is a set of plain links (`?lang=cy`): following one stores the choice in the
session and redirects to the same page without the parameter. Django's own
`set_language` view would keep the choice in a `django_language` cookie, a second cookie
the portal promises not to set ("no cookies beyond the strictly necessary session"), and
needs a POST with a CSRF cookie; URL prefixes (`/cy/report/`) would change every address
the other parts of Haven link to. Links need no JavaScript and no form.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

LANGUAGE_SESSION_KEY = "haven_language"
"""The session key holding the language chosen with the switcher."""
LANGUAGE_PARAMETER = "lang"
"""The query parameter the switcher's links carry."""


def supported_language_codes() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def language_switch_url(request: HttpRequest, code: str) -> str:
    """The current page's path with `?lang=code` (other query parameters kept)."""
    query = request.GET.copy()
    query[LANGUAGE_PARAMETER] = code
    return f"{request.path}?{query.urlencode()}"


class SessionLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware that reads the language from the session before `Accept-Language`,
    and stores the one chosen through `?lang=` there."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if request.method in ("GET", "HEAD") and LANGUAGE_PARAMETER in request.GET:
            chosen = request.GET[LANGUAGE_PARAMETER]
            if chosen in supported_language_codes():
                request.session[LANGUAGE_SESSION_KEY] = chosen
                translation.activate(chosen)
            else:
                # An unknown code changes nothing: the page simply shows again.
                translation.activate(self._language(request))
            request.LANGUAGE_CODE = translation.get_language()
            rest = request.GET.copy()
            del rest[LANGUAGE_PARAMETER]
            target = request.path + (f"?{urlencode(rest, doseq=True)}" if rest else "")
            response = HttpResponseRedirect(target)
            # The redirect names the page the reporter was on: keep it out of caches.
            response["Cache-Control"] = "no-store"
            return response
        translation.activate(self._language(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    @staticmethod
    def _language(request: HttpRequest) -> str:
        session = getattr(request, "session", None)
        chosen = session.get(LANGUAGE_SESSION_KEY) if session is not None else None
        if chosen in supported_language_codes():
            return chosen
        return translation.get_language_from_request(request)
