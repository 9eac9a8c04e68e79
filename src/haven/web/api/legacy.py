"""The paths before v1 (`/api/ledger/...`) redirect to their `/api/v1/...` twins.

308 keeps the method and body, so a client that posts still posts; the query string
is kept as it came.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect


class PermanentRedirectSameMethod(HttpResponsePermanentRedirect):
    status_code = 308


def legacy_redirect(request: HttpRequest, rest: str, area: str) -> HttpResponsePermanentRedirect:
    target = f"/api/v1/{area}{rest}"
    query = request.META.get("QUERY_STRING", "")
    return PermanentRedirectSameMethod(f"{target}?{query}" if query else target)
