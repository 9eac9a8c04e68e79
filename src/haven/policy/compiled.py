"""A policy together with its compiled table, and `compile_policy` with the disk cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from haven.policy.cache import cache_key, default_cache_dir, read_table, write_table
from haven.policy.compiler import ENGINE_VERSION, compile_table
from haven.policy.decide import Decider, PolicyDecision
from haven.policy.model import Policy
from haven.policy.schema import schema_text
from haven.policy.table import CompiledTable


@dataclass(frozen=True, eq=False)
class CompiledPolicy:
    """A loaded policy and its outcome table over the whole decision space."""

    policy: Policy
    table: CompiledTable
    decider: Decider = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "decider", Decider(self.policy, self.table))

    @property
    def id(self) -> str:
        return self.policy.id

    @property
    def version(self) -> str:
        return self.policy.version

    def decide(self, case: Any) -> PolicyDecision:
        """Validate `case` and decide it from the table (see `haven.policy.decide`).

        Raises:
            InvalidCaseError: `case` is not a point of the space, or cannot happen.
        """
        return self.decider.decide(case)

    def allowed_at(self, points: np.ndarray) -> np.ndarray:
        """Allow (True) or deny (False) for many point indices at once."""
        return self.table.allowed_at(points)

    def outcome_ids_at(self, points: np.ndarray) -> np.ndarray:
        """Outcome ids for many point indices; `self.table.outcomes[id]` is each outcome."""
        return self.table.outcome_ids_at(points)


def compile_policy(
    policy: Policy, *, use_cache: bool = True, cache_dir: Path | None = None
) -> CompiledPolicy:
    """Compile `policy` over the whole space, reading and filling the disk cache.

    A cached table is used only if it reads back intact and names only rules the
    policy has; otherwise the policy is recompiled and the file replaced. Either way
    the table returned is the read-only memory map of the cache file, which every
    process that loads the policy shares. Failing to write the cache (read-only data
    directory) does not fail the compilation: the table then stays in this process.

    Raises:
        PolicyEvaluationError: some rule errors at some point of the space.
    """
    if not use_cache:
        return CompiledPolicy(policy=policy, table=compile_table(policy))
    directory = cache_dir if cache_dir is not None else default_cache_dir()
    key = cache_key(
        policy_text=policy.text, schema_text=schema_text(), engine_version=ENGINE_VERSION
    )
    table = read_table(directory, key)
    if table is not None and _names_only_known_rules(table, policy):
        return CompiledPolicy(policy=policy, table=table)
    table = compile_table(policy)
    try:
        write_table(directory, key, table)
    except OSError:
        return CompiledPolicy(policy=policy, table=table)  # the cache is an optimisation
    # Serve the mapped copy, so this process shares the table with every other one.
    mapped = read_table(directory, key)
    return CompiledPolicy(policy=policy, table=mapped if mapped is not None else table)


def _names_only_known_rules(table: CompiledTable, policy: Policy) -> bool:
    known = {rule.id for rule in policy.rules}
    return all(set(outcome.rule_ids) <= known for outcome in table.outcomes)
