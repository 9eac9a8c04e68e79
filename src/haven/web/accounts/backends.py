"""Password checking with a bound on how many Argon2 hashes run at once in a process.

Each Argon2 check costs about 100 MiB and most of a core for a moment (Django's
defaults). Axes refuses a locked (username, client) pair before any hashing
(`AxesStandaloneBackend` comes first in `AUTHENTICATION_BACKENDS`), but a crowd of
clients, or many usernames, are each allowed their first failures. Without a bound,
every server thread could be hashing at once. Here at most
`HAVEN_PASSWORD_CHECKS_AT_ONCE` hashes run in a process; the rest wait up to
`HAVEN_PASSWORD_CHECK_WAIT_SECONDS`, and after that the sign-in page says to try again
(it is not counted as a failed sign-in). docs/security.md explains the choice.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


class SignInBusy(Exception):
    """Every password-checking slot stayed busy for the whole wait."""


def password_check_slots() -> threading.BoundedSemaphore:
    global _slots
    with _lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(settings.HAVEN_PASSWORD_CHECKS_AT_ONCE)
        return _slots


def forget_password_check_slots() -> None:
    """Size the slots from settings again at the next check (tests change the setting)."""
    global _slots
    with _lock:
        _slots = None


class BoundedPasswordBackend(ModelBackend):
    """Django's `ModelBackend`, with its password hashing inside `password_check_slots()`.

    ModelBackend hashes even for an unknown username (so timing does not tell which
    usernames exist); that hash is bounded too.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        slots = password_check_slots()
        if not slots.acquire(timeout=settings.HAVEN_PASSWORD_CHECK_WAIT_SECONDS):
            raise SignInBusy
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        finally:
            slots.release()
