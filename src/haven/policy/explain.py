"""Plain-English explanations of a decision, for officers and for the people affected.

An explanation names what was asked, the decision, the rules that determined it (in
their own `@summary` words, with their `@source`) and the duties that come with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from haven.policy.model import Rule
from haven.policy.obligations import describe_obligation
from haven.policy.space import Case
from haven.policy.table import Outcome

RECIPIENT_PHRASES: Mapping[str, str] = {
    "immigration_enforcement": "Immigration Enforcement",
    "safeguarding_partner": "a safeguarding partner",
    "police": "another police body",
    "support_service": "a support service",
    "none": "no named recipient",
}


def describe_action(case: Case) -> str:
    """What the case asks for, as a noun phrase ("a status check with …")."""
    action = case["action"]
    if action == "pnc_check":
        return "a police database (PNC/PND) check for an immigration marker"
    if action == "status_check":
        return "a request to Immigration Enforcement for the person's status"
    if action == "disclose":
        return f"passing the person's data to {RECIPIENT_PHRASES[str(case['recipient'])]}"
    if action == "immigration_arrest":
        return "a police arrest on immigration grounds"
    return "Immigration Enforcement action against the person"


def explain(outcome: Outcome, rules: Sequence[Rule], case: Case) -> str:
    """One paragraph: decision, determining rules with sources, obligations."""
    by_id = {rule.id: rule for rule in rules}
    asked = describe_action(case)
    if not outcome.rule_ids:
        return (
            f"Denied by default: no rule of this policy permits {asked} in this situation, "
            "and anything not explicitly permitted is refused."
        )
    cited = "; ".join(_cite(by_id[rule_id]) for rule_id in outcome.rule_ids)
    if outcome.allowed:
        text = f"Allowed: {asked} is permitted because {cited}."
        if outcome.obligations:
            duties = ", ".join(describe_obligation(name) for name in outcome.obligations)
            text += f" Conditions: {duties}."
        return text
    text = f"Denied: {asked} is forbidden because {cited}."
    if outcome.obligations:
        duties = ", ".join(describe_obligation(name) for name in outcome.obligations)
        text += f" Also: {duties}."
    return text


def _cite(rule: Rule) -> str:
    summary = rule.summary.rstrip(".")
    return f"{summary[:1].lower()}{summary[1:]} (rule {rule.id}, {rule.source})"
