"""What an outbound package may hold, by purpose: the one place that decides it.

Haven sends nothing anywhere by itself. When a request is released, the officer
downloads a package holding exactly the fields its purpose needs, and nothing from the
sealed compartment unless the purpose is to help the person regularise their stay (the
only purpose that needs their immigration position, and one they consented to under
every policy that allows it). `minimise_fields` narrows a package to the least its
purpose can work with.
"""

from __future__ import annotations

from collections.abc import Mapping

# Every field a package can hold, in the order a package lists them.
FIELDS: tuple[str, ...] = (
    "reference",
    "force",
    "offence",
    "stage",
    "person_role",
    "person_label",
    "person_name",
    "contact",
    "account",
    "status_concern",
    "status_note",
)

SEALED_FIELDS: frozenset[str] = frozenset({"status_concern", "status_note"})
"""Fields that come from the sealed compartment."""

_BY_PURPOSE: Mapping[str, tuple[str, ...]] = {
    "safeguarding": (
        "reference", "force", "offence", "stage", "person_role", "person_label",
        "person_name", "contact", "account",
    ),
    "investigation": (
        "reference", "force", "offence", "stage", "person_role", "person_label",
        "person_name", "account",
    ),
    "public_protection": (
        "reference", "force", "offence", "stage", "person_role", "person_label", "person_name",
    ),
    "immigration_control": ("reference", "force", "person_role", "person_name"),
    "regularisation_support": (
        "reference", "force", "offence", "stage", "person_role", "person_name", "contact",
        "status_concern", "status_note",
    ),
}  # fmt: skip

_MINIMAL: Mapping[str, tuple[str, ...]] = {
    "safeguarding": ("reference", "offence", "person_role", "person_label", "contact"),
    "investigation": ("reference", "offence", "stage", "person_role", "person_label"),
    "public_protection": ("reference", "offence", "person_role", "person_label"),
    "immigration_control": ("reference", "person_name"),
    "regularisation_support": ("reference", "person_name", "status_concern", "status_note"),
}


def package_fields(*, purpose: str, minimise: bool) -> tuple[str, ...]:
    """The fields a package for `purpose` holds (fewer with `minimise_fields`)."""
    chosen = (_MINIMAL if minimise else _BY_PURPOSE)[purpose]
    return tuple(field for field in FIELDS if field in chosen)


FIELD_LABELS: Mapping[str, str] = {
    "reference": "Report reference",
    "force": "Force",
    "offence": "Offence",
    "stage": "Stage of the case",
    "person_role": "Part in the report",
    "person_label": "How the report describes them",
    "person_name": "Name",
    "contact": "Safe contact",
    "account": "What happened, in the reporter's words",
    "status_concern": "Concern about immigration status",
    "status_note": "Notes about status or documents",
}
"""How each field is named on pages and in the PDF."""
