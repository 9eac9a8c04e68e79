"""RFC 9162 proofs: generation equals the RFC recursion, verification is strict."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.ledger.errors import InvalidConsistencyProofError, InvalidInclusionProofError
from haven.ledger.hashing import hash_leaf
from haven.ledger.log import MerkleLog
from haven.ledger.proofs import (
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

from .reference import leaves_for, mth, path, proof

MAX = 64
LEAVES = leaves_for(MAX)


@pytest.fixture(scope="module")
def log() -> MerkleLog:
    log = MerkleLog()
    log.append(LEAVES)
    return log


def _flipped(hashes: list[bytes], which: int, byte: int) -> list[bytes]:
    out = list(hashes)
    h = bytearray(out[which])
    h[byte] ^= 0x01
    out[which] = bytes(h)
    return out


def test_every_inclusion_proof_up_to_64_matches_the_rfc_and_verifies(log: MerkleLog) -> None:
    for size in range(1, MAX + 1):
        root = log.root(size)
        for index in range(size):
            got = log.inclusion_proof(index, size)
            assert got == path(index, LEAVES[:size])
            verify_inclusion(hash_leaf(LEAVES[index]), index, size, got, root)


def test_every_consistency_proof_up_to_64_matches_the_rfc_and_verifies(log: MerkleLog) -> None:
    for new in range(1, MAX + 1):
        new_root = log.root(new)
        for old in range(1, new + 1):
            got = log.consistency_proof(old, new)
            assert got == proof(old, LEAVES[:new])
            verify_consistency(old, new, got, log.root(old), new_root)


def test_flipping_any_byte_of_any_inclusion_proof_hash_fails(log: MerkleLog) -> None:
    for size in range(1, MAX + 1):
        root = log.root(size)
        for index in range(size):
            good = log.inclusion_proof(index, size)
            leaf = hash_leaf(LEAVES[index])
            for which in range(len(good)):
                for byte in range(32):
                    with pytest.raises(InvalidInclusionProofError):
                        verify_inclusion(leaf, index, size, _flipped(good, which, byte), root)


def test_flipping_any_byte_of_any_consistency_proof_hash_fails(log: MerkleLog) -> None:
    for new in range(2, MAX + 1):
        new_root = log.root(new)
        for old in range(1, new):
            good = log.consistency_proof(old, new)
            old_root = log.root(old)
            for which in range(len(good)):
                for byte in range(32):
                    with pytest.raises(InvalidConsistencyProofError):
                        verify_consistency(
                            old, new, _flipped(good, which, byte), old_root, new_root
                        )


def test_inclusion_proof_fails_for_the_wrong_leaf_index_or_size(log: MerkleLog) -> None:
    size, index = 13, 6
    good = log.inclusion_proof(index, size)
    root = log.root(size)
    leaf = hash_leaf(LEAVES[index])
    for bad_index in (index - 1, index + 1, size, -1):
        with pytest.raises(InvalidInclusionProofError):
            verify_inclusion(leaf, bad_index, size, good, root)
    # A proof binds the size only through the shape of the path (13, 14 and 16 share
    # it for index 6): the signed checkpoint is what binds the size to the root.
    for bad_size in (0, index, 7):
        with pytest.raises(InvalidInclusionProofError):
            verify_inclusion(leaf, index, bad_size, good, root)
    with pytest.raises(InvalidInclusionProofError, match="expected"):
        verify_inclusion(hash_leaf(b"other"), index, size, good, root)
    with pytest.raises(InvalidInclusionProofError, match="33 bytes"):
        verify_inclusion(leaf, index, size, good, root + b"\x00")
    with pytest.raises(InvalidInclusionProofError):
        verify_inclusion(leaf, index, size, [*good, good[0]], root)
    with pytest.raises(InvalidInclusionProofError):
        verify_inclusion(leaf, index, size, good[:-1], root)


def test_consistency_proof_fails_for_swapped_or_wrong_sizes(log: MerkleLog) -> None:
    good = log.consistency_proof(5, 11)
    r5, r11 = log.root(5), log.root(11)
    with pytest.raises(InvalidConsistencyProofError):
        verify_consistency(5, 11, good, r11, r5)
    with pytest.raises(InvalidConsistencyProofError):
        verify_consistency(4, 11, good, r5, r11)
    with pytest.raises(InvalidConsistencyProofError):
        verify_consistency(5, 6, good, r5, r11)
    with pytest.raises(InvalidConsistencyProofError, match="empty"):
        verify_consistency(0, 11, good, r5, r11)
    with pytest.raises(InvalidConsistencyProofError):
        verify_consistency(5, 5, [], r5, r11)
    verify_consistency(5, 5, [], r5, r5)


def test_proof_generation_refuses_impossible_arguments(log: MerkleLog) -> None:
    with pytest.raises(ValueError):
        inclusion_proof(log.store, 5, 5)
    with pytest.raises(ValueError):
        inclusion_proof(log.store, -1, 5)
    with pytest.raises(ValueError, match="empty tree"):
        consistency_proof(log.store, 0, 5)
    with pytest.raises(ValueError, match="greater"):
        consistency_proof(log.store, 6, 5)
    assert consistency_proof(log.store, 5, 5) == []


@settings(max_examples=60, deadline=None)
@given(
    leaves=st.lists(st.binary(max_size=40), min_size=1, max_size=600),
    data=st.data(),
)
def test_property_inclusion_proofs_verify_and_any_byte_flip_fails(
    leaves: list[bytes], data: st.DataObject
) -> None:
    log = MerkleLog()
    log.append(leaves)
    size = data.draw(st.integers(1, len(leaves)), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    got = log.inclusion_proof(index, size)
    assert log.root(size) == mth(leaves[:size])
    verify_inclusion(hash_leaf(leaves[index]), index, size, got, log.root(size))
    if got:
        which = data.draw(st.integers(0, len(got) - 1), label="which")
        byte = data.draw(st.integers(0, 31), label="byte")
        bit = data.draw(st.integers(0, 7), label="bit")
        bad = list(got)
        flipped = bytearray(bad[which])
        flipped[byte] ^= 1 << bit
        bad[which] = bytes(flipped)
        with pytest.raises(InvalidInclusionProofError):
            verify_inclusion(hash_leaf(leaves[index]), index, size, bad, log.root(size))


@settings(max_examples=60, deadline=None)
@given(
    leaves=st.lists(st.binary(max_size=40), min_size=2, max_size=600),
    data=st.data(),
)
def test_property_consistency_proofs_verify_and_any_byte_flip_fails(
    leaves: list[bytes], data: st.DataObject
) -> None:
    log = MerkleLog()
    log.append(leaves)
    new = data.draw(st.integers(2, len(leaves)), label="new")
    old = data.draw(st.integers(1, new - 1), label="old")
    got = log.consistency_proof(old, new)
    verify_consistency(old, new, got, log.root(old), log.root(new))
    which = data.draw(st.integers(0, len(got) - 1), label="which")
    byte = data.draw(st.integers(0, 31), label="byte")
    bad = list(got)
    flipped = bytearray(bad[which])
    flipped[byte] ^= 0xFF
    bad[which] = bytes(flipped)
    with pytest.raises(InvalidConsistencyProofError):
        verify_consistency(old, new, bad, log.root(old), log.root(new))


@settings(max_examples=40, deadline=None)
@given(leaves=st.lists(st.binary(max_size=16), min_size=1, max_size=300), data=st.data())
def test_property_a_proof_for_one_leaf_does_not_prove_another(
    leaves: list[bytes], data: st.DataObject
) -> None:
    log = MerkleLog()
    log.append(leaves)
    index = data.draw(st.integers(0, len(leaves) - 1))
    other = data.draw(st.binary(max_size=16).filter(lambda b: b != leaves[index]))
    with pytest.raises(InvalidInclusionProofError):
        verify_inclusion(
            hash_leaf(other), index, len(leaves), log.inclusion_proof(index), log.root()
        )
