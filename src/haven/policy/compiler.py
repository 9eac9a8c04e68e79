"""Compiling a policy to a dense outcome table over all 8,640,000 points of the space.

Cedar is the reference semantics, but calling it 8.6 million times takes minutes.
Instead:

1. For each rule, `haven.policy.dependence` partitions every attribute into classes
   of values the rule cannot tell apart.
2. The rule is evaluated ALONE through cedarpy (a one-rule `PolicySet`, batched) on
   one representative per combination of its classes — usually tens to hundreds of
   requests. Any evaluation error at any representative rejects the whole policy:
   Cedar skips an erroring rule, so an erroring `forbid` would turn into an allow.
3. Each rule's small match array is broadcast over the whole space and folded into
   per-point bit masks (bit i = rule i matched), one for forbids and one for permits.
4. Cedar's combination: any matching forbid denies (the matching forbids are the
   reasons); else any matching permit allows (the matching permits are the reasons);
   else deny by default with no reasons. The determining set of each point becomes
   its outcome (`haven.policy.table`).

Rules are independent in Cedar (each is evaluated on the request alone), so step 4
over per-rule results equals evaluating the whole set; the tests check this against
cedarpy on random points and whole regions of every shipped policy.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

import cedarpy
import numpy as np

from haven.policy import space
from haven.policy.cases import case_to_request
from haven.policy.dependence import Partition, partition_rule
from haven.policy.errors import PolicyError, PolicyEvaluationError
from haven.policy.model import Policy, Rule
from haven.policy.schema import schema
from haven.policy.table import (
    ALLOW,
    DENY,
    CompiledTable,
    Decision,
    Outcome,
    TableError,
    canonical_table,
)

ENGINE_VERSION = "1"
"""Bump when compilation changes meaning: it is part of the compile-cache key."""

_WORD_BITS = 64
_BATCH = 20_000
"""Requests per cedarpy batch: bounds memory when a rule must be enumerated widely."""


@cache
def empty_entities() -> cedarpy.Entities:
    """Haven's requests need no entity data: principal and resource have no attributes."""
    return cedarpy.Entities.from_json_str("[]")


