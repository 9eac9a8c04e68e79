"""Plain-English explanations of a decision, for officers and for the people affected.

`RECIPIENT_PHRASES` is the one wording of each recipient (the notice uses it too).

An explanation names the decision, what was asked, the rules that determined it (by id,
in their own `@summary` words) and the duties that come with it. The rules' sources
travel with the decision's reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from haven.policy.model import Rule
from haven.policy.obligations import describe_obligation
from haven.policy.space import Case
from haven.policy.table import Outcome

RECIPIENT_PHRASES: Mapping[str, str] = {
    "immigration_enforcement": "Immigration Enforcement",
    "nrm": "the National Referral Mechanism (for victims of modern slavery)",
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
    """A short paragraph: the decision, the determining rules in their own words, duties.

    Sources are not repeated here: they travel with the reasons.
    """
    by_id = {rule.id: rule for rule in rules}
    asked = describe_action(case)
    if not outcome.rule_ids:
        return (
            f"Denied by default. No rule of this policy permits {asked} in this situation, "
            "and anything a policy does not explicitly permit is refused."
        )
    verb = "permitted" if outcome.allowed else "forbidden"
    cited = [by_id[rule_id] for rule_id in outcome.rule_ids]
    sentence = f"{asked[:1].upper()}{asked[1:]} is {verb}"
    if len(cited) == 1:
        text = f"{sentence} by rule {cited[0].id}: {_sentence(cited[0].summary)}"
    else:
        text = f"{sentence} by {len(cited)} rules. " + " ".join(
            f"{rule.id}: {_sentence(rule.summary)}" for rule in cited
        )
    text = f"{'Allowed' if outcome.allowed else 'Denied'}. {text}"
    if outcome.obligations:
        duties = "; ".join(describe_obligation(name) for name in outcome.obligations)
        text += f" {'Conditions' if outcome.allowed else 'Also'}: {duties}."
    return text


def _sentence(summary: str) -> str:
    return summary if summary.endswith((".", "!", "?")) else summary + "."
