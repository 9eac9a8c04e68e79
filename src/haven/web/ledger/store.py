"""`haven.ledger.store.HashStore` on the `LedgerNode` table."""

from __future__ import annotations

from collections.abc import Iterable

from haven.ledger.store import StoredHash
from haven.web.ledger.models import LedgerNode


class DatabaseHashStore:
    """Reads one node per `get`; a proof makes O(log n) of them."""

    def get(self, level: int, index: int) -> bytes:
        value = (
            LedgerNode.objects.filter(level=level, index=index)
            .values_list("hash", flat=True)
            .first()
        )
        if value is None:
            raise KeyError((level, index))
        return bytes(value)

    def put_many(self, hashes: Iterable[StoredHash]) -> None:
        LedgerNode.objects.bulk_create(
            [LedgerNode(level=node.level, index=node.index, hash=node.hash) for node in hashes],
            batch_size=500,
        )
