"""`haven.ledger.store.HashStore` on the `LedgerNode` table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

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
