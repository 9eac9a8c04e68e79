"""Human labels for the gateway's codes: staff pages never show a raw code."""

from __future__ import annotations

from django.db.models import TextChoices

from haven.policy.obligations import describe_obligation

STATUS_CONCERNS: dict[str, str] = {
    "none": "No concern (clears an earlier one)",
    "doubt": "Only doubts or concerns",
    "suspected": "Specific information that they lack leave to remain, not confirmed",
    "confirmed": "Confirmed to lack leave to remain",
    "unknown": "Never considered",
}

STATUS_SOURCES: dict[str, str] = {
    "none": "Nobody (there is no concern)",
    "self": "The person themselves (for instance, to get help)",
    "officer": "An officer's own observation, or a check done for another purpose",
    "suspect": "The person they reported (for instance, an abuser)",
    "third_party": "Someone else",
    "records": "An existing marker on police or Home Office records",
}

CONSENT: dict[str, str] = {
    "given": "Yes, they consented",
    "refused": "No, they refused",
    "not_sought": "They have not been asked",
}

OBLIGATION_TITLES: dict[str, str] = {
    "record_rationale": "Record the reason",
    "supervisor_approval": "A supervisor's approval",
    "dual_control": "Two different approvers (dual control)",
    "refer_to_support": "Refer the person to a support service",
    "minimise_fields": "Share only the fields the purpose needs",
    "notify_subject": "Tell the person on their follow-up page",
    "defer_until_concluded": "Wait until the case has concluded",
    "treat_as_victim": "Treat the person first and foremost as a victim",
    "no_enforcement_action": "Take no immigration enforcement action",
}


def label_of(choices: type[TextChoices], code: str) -> str:
    """The label of `code` in `choices`, or the code with spaces if it is not one."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code.replace("_", " ")


def concern_label(code: str) -> str:
    return STATUS_CONCERNS.get(code, code.replace("_", " "))


def obligation_title(code: str) -> str:
    return OBLIGATION_TITLES.get(code, describe_obligation(code).capitalize())
