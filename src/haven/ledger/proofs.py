"""RFC 9162 §2.1.3–2.1.4 inclusion and consistency proofs: generation and verification.

Generation reads ``O(log n)`` stored hashes (:mod:`haven.ledger.tree`).
Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 with the strictness of the
transparency-dev/merkle verifier, which its vectors (kept in
``tests/ledger/vectors/merkle/``) encode:

* every hash that enters a computation (leaf hash, proof hashes, roots) must be
  exactly 32 bytes;
* a consistency proof from size 0 is rejected (it proves nothing), including
  ``0 -> 0``;
* equal sizes are accepted only with an empty proof and byte-equal roots (as in
  transparency-dev, the roots are then only compared, not length-checked).

A proof binds the tree sizes only through the shape of its path: the same
inclusion proof can verify for several sizes whose paths have the same shape (and
the same root), and likewise for consistency. Sizes are bound to roots by the
signed checkpoint, so always take ``size`` and ``root`` from a verified checkpoint.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from haven.ledger.errors import InvalidConsistencyProofError, InvalidInclusionProofError
from haven.ledger.hashing import HASH_SIZE, hash_children
from haven.ledger.store import HashStore
from haven.ledger.tree import check_tree_size, subtree_hash


def _split(width: int) -> int:
    """The largest power of two strictly less than ``width`` (``width >= 2``)."""
    return 1 << ((width - 1).bit_length() - 1)


def inclusion_proof(store: HashStore, index: int, size: int) -> list[bytes]:
    """Return ``PATH(index, D[0:size])`` (RFC 9162 §2.1.3.1), leaf-sibling first.

    Raises:
        ValueError: unless ``0 <= index < size``.
    """
    check_tree_size(size)
    check_tree_size(index, "index")
    if index >= size:
        raise ValueError(f"index {index} is not in a tree of size {size}")
    proof: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            proof.append(subtree_hash(store, start + k, end))
            end = start + k
        else:
            proof.append(subtree_hash(store, start, start + k))
            start += k
    proof.reverse()
    return proof


def consistency_proof(store: HashStore, old_size: int, new_size: int) -> list[bytes]:
    """Return ``PROOF(old_size, D[0:new_size])`` (RFC 9162 §2.1.4.1).

    Equal sizes give an empty proof.

    Raises:
        ValueError: unless ``0 < old_size <= new_size`` (a proof from the empty tree
            is meaningless and verifiers reject it).
    """
    check_tree_size(old_size, "old_size")
    check_tree_size(new_size, "new_size")
    if old_size == 0:
        raise ValueError("a consistency proof from the empty tree is meaningless")
    if old_size > new_size:
        raise ValueError(f"old_size {old_size} is greater than new_size {new_size}")
    if old_size == new_size:
        return []
    proof: list[bytes] = []
    start, end, m, whole = 0, new_size, old_size, True
    while True:
        width = end - start
        if m == width:
            if not whole:
                proof.append(subtree_hash(store, start, end))
            break
        k = _split(width)
        if m <= k:
            proof.append(subtree_hash(store, start + k, end))
            end = start + k
        else:
            proof.append(subtree_hash(store, start, start + k))
            start += k
            m -= k
            whole = False
    proof.reverse()
    return proof


def _check_hash(value: bytes, what: str, error: type[Exception]) -> None:
    if not isinstance(value, bytes | bytearray):
        raise TypeError(f"{what} must be bytes, got {type(value).__name__}")
    if len(value) != HASH_SIZE:
        raise error(f"{what} is {len(value)} bytes, expected {HASH_SIZE}")


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes:
    """Return the root that ``proof`` implies for ``leaf_hash`` at ``index`` (RFC 9162 §2.1.3.2).

    Raises:
        InvalidInclusionProofError: if the index is out of range, a hash is not 32
            bytes, or the proof has the wrong number of hashes.
    """
    err = InvalidInclusionProofError
    if index < 0 or size < 0:
        raise err(f"index {index} and size {size} must be non-negative")
    if index >= size:
        raise err(f"index {index} is not in a tree of size {size}")
    _check_hash(leaf_hash, "leaf hash", err)
    fn, sn = index, size - 1
    r = bytes(leaf_hash)
    for i, p in enumerate(proof):
        _check_hash(p, f"proof hash {i}", err)
        if sn == 0:
            raise err(f"proof has {len(proof)} hashes, expected {i} for index {index} size {size}")
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hash_children(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise err(f"proof has {len(proof)} hashes, too few for index {index} in size {size}")
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is at ``index`` in the tree of ``size`` with ``root``.

    Raises:
        InvalidInclusionProofError: naming the expected and the computed root, or
            what is malformed.
    """
    _check_hash(root, "root", InvalidInclusionProofError)
    computed = root_from_inclusion_proof(leaf_hash, index, size, proof)
    if not hmac.compare_digest(computed, root):
        raise InvalidInclusionProofError(
            f"inclusion proof for index {index} in size {size} gives root "
            f"{computed.hex()}, expected {bytes(root).hex()}"
        )


def verify_consistency(
    old_size: int,
    new_size: int,
    proof: Sequence[bytes],
    old_root: bytes,
    new_root: bytes,
) -> None:
    """Check that the tree of ``old_size``/``old_root`` is a prefix of ``new_size``/``new_root``.

    RFC 9162 §2.1.4.2, as strict as transparency-dev/merkle (see module docstring).

    Raises:
        InvalidConsistencyProofError: naming what does not match.
    """
    err = InvalidConsistencyProofError
    if old_size < 0 or new_size < 0:
        raise err(f"sizes must be non-negative, got {old_size} and {new_size}")
    if new_size < old_size:
        raise err(f"new size {new_size} is smaller than old size {old_size}")
    if old_size == 0:
        raise err("a consistency proof from the empty tree is meaningless")
    if old_size == new_size:
        if proof:
            raise err(f"sizes are equal ({old_size}) so the proof must be empty, got {len(proof)}")
        if not hmac.compare_digest(bytes(old_root), bytes(new_root)):
            raise err(
                f"sizes are equal ({old_size}) but roots differ: "
                f"{bytes(old_root).hex()} != {bytes(new_root).hex()}"
            )
        return
    if not proof:
        raise err(f"empty proof for sizes {old_size} -> {new_size}")
    _check_hash(old_root, "old root", err)
    _check_hash(new_root, "new root", err)
    for i, p in enumerate(proof):
        _check_hash(p, f"proof hash {i}", err)

    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node
        path.insert(0, bytes(old_root))
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise err(f"proof has {len(proof)} hashes, too many for {old_size} -> {new_size}")
        if fn & 1 or fn == sn:
            fr = hash_children(c, fr)
            sr = hash_children(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hash_children(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise err(f"proof has {len(proof)} hashes, too few for {old_size} -> {new_size}")
    if not hmac.compare_digest(fr, bytes(old_root)):
        raise err(
            f"proof gives old root {fr.hex()}, expected {bytes(old_root).hex()} "
            f"({old_size} -> {new_size})"
        )
    if not hmac.compare_digest(sr, bytes(new_root)):
        raise err(
            f"proof gives new root {sr.hex()}, expected {bytes(new_root).hex()} "
            f"({old_size} -> {new_size})"
        )
