"""The sign-in forms: the password, then the second factor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from haven.web.accounts.backends import SignInBusy


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "busy": _("Too many people are signing in at this moment. Wait a minute, then try again."),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except SignInBusy:
            raise ValidationError(self.error_messages["busy"], code="busy") from None


class CodeForm(forms.Form):
    """The second step: a code from an authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        error_messages={"required": _("Enter the code")},
    )
