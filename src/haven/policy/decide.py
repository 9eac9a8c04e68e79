"""Deciding a case from a compiled policy: the result object the CLI and the site show.

`decide` validates the case, looks up its point in the compiled table and returns a
`PolicyDecision` carrying the decision, the determining rules with their summaries and
sources, the obligations and a plain-English explanation. `decide_points` is the
batch path: outcome ids for many pre-encoded point indices in one numpy lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from haven.policy.cases import validate_case
from haven.policy.compiled import CompiledPolicy
from haven.policy.explain import describe_action, explain
from haven.policy.space import Case, case_to_point
from haven.policy.table import Decision


@dataclass(frozen=True)
class Reason:
    """A rule that determined a decision, with its citation."""

    id: str
    summary: str
    source: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "summary": self.summary, "source": self.source}


@dataclass(frozen=True)
class PolicyDecision:
    """The answer for one case under one policy version."""

    policy: str
    version: str
    case: Case
    decision: Decision
    reasons: tuple[Reason, ...]
    obligations: tuple[str, ...]
    explanation: str

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md §6 shape of `haven policy decide --json`."""
        return {
            "policy": self.policy,
            "version": self.version,
            "decision": self.decision,
            "reasons": [reason.to_json() for reason in self.reasons],
            "obligations": list(self.obligations),
            "explanation": self.explanation,
        }


def decide(compiled: CompiledPolicy, case: Any) -> PolicyDecision:
    """Decide one case.

    Raises:
        InvalidCaseError: `case` is not a point of the decision space (the message
            names the key and its allowed values).
    """
    clean = validate_case(case)
    outcome_id = int(compiled.table.outcome_ids[case_to_point(clean)])
    outcome = compiled.table.outcomes[outcome_id]
    policy = compiled.policy
    # Reasons depend only on the outcome, the explanation only on the outcome and
    # the action asked for: build each once per compiled policy.
    reasons_key = ("reasons", outcome_id)
    reasons = compiled.memo.get(reasons_key)
    if reasons is None:
        reasons = tuple(
            Reason(id=rule.id, summary=rule.summary, source=rule.source)
            for rule in (policy.rule(rule_id) for rule_id in outcome.rule_ids)
        )
        compiled.memo[reasons_key] = reasons
    explanation_key = ("explanation", outcome_id, describe_action(clean))
    explanation = compiled.memo.get(explanation_key)
    if explanation is None:
        explanation = explain(outcome, policy.rules, clean)
        compiled.memo[explanation_key] = explanation
    return PolicyDecision(
        policy=policy.id,
        version=policy.version,
        case=clean,
        decision=outcome.decision,
        reasons=reasons,
        obligations=outcome.obligations,
        explanation=explanation,
    )


def decide_points(compiled: CompiledPolicy, points: np.ndarray) -> np.ndarray:
    """Allow (True) / deny (False) for many point indices at once."""
    allowed = np.array([outcome.allowed for outcome in compiled.table.outcomes], dtype=bool)
    return allowed[compiled.table.outcome_ids[points]]
