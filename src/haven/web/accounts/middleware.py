"""Every signed-in session has passed the second factor."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse


class SecondFactorMiddleware:
    """Sign out a session that is authenticated without a verified OTP device.

    Haven's own sign-in never makes one (`second_factor`): this catches any other path
    that might, now or later. After `django_otp.middleware.OTPMiddleware`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified():
            logout(request)
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
