"""Rate limits for the portal, per client, without surveillance.

A client is `accounts.throttle.client_key(request)`: an HMAC of its address under a
random key that changes every UTC day and lives only in the cache. Counts live in the
cache too, in fixed one-hour windows, and expire with them. No address, and no count,
is ever written to the database or a log. The limits are settings
(`HAVEN_PORTAL_*_PER_HOUR`), so a benchmark can raise them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from haven.web.accounts.throttle import client_key

WINDOW_SECONDS = 60 * 60

LIMITS = {
    "draft": "HAVEN_PORTAL_DRAFTS_PER_HOUR",
    "submission": "HAVEN_PORTAL_SUBMISSIONS_PER_HOUR",
    "code_failure": "HAVEN_PORTAL_CODE_FAILURES_PER_HOUR",
    "message": "HAVEN_PORTAL_MESSAGES_PER_HOUR",
}


def _cache():
    return caches[settings.AXES_CACHE]


def _name(bucket: str, request: HttpRequest) -> str:
    return f"haven:portal:{bucket}:{client_key(request)}"


def limit(bucket: str) -> int:
    return int(getattr(settings, LIMITS[bucket]))


def used(bucket: str, request: HttpRequest) -> int:
    return int(_cache().get(_name(bucket, request), 0))


def exhausted(bucket: str, request: HttpRequest) -> bool:
    """Whether this client has used up `bucket` for the current window."""
    return used(bucket, request) >= limit(bucket)


def count(bucket: str, request: HttpRequest) -> None:
    """Count one use of `bucket` by this client (the window starts at its first use)."""
    cache, name = _cache(), _name(bucket, request)
    if not cache.add(name, 1, timeout=WINDOW_SECONDS):
        try:
            cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.add(name, 1, timeout=WINDOW_SECONDS)


def take(bucket: str, request: HttpRequest) -> bool:
    """Use `bucket` once if this client has any left; False (and nothing counted) if not."""
    if exhausted(bucket, request):
        return False
    count(bucket, request)
    return True
