"""The obligation vocabulary (docs/decision-space.md), with the plain-English duty each names.

`@obligation` annotations may only use these names; the loader refuses any other.
Extend the vocabulary here (and in docs/decision-space.md) rather than inventing names in a policy.
"""

from __future__ import annotations

from collections.abc import Mapping

OBLIGATIONS: Mapping[str, str] = {
    "record_rationale": "record the reason for the decision",
    "supervisor_approval": "get a supervisor's approval first",
    "dual_control": "have a second officer confirm it (dual control)",
    "refer_to_support": "refer the person to a support service",
    "minimise_fields": "share only the fields needed",
    "notify_subject": "tell the person what was shared and why",
    "treat_as_victim": "treat the person first and foremost as a victim",
    "no_enforcement_action": "take no immigration enforcement action",
    "defer_until_concluded": "wait until the criminal case has concluded",
}


def split_obligations(annotation: str) -> tuple[str, ...]:
    """The obligation names in one `@obligation` value: comma-separated, blanks ignored."""
    return tuple(part.strip() for part in annotation.split(",") if part.strip())


def describe_obligation(name: str) -> str:
    """The plain-English duty for an obligation name (the name itself if unknown)."""
    return OBLIGATIONS.get(name, name.replace("_", " "))
