"""RFC 6962 §2.1 Merkle Tree Hash over a :class:`~haven.ledger.store.HashStore`.

Appending leaves, the root of any size, and the hash of any subtree that an RFC
9162 proof needs, all computed from the stored perfect-subtree hashes.

A subtree ``D[start:end]`` that occurs in the RFC 6962 recursion always has
``start`` aligned to a power of two at least ``end - start``. If ``end - start`` is
a power of two it is one stored node; otherwise it lies on the right edge of the
tree and is the fold of the stored nodes for the set bits of ``end - start``
(``popcount(end - start) <= log2(n) + 1`` reads).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from haven.ledger.hashing import (
    EMPTY_ROOT,
    LEAF_HASH_PREFIX,
    NODE_HASH_PREFIX,
    hash_children,
)
from haven.ledger.store import HashStore, StoredHash


@dataclass(frozen=True)
class AppendResult:
    """What appending leaves produced.

    Attributes:
        size: the tree size after the append.
        root: the root hash at ``size``.
        leaf_hashes: the RFC 6962 leaf hashes of the appended leaves, in order.
        hashes: every node that became complete, leaf hashes included. Write these
            with :meth:`HashStore.put_many` in the transaction that stores the leaves.
    """

    size: int
    root: bytes
    leaf_hashes: list[bytes] = field(repr=False)
    hashes: list[StoredHash] = field(repr=False)


def check_tree_size(size: int, name: str = "size") -> None:
    """Raise TypeError unless ``size`` is an int, ValueError if it is negative."""
    if isinstance(size, bool) or not isinstance(size, int):
        raise TypeError(f"{name} must be an int, got {type(size).__name__}")
    if size < 0:
        raise ValueError(f"{name} must be >= 0, got {size}")


def _frontier(store: HashStore, size: int) -> dict[int, bytes]:
    """The stored nodes that cover ``D[0:size]``: one per set bit of ``size``."""
    frontier: dict[int, bytes] = {}
    level = 0
    remaining = size
    while remaining:
        if remaining & 1:
            frontier[level] = store.get(level, (size >> level) - 1)
        remaining >>= 1
        level += 1
    return frontier


def _fold_frontier(frontier: dict[int, bytes]) -> bytes:
    """Fold right-edge nodes (smallest level is rightmost) into one hash."""
    if not frontier:
        return EMPTY_ROOT
    acc: bytes | None = None
    for level in sorted(frontier):
        acc = frontier[level] if acc is None else hash_children(frontier[level], acc)
    assert acc is not None
    return acc


def append_leaves(store: HashStore, size: int, leaves: Iterable[bytes]) -> AppendResult:
    """Compute the nodes that appending ``leaves`` to a tree of ``size`` creates.

    Reads at most ``log2(size) + 1`` stored nodes (the right edge) and writes
    nothing: the caller stores ``result.hashes`` (with the leaves) atomically.

    Raises:
        TypeError: if a leaf is not bytes.
        ValueError: if ``size`` is negative.
        KeyError: if the store lacks a node of the tree of ``size``.
    """
    check_tree_size(size)
    frontier = _frontier(store, size)
    sha256 = hashlib.sha256
    new: list[StoredHash] = []
    leaf_hashes: list[bytes] = []
    for leaf in leaves:
        if not isinstance(leaf, bytes | bytearray):
            raise TypeError(f"leaf {size} must be bytes, got {type(leaf).__name__}")
        node = sha256(LEAF_HASH_PREFIX + leaf).digest()
        leaf_hashes.append(node)
        new.append(StoredHash(0, size, node))
        level = 0
        index = size
        while index & 1:
            node = sha256(NODE_HASH_PREFIX + frontier.pop(level) + node).digest()
            level += 1
            index >>= 1
            new.append(StoredHash(level, index, node))
        frontier[level] = node
        size += 1
    return AppendResult(
        size=size, root=_fold_frontier(frontier), leaf_hashes=leaf_hashes, hashes=new
    )


def root_hash(store: HashStore, size: int) -> bytes:
    """Return ``MTH(D[0:size])`` from at most ``log2(size) + 1`` stored nodes."""
    check_tree_size(size)
    return _fold_frontier(_frontier(store, size))


def subtree_hash(store: HashStore, start: int, end: int) -> bytes:
    """Return ``MTH(D[start:end])`` for a subtree of the RFC 6962 recursion.

    ``start`` must be a multiple of the smallest power of two >= ``end - start``
    (true of every subtree in RFC 9162 proofs). Reads ``popcount(end - start)``
    stored nodes.

    Raises:
        ValueError: if the range is empty or not such a subtree.
    """
    width = end - start
    if start < 0 or width <= 0:
        raise ValueError(f"subtree range [{start}, {end}) is empty or negative")
    if start & ((1 << (width - 1).bit_length()) - 1):
        raise ValueError(f"subtree range [{start}, {end}) is not aligned")
    acc: bytes | None = None
    # Walk the set bits of the width from the top (leftmost, biggest) subtree down,
    # collecting the nodes left to right, then fold right to left.
    nodes: list[bytes] = []
    offset = start
    for level in range(width.bit_length() - 1, -1, -1):
        if width >> level & 1:
            nodes.append(store.get(level, offset >> level))
            offset += 1 << level
    for node in reversed(nodes):
        acc = node if acc is None else hash_children(node, acc)
    assert acc is not None
    return acc


def root_from_leaves(leaves: Sequence[bytes]) -> bytes:
    """Return ``MTH(leaves)`` computed directly (no store), bottom-up.

    Pairing adjacent nodes level by level and promoting a lone last node gives the
    same tree as RFC 6962's split at the largest power of two. This is the fast
    path for verifying a whole exported log: ``2n - 1`` SHA-256 calls.
    """
    return root_from_leaf_hashes(leaf_hashes(leaves))


def leaf_hashes(leaves: Sequence[bytes]) -> list[bytes]:
    """Return the RFC 6962 leaf hash of every leaf, in order."""
    sha256 = hashlib.sha256
    prefix = LEAF_HASH_PREFIX
    return [sha256(prefix + leaf).digest() for leaf in leaves]


def merkle_rows(hashes: Sequence[bytes], *, keep_every: int = 8) -> tuple[bytes, list[list[bytes]]]:
    """Return the root and the rows at Merkle levels ``0, k, 2k, …`` (``k = keep_every``).

    Row ``j`` starts with the ``len(hashes) >> (j * k)`` complete nodes at Merkle
    level ``j * k`` (it may end with one promoted incomplete node). With ``k = 8``
    these are exactly the hashes C2SP tiles hold.
    """
    if not hashes:
        return EMPTY_ROOT, [[]]
    sha256 = hashlib.sha256
    prefix = NODE_HASH_PREFIX
    row = list(hashes)
    kept = [row]
    level = 0
    while len(row) > 1:
        carry = row[-1] if len(row) & 1 else None
        row = [sha256(prefix + a + b).digest() for a, b in zip(row[0::2], row[1::2], strict=False)]
        if carry is not None:
            row.append(carry)
        level += 1
        if level % keep_every == 0:
            kept.append(row)
    return row[0], kept


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """Return the root of the tree whose level-0 hashes are ``hashes``."""
    if not hashes:
        return EMPTY_ROOT
    sha256 = hashlib.sha256
    prefix = NODE_HASH_PREFIX
    row = list(hashes)
    while len(row) > 1:
        carry = row[-1] if len(row) & 1 else None
        row = [sha256(prefix + a + b).digest() for a, b in zip(row[0::2], row[1::2], strict=False)]
        if carry is not None:
            row.append(carry)
    return row[0]
