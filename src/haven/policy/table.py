"""The compiled decision table: one outcome per point of the decision space.

Layout (the interface diff, promise checks and `decide` read):

- `outcome_ids`: a numpy `uint16` array of length `space.SIZE` (1,920,000). Entry `i`
  is the outcome id of point index `i`, where points are numbered in the mixed-radix
  order of `haven.policy.space` (`action` most significant, `regularisation_support`
  least). `outcome_ids.reshape(space.SHAPE)` is the 11-dimensional view, indexed
  `[action, recipient, role, offence, status_concern, purpose, stage, consent,
  risk_to_others, risk_to_life, regularisation_support]` by value position.
- `outcomes`: a tuple of distinct `Outcome`s; `outcomes[k]` is what outcome id `k`
  means. Ids are assigned in order of first appearance in point order, so point 0
  always has outcome id 0 and two compilations of the same policy give identical
  tables whatever method built them.

An `Outcome` is Cedar's answer at that point: the decision (`allow`/`deny`), the ids of
the determining rules (every matching `forbid` when any matches, else every matching
`permit`, else none: deny by default), in policy order, and the obligations those
rules carry (first appearance order, without repeats).
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

OUTCOME_DTYPE = np.uint16
MAX_OUTCOMES = int(np.iinfo(OUTCOME_DTYPE).max) + 1


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


@dataclass(frozen=True)
class CompiledTable:
    """Dense outcome table over the whole decision space (layout: module docstring)."""

    outcome_ids: np.ndarray
    outcomes: tuple[Outcome, ...]

    def __post_init__(self) -> None:
        ids = self.outcome_ids
        if ids.dtype != OUTCOME_DTYPE or ids.shape != (space.SIZE,):
            raise TableError(
                f"outcome_ids: expected {np.dtype(OUTCOME_DTYPE)} of shape ({space.SIZE},), "
                f"got {ids.dtype} of shape {ids.shape}"
            )
        if not self.outcomes:
            raise TableError("outcomes: expected at least one outcome, got none")
        if int(ids.max()) >= len(self.outcomes):
            raise TableError(
                f"outcome_ids: expected ids below {len(self.outcomes)}, got {int(ids.max())}"
            )
        # Nobody may flip a decision in place after compilation.
        ids.setflags(write=False)

    def outcome_at(self, point: int) -> Outcome:
        """The outcome at one point index."""
        return self.outcomes[int(self.outcome_ids[point])]

    def allow_mask(self) -> np.ndarray:
        """Bool array of length `space.SIZE`: True where the decision is allow."""
        allowed = np.array([outcome.allowed for outcome in self.outcomes], dtype=bool)
        return allowed[self.outcome_ids]

    def decide_points(self, points: np.ndarray) -> np.ndarray:
        """Outcome ids for many point indices at once (the fast batch path)."""
        return self.outcome_ids[points]

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
    if len(unique) > MAX_OUTCOMES:
        raise TableError(f"expected at most {MAX_OUTCOMES} distinct outcomes, got {len(unique)}")
    order = np.argsort(first_index, kind="stable")
    rank = np.empty(len(unique), dtype=OUTCOME_DTYPE)
    rank[order] = np.arange(len(unique))
    if int(unique[-1]) < _LOOKUP_LIMIT and int(unique[0]) >= 0:
        # Small label values: a lookup table is faster and leaner than a search.
        lookup = np.zeros(int(unique[-1]) + 1, dtype=OUTCOME_DTYPE)
        lookup[unique] = rank
        ids = lookup[labels]
    else:
        ids = rank[np.searchsorted(unique, labels)]
    return CompiledTable(
        outcome_ids=np.ascontiguousarray(ids, dtype=OUTCOME_DTYPE).reshape(-1),
        outcomes=tuple(outcome_of(int(unique[k])) for k in order),
    )


_LOOKUP_LIMIT = 1 << 20
