"""The DPO's forms: a version's Cedar text, and the effective date of a sign-off."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PolicyTextForm(forms.Form):
    text = forms.CharField(
        label=_("The policy's Cedar text"),
        help_text=_(
            "Every rule needs an @id, an @source (the document it comes from) and an "
            "@summary. The header's \"// Title:\" line is the policy's name on the public "
            "pages and the portal: change it when the rules change what it says. Nothing is "
            "saved until the whole text loads without an error."
        ),
        strip=False,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 30, "spellcheck": "false"}),
    )


class SignOffForm(forms.Form):
    effective_on = forms.DateField(
        label=_("Date the version takes effect"),
        help_text=_(
            "Today or later. It takes effect at the start of that day (UK time), or "
            "as soon as the second approver approves it if that is later."
        ),
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}
        ),
    )
