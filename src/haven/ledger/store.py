"""Storage of the Merkle tree's perfect-subtree hashes (the Trillian / Go ``tlog`` layout).

The tree over leaves ``D[0:n]`` is stored as the hash of every *complete* subtree:
the node at ``(level, index)`` is ``MTH(D[index * 2**level : (index + 1) * 2**level])``
and is stored once all ``2**level`` leaves under it exist. Level 0 holds the leaf
hashes. Stored hashes never change once written, because the log is append-only.

Any subtree that appears in an RFC 9162 proof, or the root of any size, is either
one stored node or the fold of at most ``log2(n)`` stored nodes along the right
edge, so proofs need ``O(log n)`` reads (see :mod:`haven.ledger.tree`).

The :class:`HashStore` protocol is deliberately tiny so that the Django site can
implement it on a database table ``(level, index) -> hash`` (primary key
``(level, index)``). :class:`InMemoryHashStore` is the reference implementation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, Protocol, runtime_checkable

from haven.ledger.hashing import HASH_SIZE


class StoredHash(NamedTuple):
    """One stored node: the hash of the complete subtree at ``(level, index)``."""

    level: int
    # The field shadows ``tuple.index``, which this record never needs; the name is public API.
    index: int  # type: ignore[assignment]
    hash: bytes


@runtime_checkable
class HashStore(Protocol):
    """Where the perfect-subtree hashes live.

    Contract for implementers:

    * ``get(level, index)`` returns the 32-byte hash stored for that node and raises
      :class:`KeyError` if it has not been stored. It is only ever called for nodes
      that are complete in a tree size the caller knows to exist.
    * ``put_many(hashes)`` stores every given node. The ledger only ever writes new
      nodes (the output of :func:`haven.ledger.tree.append_leaves`); an
      implementation should refuse to overwrite a node with a different hash. It
      must be called in the same transaction that stores the leaves.

    The store does not track the tree size: the caller (which stores the leaves)
    knows it and passes it to every tree function.
    """

    def get(self, level: int, index: int) -> bytes:
        """Return the hash of the complete subtree at ``(level, index)``."""
        ...

    def put_many(self, hashes: Iterable[StoredHash]) -> None:
        """Store the given nodes."""
        ...


class InMemoryHashStore:
    """A :class:`HashStore` held in memory: one packed ``bytearray`` per level.

    Nodes must be written in order within each level (which is how the appender
    produces them); rewriting an existing node with the same hash is a no-op and
    with a different hash raises :class:`ValueError`.
    """

    def __init__(self) -> None:
        self._levels: list[bytearray] = []

    def get(self, level: int, index: int) -> bytes:
        """Return the hash at ``(level, index)``; raise :class:`KeyError` if absent."""
        if level < 0 or index < 0 or level >= len(self._levels):
            raise KeyError((level, index))
        row = self._levels[level]
        start = index * HASH_SIZE
        if start + HASH_SIZE > len(row):
            raise KeyError((level, index))
        return bytes(row[start : start + HASH_SIZE])

    def put_many(self, hashes: Iterable[StoredHash]) -> None:
        """Store nodes; each level must grow contiguously.

        Raises:
            ValueError: on a gap in a level, a changed hash or a hash that is not
                32 bytes.
        """
        levels = self._levels
        for level, index, value in hashes:
            if len(value) != HASH_SIZE:
                raise ValueError(f"hash at ({level}, {index}) is {len(value)} bytes, want 32")
            while len(levels) <= level:
                levels.append(bytearray())
            row = levels[level]
            count = len(row) // HASH_SIZE
            if index == count:
                row += value
            elif index < count:
                existing = bytes(row[index * HASH_SIZE : (index + 1) * HASH_SIZE])
                if existing != value:
                    raise ValueError(
                        f"node ({level}, {index}) is already stored with a different hash: "
                        f"stored {existing.hex()}, new {bytes(value).hex()}"
                    )
            else:
                raise ValueError(
                    f"node ({level}, {index}) would leave a gap: level {level} holds {count}"
                )

    def count(self, level: int) -> int:
        """Return how many nodes are stored at ``level``."""
        if level >= len(self._levels):
            return 0
        return len(self._levels[level]) // HASH_SIZE
