"""The compiled decision table: one outcome per point of the decision space.

Layout (the interface diff, promise checks and `decide` read):

- `outcome_ids`: a read-only numpy array of length `space.SIZE` (8,640,000), of
  `uint8` when a policy has at most 256 distinct outcomes (every shipped policy) and
  `uint16` otherwise. Entry `i` is the outcome id of point index `i`, where points are
  numbered in the mixed-radix order of `haven.policy.space` (`action` most
  significant, `regularisation_support` least). `outcome_ids.reshape(space.SHAPE)` is
  the 11-dimensional view, indexed `[action, recipient, role, offence,
  status_concern, status_source, purpose, stage, consent, risk_to_others,
  regularisation_support]` by value position. Impossible points
  (`space.feasible_mask`) have outcomes too (Cedar answers for them); every analysis
  leaves them out. The array may be memory-mapped from the compile cache, so several
  server processes share one copy.
- `outcomes`: a tuple of distinct `Outcome`s; `outcomes[k]` is what outcome id `k`
  means. Ids are assigned in order of first appearance in point order, so point 0
  always has outcome id 0 and two compilations of the same policy give identical
  tables whatever method built them.

An `Outcome` is Cedar's answer at that point: the decision (`allow`/`deny`), the ids of
the determining rules (every matching `forbid` when any matches, else every matching
`permit`, else none: deny by default), in policy order, and the obligations those
rules carry (first appearance order, without repeats). An outcome with no rules is
*not stated*: the policy says nothing there, and only the default deny decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from haven.policy import space

Decision = Literal["allow", "deny"]
ALLOW: Decision = "allow"
DENY: Decision = "deny"

OUTCOME_DTYPES: tuple[type[np.unsignedinteger], ...] = (np.uint8, np.uint16)
"""The id types a table may use, smallest first: the smallest that numbers every outcome."""
MAX_OUTCOMES = int(np.iinfo(OUTCOME_DTYPES[-1]).max) + 1


def outcome_dtype(count: int) -> np.dtype:
    """The smallest id type that numbers `count` outcomes.

    Raises:
        TableError: more outcomes than the largest type can number.
    """
    for candidate in OUTCOME_DTYPES:
        if count <= int(np.iinfo(candidate).max) + 1:
            return np.dtype(candidate)
    raise TableError(f"expected at most {MAX_OUTCOMES} distinct outcomes, got {count}")


class TableError(ValueError):
    """A table does not have the layout described in this module."""


@dataclass(frozen=True)
class Outcome:
    """Cedar's answer at one point: decision, determining rule ids, obligations."""

    decision: Decision
    rule_ids: tuple[str, ...]
    obligations: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return self.decision == ALLOW

    @property
    def stated(self) -> bool:
        """True when a rule decided; False when only the default deny did."""
        return bool(self.rule_ids)


@dataclass(frozen=True)
class CompiledTable:
    """Dense outcome table over the whole decision space (layout: module docstring)."""

    outcome_ids: np.ndarray
    outcomes: tuple[Outcome, ...]

    def __post_init__(self) -> None:
        ids = self.outcome_ids
        if ids.dtype not in OUTCOME_DTYPES or ids.shape != (space.SIZE,):
            expected = " or ".join(str(np.dtype(t)) for t in OUTCOME_DTYPES)
            raise TableError(
                f"outcome_ids: expected {expected} of shape ({space.SIZE},), "
                f"got {ids.dtype} of shape {ids.shape}"
            )
        if not self.outcomes:
            raise TableError("outcomes: expected at least one outcome, got none")
        if int(ids.max()) >= len(self.outcomes):
            raise TableError(
                f"outcome_ids: expected ids below {len(self.outcomes)}, got {int(ids.max())}"
            )
        # Nobody may flip a decision in place after compilation.
        if ids.flags.writeable:
            ids.setflags(write=False)

    def outcome_at(self, point: int) -> Outcome:
        """The outcome at one point index."""
        return self.outcomes[int(self.outcome_ids[point])]

    def per_outcome(self, values: list[bool]) -> np.ndarray:
        """A bool per point, from one bool per outcome id (`values[k]` for outcome k)."""
        return np.asarray(values, dtype=bool)[self.outcome_ids]

    def allow_mask(self) -> np.ndarray:
        """Bool array of length `space.SIZE`: True where the decision is allow."""
        return self.per_outcome([outcome.allowed for outcome in self.outcomes])

    def stated_mask(self) -> np.ndarray:
        """Bool array of length `space.SIZE`: True where a rule decides (not the default)."""
        return self.per_outcome([outcome.stated for outcome in self.outcomes])

    def outcome_ids_at(self, points: np.ndarray) -> np.ndarray:
        """Outcome ids for many point indices at once; `outcomes[id]` is each outcome."""
        return self.outcome_ids[points]

    def allowed_at(self, points: np.ndarray) -> np.ndarray:
        """Allow (True) or deny (False) for many point indices at once (the batch path)."""
        allowed = np.array([outcome.allowed for outcome in self.outcomes], dtype=bool)
        return allowed[self.outcome_ids[points]]

    @property
    def nbytes(self) -> int:
        """Memory held by the dense array (the outcomes list is a few hundred bytes)."""
        return int(self.outcome_ids.nbytes)


def canonical_table(labels: np.ndarray, outcome_of: Callable[[int], Outcome]) -> CompiledTable:
    """Build a table from any per-point labelling, numbering outcomes canonically.

    `labels` holds one integer label per point (length `space.SIZE`); `outcome_of`
    maps a label to its outcome. Equal labels must mean equal outcomes; the result
    numbers outcome ids by first appearance in point order (module docstring).

    Raises:
        TableError: more distinct outcomes than a uint16 can number.
    """
    unique, first_index = np.unique(labels, return_index=True)
    dtype = outcome_dtype(len(unique))
    order = np.argsort(first_index, kind="stable")
    rank = np.empty(len(unique), dtype=dtype)
    rank[order] = np.arange(len(unique))
    if int(unique[-1]) < _LOOKUP_LIMIT and int(unique[0]) >= 0:
        # Small label values: a lookup table is faster and leaner than a search.
        lookup = np.zeros(int(unique[-1]) + 1, dtype=dtype)
        lookup[unique] = rank
        ids = lookup[labels]
    else:
        ids = rank[np.searchsorted(unique, labels)]
    return CompiledTable(
        outcome_ids=np.ascontiguousarray(ids, dtype=dtype).reshape(-1),
        outcomes=tuple(outcome_of(int(unique[k])) for k in order),
    )


_LOOKUP_LIMIT = 1 << 20
