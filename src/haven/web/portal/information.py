"""What the information page shows for one policy: the notice and the proven promises,
each with the rules that keep it (docs/portal.md, "Information page").

Only promises whose status is `holds` are here: every point of the promise's region is
decided by a cited rule of the policy and keeps the promise. A promise that fails, or
that would rest on the policy's silence (`not_stated`), is never shown as a promise.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from haven.policy import CompiledPolicy
from haven.policy.decide import Reason
from haven.policy.notice import ExposureCondition, notice
from haven.policy.promises import Promise, PromiseResult, check, load_promises
from haven.policy.regions import region_view
from haven.policy.space import SHAPE, feasible_mask


@dataclass(frozen=True)
class KeptPromise:
    """A promise that holds under the policy, and the rules that keep it."""

    promise: Promise
    rules: tuple[Reason, ...]

    @property
    def id(self) -> str:
        return self.promise.id


@dataclass(frozen=True)
class PolicyInformation:
    policy_id: str
    version: str
    title: str
    promises: tuple[KeptPromise, ...]
    """The catalogue promises that hold, in catalogue order."""
    checked: int
    """How many catalogue promises were checked."""
    conditions: tuple[ExposureCondition, ...]
    """When a reporter's or named relative's data can reach Immigration Enforcement."""
    silences: tuple[ExposureCondition, ...]
    """Where the policy says nothing either way."""


def policy_information(compiled: CompiledPolicy) -> PolicyInformation:
    """The information page's content for `compiled` (computed once per policy version)."""
    return _information(compiled.id, compiled.version, compiled)


@lru_cache(maxsize=128)
def _information(policy_id: str, version: str, compiled: CompiledPolicy) -> PolicyInformation:
    # The cache key is the id and version: a force switching policy gets the other entry.
    # 128 holds every force's version in force (43) with room for their histories.
    catalogue = load_promises()
    results = check(compiled, catalogue)
    document = notice(compiled, catalogue)
    kept = tuple(
        KeptPromise(promise=result.promise, rules=keeping_rules(compiled, result))
        for result in results
        if result.holds
    )
    # The notice states the same set; if the two ever disagreed, showing either would
    # be showing something unproven.
    if [promise.id for promise in document.promises] != [promise.id for promise in kept]:
        raise AssertionError(f"{policy_id}: the notice and the promise check disagree")
    return PolicyInformation(
        policy_id=policy_id,
        version=version,
        title=compiled.policy.title,
        promises=kept,
        checked=len(catalogue),
        conditions=document.conditions,
        silences=document.silences,
    )


def keeping_rules(compiled: CompiledPolicy, result: PromiseResult) -> tuple[Reason, ...]:
    """The rules that decide the points of a holding promise's region, in policy order:
    the rules a reader can look up to see why the promise holds."""
    if not result.holds:
        raise ValueError(f"promise {result.promise.id!r} does not hold: no rule keeps it")
    table = compiled.table
    box = result.promise.box
    ids = region_view(table.outcome_ids.reshape(SHAPE), box)
    present = np.unique(ids[region_view(feasible_mask(), box)]).tolist()
    rule_ids = {rule_id for k in present for rule_id in table.outcomes[k].rule_ids}
    return tuple(
        Reason(id=rule.id, summary=rule.summary, source=rule.source)
        for rule in compiled.policy.rules
        if rule.id in rule_ids
    )
