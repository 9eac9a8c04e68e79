"""Exact diff of two compiled policies over the whole decision space (DESIGN.md §6).

`diff(a, b)` counts the points whose decision changes from policy A to policy B and
describes them as a few regions (see `haven.policy.regions` for the region JSON
convention: an attribute left out of `when` covers all its values). The regions
partition the changed points exactly: every changed point lies in exactly one
region, and at every point of a region the decision goes from `from` to `to` and the
determining rules are `rules_from` under A and `rules_to` under B (an empty list is
the default deny).

How, without touching points one by one in Python:

1. Label each point with its pair of outcome ids (A's, B's) and count the pairs
   (`np.bincount`); the counts give `changed` exactly.
2. Map each changed pair to its group (from, to, rules_from, rules_to) and every
   unchanged pair to 0, giving a small label per point; drop every attribute along
   which that label is constant (it plays no part in any change).
3. Cover each group's cells of the reduced array exactly with boxes
   (`regions.cover`), and put the dropped attributes back as "all values".

"Changed" means the decision (allow/deny) changes. Points where both policies decide
the same but for different rules are not counted; `outcome_changed` counts every
point whose outcome (decision, rules or obligations) differs, and `diff(a, b,
outcomes=True)` partitions those instead (for a change that only adds a duty).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from haven.policy.compiled import CompiledPolicy
from haven.policy.regions import (
    Box,
    When,
    box_count,
    box_to_when,
    cover,
    drop_constant_axes,
    expand_box,
)
from haven.policy.space import SHAPE, SIZE
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

    def to_json(self) -> dict[str, Any]:
        return {
            "when": self.when,
            "from": self.from_decision,
            "to": self.to_decision,
            "count": self.count,
            "rules_from": list(self.rules_from),
            "rules_to": list(self.rules_to),
            "obligations_from": list(self.obligations_from),
            "obligations_to": list(self.obligations_to),
        }


@dataclass(frozen=True)
class PolicyDiff:
    """The result of `diff`: counts and the exact region partition of the changes."""

    a: str
    b: str
    a_version: str | None
    b_version: str | None
    total: int
    changed: int
    outcome_changed: int
    regions: tuple[DiffRegion, ...]
    compare: str = "decision"
    """What the regions partition: "decision" changes, or any "outcome" change."""

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md §6 shape of `haven policy diff --json` (plus provenance)."""
        return {
            "a": {"policy": self.a, "version": self.a_version},
            "b": {"policy": self.b, "version": self.b_version},
            "total": self.total,
            "changed": self.changed,
            "outcome_changed": self.outcome_changed,
            "compare": self.compare,
            "regions": [region.to_json() for region in self.regions],
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


def diff(a: PolicyLike, b: PolicyLike, *, outcomes: bool = False) -> PolicyDiff:
    """Compare two compiled policies point by point, summarised as exact regions.

    By default the regions partition the points whose decision changes. With
    `outcomes=True` they partition every point whose outcome changes (decision,
    determining rules or obligations), so a change that only adds a duty such as
    `refer_to_support` shows up too; `changed` still counts decision changes.

    Regions come largest first; ties are broken by (from, to, rules, box) so the
    result is the same on every run.

    Raises:
        TypeError: `a` or `b` is not a compiled policy or table.
    """
    table_a, table_b = _table(a), _table(b)
    count_a, count_b = len(table_a.outcomes), len(table_b.outcomes)
    pair_dtype = np.uint16 if count_a * count_b <= 1 << 16 else np.uint32
    pair = table_a.outcome_ids.astype(pair_dtype, copy=False) * pair_dtype(count_b)
    pair += table_b.outcome_ids
    pair_counts = np.bincount(pair, minlength=count_a * count_b)

    # One small label per group of changed points (0: unchanged), so the projection
    # below keeps only the attributes that matter to the changes themselves.
    group_of: dict[tuple[Outcome, Outcome], int] = {}
    lookup = np.zeros(count_a * count_b, dtype=np.uint16)
    changed = 0
    outcome_changed = 0
    for label in np.flatnonzero(pair_counts).tolist():
        outcome_a = table_a.outcomes[label // count_b]
        outcome_b = table_b.outcomes[label % count_b]
        points = int(pair_counts[label])
        if outcome_a == outcome_b:
            continue
        outcome_changed += points
        if outcome_a.decision != outcome_b.decision:
            changed += points
        elif not outcomes:
            continue
        # Same rules imply the same obligations and decision, so keying on the
        # outcome pair groups by (from, to, rules_from, rules_to) exactly.
        key = (outcome_a, outcome_b)
        lookup[label] = group_of.setdefault(key, len(group_of) + 1)
    if len(group_of) < 256:
        lookup = lookup.astype(np.uint8)

    regions: list[DiffRegion] = []
    if group_of:
        reduced, kept = drop_constant_axes(lookup[pair].reshape(SHAPE))
        for (outcome_a, outcome_b), group in group_of.items():
            for sub_box in cover(reduced == group):
                regions.append(
                    DiffRegion(
                        box=expand_box(sub_box, kept),
                        from_decision=outcome_a.decision,
                        to_decision=outcome_b.decision,
                        rules_from=outcome_a.rule_ids,
                        rules_to=outcome_b.rule_ids,
                        obligations_from=outcome_a.obligations,
                        obligations_to=outcome_b.obligations,
                    )
                )
    regions.sort(key=_region_order)
    a_id, a_version = _identity(a, "A")
    b_id, b_version = _identity(b, "B")
    return PolicyDiff(
        a=a_id,
        b=b_id,
        a_version=a_version,
        b_version=b_version,
        total=SIZE,
        changed=changed,
        outcome_changed=outcome_changed,
        regions=tuple(regions),
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
    """Bool array over all points (length `SIZE`): True where the decision changes.

    The direct numpy definition of "changed", which `diff` must agree with.
    """
    return _table(a).allow_mask() != _table(b).allow_mask()


def regions_mask(regions: tuple[DiffRegion, ...] | list[DiffRegion]) -> np.ndarray:
    """How many regions contain each point (int array of shape `SHAPE`)."""
    seen = np.zeros(SHAPE, dtype=np.int64)
    for region in regions:
        seen[np.ix_(*region.box)] += 1
    return seen
