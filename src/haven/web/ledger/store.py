"""`haven.ledger.store.HashStore` on the `LedgerNode` table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

from haven.ledger.store import StoredHash
from haven.web.ledger.models import LedgerNode


class DatabaseHashStore:
    """Reads one node per `get`; a proof makes O(log n) of them.

    An append reads the tree's right edge (one node per set bit of its size):
    `read_frontier` fetches those nodes in one query first, and `get` answers from them.
    """

    def __init__(self) -> None:
        self._read: dict[tuple[int, int], bytes] = {}

    def read_frontier(self, size: int) -> None:
        """Fetch, in one query, the nodes `haven.ledger.tree.append_leaves` reads for `size`."""
        keys = [
            (level, (size >> level) - 1) for level in range(size.bit_length()) if size >> level & 1
        ]
        if not keys:
            return
        # Raw SQL: building this OR of pairs through the ORM cost more than the query.
        quote = connection.ops.quote_name
        meta = LedgerNode._meta
        level_column, index_column, hash_column = (
            quote(meta.get_field(name).column) for name in ("level", "index", "hash")
        )
        pair = f"({level_column} = %s AND {index_column} = %s)"
        sql = (
            f"SELECT {level_column}, {index_column}, {hash_column} "  # noqa: S608 - names from model metadata
            f"FROM {quote(meta.db_table)} WHERE {' OR '.join([pair] * len(keys))}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for key in keys for value in key])
            for level, index, value in cursor.fetchall():
                self._read[(level, index)] = bytes(value)

    def get(self, level: int, index: int) -> bytes:
        read = self._read.get((level, index))
        if read is not None:
            return read
        value = (
            LedgerNode.objects.filter(level=level, index=index)
            .values_list("hash", flat=True)
            .first()
        )
        if value is None:
            raise KeyError((level, index))
        return bytes(value)

    def put_many(self, hashes: Iterable[StoredHash]) -> None:
        insert_rows(LedgerNode, ("level", "index", "hash"), [tuple(node) for node in hashes])


def insert_rows(model: type[models.Model], columns: tuple[str, ...], rows: Sequence[tuple]) -> None:
    """Insert append-only rows with one parameterised `executemany`.

    The ledger writes three rows per event on average; building model instances for
    them made the ORM the bottleneck of every append (bench/ledger.py).
    """
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608 - names from model metadata
