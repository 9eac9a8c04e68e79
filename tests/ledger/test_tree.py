"""The perfect-subtree store, the appender and roots, against the RFC recursion."""

from __future__ import annotations

import math

import pytest

from haven.ledger.hashing import EMPTY_ROOT
from haven.ledger.log import MerkleLog
from haven.ledger.proofs import consistency_proof, inclusion_proof
from haven.ledger.store import HashStore, InMemoryHashStore, StoredHash
from haven.ledger.tree import append_leaves, root_from_leaves, root_hash, subtree_hash

from .reference import CountingStore, leaves_for, mth


def test_in_memory_store_satisfies_the_protocol() -> None:
    assert isinstance(InMemoryHashStore(), HashStore)


def test_every_root_up_to_130_matches_the_rfc_recursion() -> None:
    leaves = leaves_for(130)
    log = MerkleLog()
    for n in range(131):
        assert log.root(n) == mth(leaves[:n]) if n <= log.size else True
        if n < 130:
            log.append([leaves[n]])
    for n in range(131):
        assert log.root(n) == mth(leaves[:n])
        assert root_from_leaves(leaves[:n]) == mth(leaves[:n])


def test_empty_log_root_is_the_empty_root() -> None:
    assert MerkleLog().root() == EMPTY_ROOT
    assert root_from_leaves([]) == EMPTY_ROOT


def test_appending_in_batches_stores_the_same_nodes_as_one_by_one() -> None:
    leaves = leaves_for(100)
    one, batched = MerkleLog(), MerkleLog()
    for leaf in leaves:
        one.append([leaf])
    for start in range(0, 100, 7):
        batched.append(leaves[start : start + 7])
    for level in range(8):
        count = 100 >> level
        assert one.store.count(level) == batched.store.count(level) == count  # type: ignore[attr-defined]
        for index in range(count):
            assert one.store.get(level, index) == batched.store.get(level, index)


def test_append_returns_new_nodes_without_writing_them() -> None:
    store = InMemoryHashStore()
    result = append_leaves(store, 0, leaves_for(4))
    assert store.count(0) == 0
    assert [(h.level, h.index) for h in result.hashes] == [
        (0, 0),
        (0, 1),
        (1, 0),
        (0, 2),
        (0, 3),
        (1, 1),
        (2, 0),
    ]
    assert result.size == 4
    assert result.root == mth(leaves_for(4))
    store.put_many(result.hashes)
    assert root_hash(store, 4) == result.root


def test_stored_node_is_the_complete_subtree_hash() -> None:
    leaves = leaves_for(37)
    log = MerkleLog()
    log.append(leaves)
    for level in range(6):
        for index in range(37 >> level):
            width = 1 << level
            assert log.store.get(level, index) == mth(leaves[index * width : (index + 1) * width])


def test_subtree_hash_refuses_unaligned_ranges() -> None:
    log = MerkleLog()
    log.append(leaves_for(8))
    assert subtree_hash(log.store, 4, 7) == mth(leaves_for(8)[4:7])
    with pytest.raises(ValueError):
        subtree_hash(log.store, 3, 5)
    with pytest.raises(ValueError):
        subtree_hash(log.store, 4, 4)


def test_store_refuses_to_change_a_stored_hash() -> None:
    store = InMemoryHashStore()
    store.put_many([StoredHash(0, 0, b"a" * 32)])
    store.put_many([StoredHash(0, 0, b"a" * 32)])
    with pytest.raises(ValueError, match="different hash"):
        store.put_many([StoredHash(0, 0, b"b" * 32)])
    with pytest.raises(ValueError, match="gap"):
        store.put_many([StoredHash(0, 5, b"b" * 32)])
    with pytest.raises(ValueError, match="32"):
        store.put_many([StoredHash(0, 1, b"short")])
    with pytest.raises(KeyError):
        store.get(0, 1)


@pytest.mark.parametrize("size", [1, 2, 3, 1000, 1023, 1024, 1025, 4097, 65_537])
def test_proofs_and_roots_read_logarithmically_many_hashes(size: int) -> None:
    store = CountingStore()
    store.put_many(append_leaves(store, 0, leaves_for(size)).hashes)
    bound = 2 * (math.ceil(math.log2(size)) + 1)
    for index in {0, size // 3, size // 2, size - 1}:
        store.reads = 0
        inclusion_proof(store, index, size)
        assert store.reads <= bound, (index, store.reads)
    for old in {1, size // 3, size // 2, size - 1, size}:
        if old == 0:
            continue
        store.reads = 0
        consistency_proof(store, old, size)
        assert store.reads <= bound, (old, store.reads)
    store.reads = 0
    root_hash(store, size)
    assert store.reads <= math.ceil(math.log2(size)) + 1
    store.reads = 0
    append_leaves(store, size, [b"next"])
    assert store.reads <= math.ceil(math.log2(size)) + 1


def test_log_refuses_sizes_beyond_its_size() -> None:
    log = MerkleLog()
    log.append(leaves_for(3))
    with pytest.raises(ValueError, match="beyond"):
        log.root(4)
    with pytest.raises(TypeError):
        log.root("3")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        log.root(-1)
