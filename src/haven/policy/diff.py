"""Exact diff of two compiled policies over the whole decision space (docs/contracts.md).

`diff(a, b)` counts the feasible points whose decision changes from policy A to
policy B and describes them as a few regions (see `haven.policy.regions` for the
region JSON convention: an attribute left out of `when` covers all its values). The
regions partition the changed points exactly: every changed point lies in exactly
one region, and at every feasible point of a region the decision goes from `from` to
`to` and the determining rules are `rules_from` under A and `rules_to` under B.

Nothing rests on silence. A point where one policy has a rule and the other decides
only by its default deny is *not stated* on one side: it is counted in `not_stated`
and described by `not_stated_regions` (with `silent` naming the side, "a" or "b"),
never as a change. A policy that is silent somewhere has not promised anything
there, and has not allowed anything either. Points where both are silent are equal.

How, without touching points one by one in Python:

1. Label each point with its pair of outcome ids (A's, B's); impossible points get a
   label of their own that nothing counts. Count the pairs (`np.bincount`); the
   counts give `changed`, `not_stated` and `outcome_changed` exactly.
2. Map each reported pair to its group (from, to, rules_from, rules_to) and every
   other pair to 0, giving a small label per point.
3. Cover each group's cells exactly with boxes (`regions.partition_labels`: impossible
   cells are don't-cares, attributes along which the label is constant are dropped
   and come back as "all values").

"Changed" means the decision (allow/deny) changes where both sides state it.
`outcome_changed` counts every stated point whose outcome (decision, rules or
obligations) differs, and `diff(a, b, outcomes=True)` partitions those instead (for
a change that only adds a duty).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from haven.policy.compiled import CompiledPolicy
from haven.policy.regions import Box, When, box_count, box_to_when, partition_labels
from haven.policy.space import SHAPE, feasible_count, feasible_mask
from haven.policy.table import CompiledTable, Decision, Outcome

PolicyLike = CompiledPolicy | CompiledTable


@dataclass(frozen=True)
class DiffRegion:
    """A box of points whose decision changes the same way, for the same rules."""

    box: Box
    from_decision: Decision
    to_decision: Decision
    rules_from: tuple[str, ...]
    rules_to: tuple[str, ...]
    obligations_from: tuple[str, ...] = ()
    obligations_to: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return box_count(self.box)

    @property
    def when(self) -> When:
        return box_to_when(self.box)

    @property
    def silent(self) -> str | None:
        """ "a" or "b" when that side decides only by default here, else None."""
        if not self.rules_from:
            return "a"
        if not self.rules_to:
            return "b"
        return None

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "when": self.when,
            "from": self.from_decision,
            "to": self.to_decision,
            "count": self.count,
            "rules_from": list(self.rules_from),
            "rules_to": list(self.rules_to),
            "obligations_from": list(self.obligations_from),
            "obligations_to": list(self.obligations_to),
        }
        if self.silent is not None:
            document["silent"] = self.silent
        return document


@dataclass(frozen=True)
class PolicyDiff:
    """The result of `diff`: counts and the exact region partition of the changes."""

    a: str
    b: str
    a_version: str | None
    b_version: str | None
    total: int
    """Feasible points compared (impossible combinations are left out)."""
    changed: int
    outcome_changed: int
    regions: tuple[DiffRegion, ...]
    not_stated: int = 0
    """Points where exactly one side has a rule and the other only its default deny."""
    not_stated_regions: tuple[DiffRegion, ...] = ()
    compare: str = "decision"
    """What the regions partition: "decision" changes, or any "outcome" change."""

    def to_json(self) -> dict[str, Any]:
        """The shape of `haven policy diff --json` (docs/contracts.md)."""
        return {
            "a": {"policy": self.a, "version": self.a_version},
            "b": {"policy": self.b, "version": self.b_version},
            "total": self.total,
            "changed": self.changed,
            "outcome_changed": self.outcome_changed,
            "not_stated": self.not_stated,
            "compare": self.compare,
            "regions": [region.to_json() for region in self.regions],
            "not_stated_regions": [region.to_json() for region in self.not_stated_regions],
        }


def _table(policy: PolicyLike) -> CompiledTable:
    if isinstance(policy, CompiledPolicy):
        return policy.table
    if isinstance(policy, CompiledTable):
        return policy
    raise TypeError(f"expected a CompiledPolicy or CompiledTable, got {type(policy).__name__}")


def _identity(policy: PolicyLike, fallback: str) -> tuple[str, str | None]:
    if isinstance(policy, CompiledPolicy):
        return policy.id, policy.version
    return fallback, None


def diff(
    a: PolicyLike, b: PolicyLike, *, outcomes: bool = False, regions: bool = True
) -> PolicyDiff:
    """Compare two compiled policies point by point, summarised as exact regions.

    By default the regions partition the feasible points, stated on both sides,
    whose decision changes. With `outcomes=True` they partition every such point
    whose outcome changes (decision, determining rules or obligations), so a change
    that only adds a duty such as `refer_to_support` shows up too; `changed` still
    counts decision changes. Points stated on one side only are always reported
    apart, in `not_stated` and `not_stated_regions`.

    Regions come largest first; ties are broken by (from, to, rules, box) so the
    result is the same on every run. With `regions=False` only the counts are
    computed (for a matrix of many pairs).

    Raises:
        TypeError: `a` or `b` is not a compiled policy or table.
    """
    table_a, table_b = _table(a), _table(b)
    count_a, count_b = len(table_a.outcomes), len(table_b.outcomes)
    impossible_label = count_a * count_b
    pair_dtype = np.dtype(np.uint16 if impossible_label < 1 << 16 else np.uint32)
    pair = table_a.outcome_ids.astype(pair_dtype)
    pair *= count_b
    pair += table_b.outcome_ids
    np.putmask(pair, ~feasible_mask().reshape(-1), impossible_label)
    pair_counts = np.bincount(pair, minlength=impossible_label + 1)

    # One small label per group of reported points (0: nothing to report), so the
    # projection below keeps only the attributes that matter to the changes.
    group_of: dict[tuple[Outcome, Outcome], int] = {}
    lookup = np.zeros(impossible_label + 1, dtype=np.uint16)
    changed = outcome_changed = not_stated = 0
    for label in np.flatnonzero(pair_counts[:impossible_label]).tolist():
        outcome_a = table_a.outcomes[label // count_b]
        outcome_b = table_b.outcomes[label % count_b]
        points = int(pair_counts[label])
        if outcome_a == outcome_b:
            continue
        if outcome_a.stated != outcome_b.stated:
            not_stated += points
        else:
            outcome_changed += points
            if outcome_a.decision != outcome_b.decision:
                changed += points
            elif not outcomes:
                continue
        # Same rules imply the same obligations and decision, so keying on the
        # outcome pair groups by (from, to, rules_from, rules_to) exactly.
        lookup[label] = group_of.setdefault((outcome_a, outcome_b), len(group_of) + 1)
    if len(group_of) < 256:
        lookup = lookup.astype(np.uint8)

    found: list[DiffRegion] = []
    if group_of and regions:
        boxes = partition_labels(lookup[pair].reshape(SHAPE), skip=0)
        for (outcome_a, outcome_b), group in group_of.items():
            for box in boxes.get(group, []):
                found.append(
                    DiffRegion(
                        box=box,
                        from_decision=outcome_a.decision,
                        to_decision=outcome_b.decision,
                        rules_from=outcome_a.rule_ids,
                        rules_to=outcome_b.rule_ids,
                        obligations_from=outcome_a.obligations,
                        obligations_to=outcome_b.obligations,
                    )
                )
    found.sort(key=_region_order)
    a_id, a_version = _identity(a, "A")
    b_id, b_version = _identity(b, "B")
    return PolicyDiff(
        a=a_id,
        b=b_id,
        a_version=a_version,
        b_version=b_version,
        total=feasible_count(),
        changed=changed,
        outcome_changed=outcome_changed,
        regions=tuple(region for region in found if region.silent is None),
        not_stated=not_stated,
        not_stated_regions=tuple(region for region in found if region.silent is not None),
        compare="outcome" if outcomes else "decision",
    )


def _region_order(region: DiffRegion) -> tuple[Any, ...]:
    return (
        -region.count,
        region.from_decision,
        region.to_decision,
        region.rules_from,
        region.rules_to,
        region.box,
    )


def changed_mask(a: PolicyLike, b: PolicyLike) -> np.ndarray:
    """Bool array over all points (length `SIZE`): True where the decision changes at a
    feasible point that both sides state.

    The direct numpy definition of "changed", which `diff` must agree with.
    """
    table_a, table_b = _table(a), _table(b)
    return (
        (table_a.allow_mask() != table_b.allow_mask())
        & table_a.stated_mask()
        & table_b.stated_mask()
        & feasible_mask().reshape(-1)
    )


def not_stated_mask(a: PolicyLike, b: PolicyLike) -> np.ndarray:
    """Bool array over all points: True at feasible points stated by exactly one side."""
    return (_table(a).stated_mask() != _table(b).stated_mask()) & feasible_mask().reshape(-1)


def regions_mask(regions: tuple[DiffRegion, ...] | list[DiffRegion]) -> np.ndarray:
    """How many regions contain each feasible point (int array of shape `SHAPE`)."""
    seen = np.zeros(SHAPE, dtype=np.int64)
    for region in regions:
        seen[np.ix_(*region.box)] += 1
    seen[~feasible_mask()] = 0
    return seen
