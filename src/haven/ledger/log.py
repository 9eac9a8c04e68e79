"""An append-only RFC 6962 log held as a :class:`~haven.ledger.store.HashStore` plus its size.

The pure-Python tests and the benchmark use :class:`MerkleLog`; the Django site
keeps the size and the leaves in its own tables and calls
:func:`haven.ledger.tree.append_leaves` and :mod:`haven.ledger.proofs` directly.
"""

from __future__ import annotations

from collections.abc import Iterable

from haven.ledger.proofs import consistency_proof, inclusion_proof
from haven.ledger.store import HashStore, InMemoryHashStore
from haven.ledger.tree import AppendResult, append_leaves, check_tree_size, root_hash


class MerkleLog:
    """A convenience pairing of a :class:`HashStore` with its size.

    The pure-Python tests and the benchmark use it; the Django site keeps the size
    in its own table and calls the module functions directly.
    """

    def __init__(self, store: HashStore | None = None, size: int = 0) -> None:
        check_tree_size(size)
        self.store: HashStore = store if store is not None else InMemoryHashStore()
        self.size = size

    def append(self, leaves: Iterable[bytes]) -> AppendResult:
        """Append leaves, store the new nodes and return what was appended."""
        result = append_leaves(self.store, self.size, leaves)
        self.store.put_many(result.hashes)
        self.size = result.size
        return result

    def root(self, size: int | None = None) -> bytes:
        """Return the root at ``size`` (default: the current size)."""
        return root_hash(self.store, self._size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Return the RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size``."""
        return inclusion_proof(self.store, index, self._size(size))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Return the RFC 9162 consistency proof from ``old_size`` to ``new_size``."""
        return consistency_proof(self.store, old_size, self._size(new_size))

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        check_tree_size(size)
        if size > self.size:
            raise ValueError(f"size {size} is beyond the log's size {self.size}")
        return size
