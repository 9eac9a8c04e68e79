"""The decision space of DESIGN.md §3, restated so these tests do not depend on haven.policy."""

from __future__ import annotations

from typing import Any

SPACE: dict[str, list[Any]] = {
    "action": ["pnc_check", "status_check", "disclose", "immigration_arrest", "enforcement"],
    "recipient": [
        "immigration_enforcement",
        "safeguarding_partner",
        "police",
        "support_service",
        "none",
    ],
    "role": ["victim", "witness", "suspect", "victim_and_suspect"],
    "offence": [
        "domestic_abuse",
        "sexual_offence",
        "modern_slavery",
        "honour_based_abuse",
        "stalking_harassment",
        "hate_crime",
        "violent_crime",
        "other",
    ],
    "status_concern": ["none", "unknown", "doubt", "suspected", "confirmed"],
    "purpose": [
        "immigration_control",
        "safeguarding",
        "investigation",
        "public_protection",
        "regularisation_support",
    ],
    "stage": ["report", "investigation", "prosecution", "concluded"],
    "consent": ["given", "refused", "not_sought"],
    "risk_to_others": [False, True],
    "risk_to_life": [False, True],
    "regularisation_support": [False, True],
}
