"""A Hypothesis stateful machine for the append-only log."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from haven.ledger.hashing import hash_leaf
from haven.ledger.log import MerkleLog
from haven.ledger.proofs import verify_consistency, verify_inclusion

from .reference import mth


class AppendOnlyLog(RuleBasedStateMachine):
    """Appending keeps every earlier root consistent with the current one."""

    @initialize()
    def start(self) -> None:
        self.log = MerkleLog()
        self.leaves: list[bytes] = []
        self.heads: list[tuple[int, bytes]] = []  # (size, root) seen so far

    @rule(batch=st.lists(st.binary(max_size=24), min_size=1, max_size=40))
    def append(self, batch: list[bytes]) -> None:
        result = self.log.append(batch)
        self.leaves.extend(batch)
        assert result.size == len(self.leaves)
        assert result.leaf_hashes == [hash_leaf(leaf) for leaf in batch]
        self.heads.append((result.size, result.root))

    @precondition(lambda self: self.log.size > 0)
    @rule(data=st.data())
    def inclusion_of_a_random_leaf_verifies(self, data: st.DataObject) -> None:
        size = data.draw(st.integers(1, self.log.size))
        index = data.draw(st.integers(0, size - 1))
        verify_inclusion(
            hash_leaf(self.leaves[index]),
            index,
            size,
            self.log.inclusion_proof(index, size),
            self.log.root(size),
        )

    @invariant()
    def every_earlier_head_is_consistent_with_now(self) -> None:
        now = self.log.size
        root = self.log.root()
        for size, old_root in self.heads:
            assert self.log.root(size) == old_root  # stored hashes never changed
            verify_consistency(size, now, self.log.consistency_proof(size, now), old_root, root)

    @invariant()
    def root_is_the_rfc_root_of_the_leaves(self) -> None:
        assert self.log.root() == mth(self.leaves)


AppendOnlyLog.TestCase.settings = settings(max_examples=60, stateful_step_count=20, deadline=None)
TestAppendOnlyLog = AppendOnlyLog.TestCase
