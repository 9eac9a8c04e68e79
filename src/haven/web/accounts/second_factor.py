"""The second step of every sign-in: a TOTP code (django-otp), or a single-use recovery code.

After the password, nobody is signed in yet. `begin` keeps only a *pending* sign-in in
the session: the user's id, the backend, a hash that changes with the password, the
time and where to go next. The code page (or, for someone with no device, the set-up
page) finishes it with `finish`, which signs in with Django's `login` and records the
verifying device with `django_otp.login`. `SecondFactorMiddleware` signs out any session
that is authenticated without a verified device, whatever made it.
"""

from __future__ import annotations

import base64
import math
import time
from dataclasses import dataclass
from typing import Any

import django_otp
import segno
from django.contrib.auth import login as auth_login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.web.accounts.models import User

PENDING_KEY = "haven_pending_sign_in"
RECOVERY_CODES_KEY = "haven_new_recovery_codes"
PENDING_SECONDS = 10 * 60  # enough to install an authenticator app, no more
RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"


@dataclass(frozen=True)
class Pending:
    user: User
    backend: str
    next_url: str


def begin(request: HttpRequest, user: User, next_url: str) -> None:
    """Remember that `user` gave the right password; nobody is signed in yet."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "hash": user.get_session_auth_hash(),
        "at": time.time(),
        "next": next_url,
    }


def pending(request: HttpRequest) -> Pending | None:
    """The pending sign-in, if it is recent and the password has not changed since."""
    state = request.session.get(PENDING_KEY)
    if not isinstance(state, dict):
        return None
    if time.time() - state.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = User.objects.filter(pk=state.get("user"), is_active=True).first()
    if user is None or user.get_session_auth_hash() != state.get("hash"):
        request.session.pop(PENDING_KEY, None)
        return None
    return Pending(user=user, backend=state["backend"], next_url=state["next"])


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _devices_for(user: User, code: str) -> Any:
    """The devices a code is checked against. Six digits are a TOTP code, anything else a
    recovery code, so a guess of one kind never counts against the other's throttle."""
    devices: Any = TOTPDevice if (code.isdigit() and len(code) == 6) else StaticDevice
    return devices.objects.filter(user=user, confirmed=True)


def seconds_to_wait(user: User, code: str) -> int:
    """How long until a code like `code` will be checked at all (0: now). After a wrong
    code django-otp refuses every code, the right one too, for 1, 2, 4, … seconds; the
    person is told to wait rather than that their code is wrong."""
    code = "".join(code.split()).lower()
    waits = []
    for device in _devices_for(user, code):
        allowed, details = device.verify_is_allowed()
        if allowed:
            return 0
        until = (details or {}).get("locked_until")
        waits.append(math.ceil((until - timezone.now()).total_seconds()) if until else 1)
    return max(min(waits), 1) if waits else 0


def verify(user: User, code: str) -> Any:
    """The device that accepts `code`, or None (`_devices_for` says which are asked)."""
    code = "".join(code.split()).lower()
    if not code:
        return None
    for device in _devices_for(user, code):
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def finish(request: HttpRequest, state: Pending, device: Any) -> str:
    """Sign in for real; returns where to go next."""
    from haven.web.accounts.services import sign_in_record

    request.session.pop(PENDING_KEY, None)
    auth_login(request, state.user, backend=state.backend)
    django_otp.login(request, device)
    sign_in_record(user=state.user)
    return state.next_url


def unconfirmed_device(user: User) -> TOTPDevice:
    """The device being set up: the same one (and secret) until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret, in groups of four, for typing into an app."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as a QR code, an SVG data URI drawn on the server (no script)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)


@transaction.atomic
def confirm(device: TOTPDevice) -> list[str]:
    """Confirm a device that has verified a code; replace the recovery codes; return them."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """A fresh set of single-use recovery codes; any earlier set stops working."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes
