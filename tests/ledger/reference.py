"""A deliberately naive RFC 6962 / RFC 9162 reference, straight from the RFC's recursion."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from haven.ledger.store import InMemoryHashStore, StoredHash


def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH(D[n])."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((n - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(m, D[n])."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def proof(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(m, D[n])."""
    return _subproof(m, leaves, True)


def _subproof(m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return _subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return _subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


class CountingStore(InMemoryHashStore):
    """An in-memory store that counts reads."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get(self, level: int, index: int) -> bytes:
        self.reads += 1
        return super().get(level, index)

    def put_many(self, hashes: Iterable[StoredHash]) -> None:
        super().put_many(hashes)


def leaves_for(n: int) -> list[bytes]:
    return [b"leaf-%d" % i for i in range(n)]
