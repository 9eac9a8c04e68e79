"""The decision space's codes in plain words, for the diff on the DPO's pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from haven.policy.obligations import describe_obligation
from haven.web.sharing.labels import CONSENT, STATUS_CONCERNS, STATUS_SOURCES

ATTRIBUTE_LABELS = {
    "action": _("the action is"),
    "recipient": _("the recipient is"),
    "role": _("the person is"),
    "offence": _("the offence is"),
    "status_concern": _("the concern about their immigration status is"),
    "status_source": _("the concern came from"),
    "purpose": _("the purpose is"),
    "stage": _("the case is at"),
    "consent": _("consent:"),
    "risk_to_others": _("there is a risk to others:"),
    "regularisation_support": _("they are being helped to regularise their stay:"),
}

VALUE_LABELS: dict[str, Mapping[str, str]] = {
    "status_concern": STATUS_CONCERNS,
    "status_source": STATUS_SOURCES,
    "consent": CONSENT,
}


def value_words(attribute: str, value: object) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    code = str(value)
    labels = VALUE_LABELS.get(attribute)
    if labels and code in labels:
        return labels[code].lower()
    return code.replace("_", " ")


def when_words(when: Mapping[str, Sequence[object]]) -> list[str]:
    """One phrase per attribute a region constrains; empty means every case."""
    return [
        f"{ATTRIBUTE_LABELS.get(name, name.replace('_', ' '))} "
        + str(_(" or ")).join(value_words(name, value) for value in values)
        for name, values in when.items()
    ]


def decision_words(decision: str) -> str:
    return str(_("allowed") if decision == "allow" else _("refused"))


def obligation_words(codes: Sequence[str]) -> list[str]:
    return [describe_obligation(code) for code in codes]
