"""The public key set of every release: each category Haven counts, with its label.

A key is `<dimension>:<value>`, the values taken from the models' fixed choices. The set
is public and the same for every force and every quarter; a release publishes a noisy
count for every key, empty or not, so which categories appear says nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.web.reporting.models import Offence
from haven.web.sharing.models import Action, Recipient

SUBJECT_ACCESS_ANSWERED = "answered"
SUBJECT_ACCESS_EXEMPT = "answered_with_immigration_exemption"


@dataclass(frozen=True)
class Dimension:
    """One histogram of a release: its code, its heading and its categories' labels."""

    code: str
    title: Promise
    labels: dict[str, Promise]

    def key(self, value: str) -> str:
        return f"{self.code}:{value}"


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("action", _("Requests by action"), dict(Action.choices)),
    Dimension("recipient", _("Requests by recipient"), dict(Recipient.choices)),
    Dimension("decision", _("Requests by decision"), {"allow": _("Allowed"), "deny": _("Denied")}),
    Dimension("offence", _("Reports by offence category"), dict(Offence.choices)),
    Dimension(
        "subject_access",
        _("Subject access requests answered"),
        {
            SUBJECT_ACCESS_ANSWERED: _("Answered in full"),
            SUBJECT_ACCESS_EXEMPT: _("Answered with the immigration exemption applied"),
        },
    ),
)

KEYS: tuple[str, ...] = tuple(
    dimension.key(value) for dimension in DIMENSIONS for value in dimension.labels
)
"""The public key set, in its published order."""

_BY_CODE = {dimension.code: dimension for dimension in DIMENSIONS}


def key_for(code: str, value: str) -> str:
    """The key of `value` in dimension `code` (a value outside the choices is still a
    key, but not in the key set, so it is not counted)."""
    return f"{code}:{value}"


def key_split(key: str) -> tuple[Dimension, str]:
    """The dimension and value of a key (`action:disclose`)."""
    code, value = key.split(":", 1)
    return _BY_CODE[code], value


def key_label(key: str) -> Promise:
    dimension, value = key_split(key)
    return dimension.labels[value]
