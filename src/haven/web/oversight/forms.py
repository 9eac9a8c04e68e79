"""The filters of the auditor's lists (bad input gets a message and filters nothing)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from haven.web.accounts.models import Force
from haven.web.oversight.labels import KIND_LABELS


class EventFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of event"), required=False)
    force = forms.ChoiceField(label=_("Force"), required=False)
    day = forms.DateField(
        label=_("Day"),
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=_("For example, 2026-11-28"),
        error_messages={"invalid": _("Enter a day as year-month-day, for example 2026-11-28")},
    )

    def __init__(self, *args, forces: QuerySet[Force], with_kind: bool = True, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["force"].choices = [("", _("All your forces"))] + [
            (force.code, force.name) for force in forces.order_by("name")
        ]
        self.fields["force"].error_messages["invalid_choice"] = _("Choose one of your forces")
        if with_kind:
            self.fields["kind"].choices = [("", _("All kinds"))] + [
                (code, label) for code, label in KIND_LABELS.items()
            ]
            self.fields["kind"].error_messages["invalid_choice"] = _("Choose a kind from the list")
        else:
            del self.fields["kind"]
            del self.fields["day"]
