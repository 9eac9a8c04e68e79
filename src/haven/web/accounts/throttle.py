"""Sign-in throttling (django-axes) keyed on the username and a keyed hash of the client.

Axes counts failed sign-ins per (username, client) and refuses that pair for a
cool-off once it reaches the limit (settings: `AXES_*` in `haven.web.settings.base`).
Axes never sees an IP address: its "IP address" is `client_key(request)`, an HMAC of
the address under a random key that changes every UTC day and lives only in the cache
(Redis, or process memory). Without that key nobody can tell which address a stored
value came from, not even by hashing all 2^32 IPv4 addresses, and once the day's key
is gone not even Haven can. docs/security.md explains the design.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Long enough to outlive the day it serves; a rotated-out key then simply expires.
_KEY_LIFETIME_SECONDS = 2 * 24 * 60 * 60
_KEY_NAME = "haven:sign-in-client-key:{day}"


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _daily_key() -> bytes:
    """Today's HMAC key: made by whichever process needs it first, shared through the cache."""
    cache = caches[settings.AXES_CACHE]
    name = _KEY_NAME.format(day=_today())
    key = cache.get(name)
    if key is None:
        cache.add(name, secrets.token_hex(32), timeout=_KEY_LIFETIME_SECONDS)
        key = cache.get(name)
    return bytes.fromhex(key)


def client_address(request: HttpRequest) -> str:
    """The client's address, never stored or logged: the input to `client_key` only.

    Behind a trusted proxy (HAVEN_TRUSTED_PROXY), the last X-Forwarded-For entry, the one
    that proxy appended; anything before it came from the client and proves nothing.
    """
    if settings.HAVEN_TRUSTED_PROXY:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request: HttpRequest) -> str:
    """The keyed hash that stands for the client in the throttle (`AXES_CLIENT_IP_CALLABLE`)."""
    digest = hmac.new(_daily_key(), client_address(request).encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def client_description(
    username: str | None,
    ip_address: str | None,
    user_agent: str | None,
    path_info: str | None,
    request: HttpRequest,
) -> str:
    """How axes names a client in its log lines (`AXES_CLIENT_STR_CALLABLE`).

    `ip_address` is already `client_key`; a prefix is enough to tell repeated attempts
    apart in a day's log. The user agent is left out, and the username is quoted, so a
    crafted username cannot forge a log line.
    """
    name = (username or "")[:150]
    return f"{{username: {name!r}, client: {(ip_address or '')[:12]!r}}}"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """The sign-in page, saying to wait (`AXES_LOCKOUT_CALLABLE`); HTTP 429."""
    from haven.web.accounts.forms import SignInForm

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/sign_in.html",
        {"form": SignInForm(request), "locked_out": True, "cool_off_minutes": minutes},
        status=429,
    )
