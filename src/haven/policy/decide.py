"""Deciding one case from a compiled table: the result object the CLI and the site show.

A `Decider` answers cases for one policy and its table. It validates the case, looks
up its point and returns a `PolicyDecision`: the decision, the determining rules with
their summaries and sources, the obligations and a plain-English explanation.

The answer depends only on the point's outcome and on what was asked (the action,
and the recipient of a disclosure), so the reasons and explanation for each such
pair are built once and reused: after the first case of its kind, deciding costs a
lookup per attribute and one into the table. Batch questions over many points go
through `CompiledTable.allowed_at` / `outcome_ids_at` instead.

This module does not know `CompiledPolicy`; `haven.policy.compiled` builds a
`Decider` for each compiled policy (so the import goes one way only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from haven.policy.cases import case_point
from haven.policy.explain import explain
from haven.policy.model import Policy
from haven.policy.space import Case
from haven.policy.table import ALLOW, CompiledTable, Decision


@dataclass(frozen=True)
class Reason:
    """A rule that determined a decision, with its citation."""

    id: str
    summary: str
    source: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "summary": self.summary, "source": self.source}


@dataclass(slots=True)
class PolicyDecision:
    """The answer for one case under one policy version.

    Not frozen: a frozen dataclass costs twice as much to build, and `decide` builds
    one per call. Nothing in Haven mutates a decision after it is made.
    """

    policy: str
    version: str
    case: Case
    decision: Decision
    reasons: tuple[Reason, ...]
    obligations: tuple[str, ...]
    explanation: str

    @property
    def allowed(self) -> bool:
        return self.decision == ALLOW

    @property
    def stated(self) -> bool:
        """True when a rule decided; False when only the default deny did."""
        return bool(self.reasons)

    def to_json(self) -> dict[str, Any]:
        """The shape of `haven policy decide --json` (docs/contracts.md)."""
        return {
            "policy": self.policy,
            "version": self.version,
            "decision": self.decision,
            "reasons": [reason.to_json() for reason in self.reasons],
            "obligations": list(self.obligations),
            "explanation": self.explanation,
        }


_Answer = tuple[Decision, tuple[Reason, ...], tuple[str, ...], str]


class Decider:
    """Decides cases for one policy from its compiled table (see the module docstring)."""

    def __init__(self, policy: Policy, table: CompiledTable) -> None:
        self._policy = policy
        self._table = table
        # A memoryview index returns a Python int directly, three times faster than
        # a numpy scalar; the array may be memory-mapped and stays shared.
        self._ids = memoryview(table.outcome_ids)  # type: ignore[arg-type]
        self._answers: dict[tuple[int, Any, Any], _Answer] = {}

    def decide(self, case: Any) -> PolicyDecision:
        """Decide one case.

        Raises:
            InvalidCaseError: `case` is not a point of the decision space, or one that
                cannot happen (the message names the key and its allowed values).
        """
        point, clean = case_point(case)
        outcome_id = self._ids[point]
        key = (outcome_id, clean["action"], clean["recipient"])
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answer(outcome_id, clean)
            self._answers[key] = answer
        decision, reasons, obligations, explanation = answer
        return PolicyDecision(
            self._policy.id,
            self._policy.version,
            clean,
            decision,
            reasons,
            obligations,
            explanation,
        )

    def _answer(self, outcome_id: int, case: Case) -> _Answer:
        outcome = self._table.outcomes[outcome_id]
        policy = self._policy
        reasons = tuple(
            Reason(id=rule.id, summary=rule.summary, source=rule.source)
            for rule in (policy.rule(rule_id) for rule_id in outcome.rule_ids)
        )
        return (
            outcome.decision,
            reasons,
            outcome.obligations,
            explain(outcome, policy.rules, case),
        )