def compile_table(policy: Policy) -> CompiledTable:
    """Evaluate `policy` over the whole decision space.

    Raises:
        PolicyEvaluationError: some rule errors at some point of the space.
        PolicyError: the policy has more distinct outcomes than a uint16 can number.
    """
    rules = policy.rules
    words = max(1, -(-len(rules) // _WORD_BITS))
    # The smallest unsigned type that holds one bit per rule keeps the peak memory of
    # compilation near the table's own size for policies of a few dozen rules.
    dtype = _word_dtype(len(rules)) if words == 1 else np.dtype(np.uint64)
    forbids = [np.zeros(space.SHAPE, dtype=dtype) for _ in range(words)]
    permits = [np.zeros(space.SHAPE, dtype=dtype) for _ in range(words)]
    for index, rule in enumerate(rules):
        matched = rule_match_array(rule)
        word, bit = divmod(index, _WORD_BITS)
        target = forbids if rule.effect == "forbid" else permits
        # In-place OR broadcasts the small per-rule array without materialising it.
        target[word] |= np.left_shift(matched.astype(dtype), dtype.type(bit))
    any_forbid = np.zeros(space.SHAPE, dtype=bool)
    for forbid_word in forbids:
        any_forbid |= forbid_word != 0
    # Where any forbid matches, the forbids determine the outcome; else the permits.
    for forbid_word, permit_word in zip(forbids, permits, strict=True):
        np.copyto(permit_word, forbid_word, where=any_forbid)
    del forbids, any_forbid
    determining = [word.reshape(-1) for word in permits]
    if words == 1:
        labels = determining[0]

        def outcome_of(label: int) -> Outcome:
            return outcome_for(rules, [label])

    else:
        rows, inverse = np.unique(np.stack(determining, axis=1), axis=0, return_inverse=True)
        labels = inverse.reshape(-1)

        def outcome_of(label: int) -> Outcome:
            return outcome_for(rules, [int(word) for word in rows[label]])

    try:
        return canonical_table(labels, outcome_of)
    except TableError as error:
        raise PolicyError(
            f"policy {policy.id!r} cannot be tabulated: {error}; split it into fewer, broader rules"
        ) from error


def _word_dtype(rule_count: int) -> np.dtype:
    for candidate in (np.uint8, np.uint16, np.uint32):
        if rule_count <= np.iinfo(candidate).bits:
            return np.dtype(candidate)
    return np.dtype(np.uint64)


def outcome_for(rules: Sequence[Rule], words: Sequence[int]) -> Outcome:
    """The outcome whose determining rules are the set bits of `words` (bit i = rule i)."""
    determining = [
        rule
        for index, rule in enumerate(rules)
        if (words[index // _WORD_BITS] >> (index % _WORD_BITS)) & 1
    ]
    if not determining:
        return Outcome(decision=DENY, rule_ids=(), obligations=())
    decision: Decision = DENY if determining[0].effect == "forbid" else ALLOW
    obligations: list[str] = []
    for rule in determining:
        obligations.extend(o for o in rule.obligations if o not in obligations)
    return Outcome(
        decision=decision,
        rule_ids=tuple(rule.id for rule in determining),
        obligations=tuple(obligations),
    )


def rule_match_array(rule: Rule) -> np.ndarray:
    """Where `rule` matches, as a bool array broadcastable to `space.SHAPE`.

    Dimensions of attributes the rule ignores have length 1.

    Raises:
        PolicyEvaluationError: the rule errors for some representative case.
    """
    partition = partition_rule(rule.est)
    small = _evaluate_on_classes(rule, partition)
    maps = [np.asarray(classes, dtype=np.intp) for classes in partition.class_maps]
    return small[np.ix_(*maps)]


def _evaluate_on_classes(rule: Rule, partition: Partition) -> np.ndarray:
    counts = partition.class_counts
    representatives = [np.asarray(r, dtype=np.intp) for r in partition.representatives()]
    grid = np.indices(counts).reshape(len(counts), -1).T
    positions = np.stack([representatives[j][grid[:, j]] for j in range(len(counts))], axis=1)
    policy_set = single_rule_policy_set(rule)
    matched = np.zeros(len(positions), dtype=bool)
    for start in range(0, len(positions), _BATCH):
        chunk = positions[start : start + _BATCH]
        cases = [_case_at(row) for row in chunk]
        results = cedarpy.is_authorized_batch(
            [case_to_request(case) for case in cases], policy_set, empty_entities(), schema()
        )
        for offset, (case, result) in enumerate(zip(cases, results, strict=True)):
            errors = list(result.diagnostics.errors)
            if errors:
                raise _evaluation_error(rule, case, errors)
            matched[start + offset] = rule.id in result.diagnostics.reasons
    return matched.reshape(counts)


def single_rule_policy_set(rule: Rule) -> cedarpy.PolicySet:
    """A Cedar policy set holding only `rule`, keyed by its `@id`."""
    document: dict[str, Any] = {
        "staticPolicies": {rule.id: dict(rule.est)},
        "templates": {},
        "templateLinks": [],
    }
    return cedarpy.PolicySet.from_json_str(json.dumps(document))


def _case_at(positions: np.ndarray) -> space.Case:
    return {
        attribute.name: attribute.values[int(position)]
        for attribute, position in zip(space.ATTRIBUTES, positions, strict=True)
    }


def _evaluation_error(rule: Rule, case: space.Case, errors: list[str]) -> PolicyEvaluationError:
    line = f" at line {rule.line}" if rule.line else ""
    return PolicyEvaluationError(
        f"rule {rule.id!r}{line} fails when evaluated, for example for the case "
        f"{json.dumps(case)}: {errors[0]}. Cedar would skip the rule there (an erroring "
        f"forbid would allow), so the policy is refused: make the rule total over the "
        f"decision space"
    )
