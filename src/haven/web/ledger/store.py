"""`haven.ledger.store.HashStore` on the `LedgerNode` table, and the append's SQL.

Every append waits for the log's head lock, and holds it until its transaction commits,
so what runs behind it is counted in round trips: on PostgreSQL an append is one
statement (`append_in_server`, the function `haven_ledger_append` of migration 0004),
on SQLite four (`head_advance`, which reads the right edge too, then `insert_rows` a
table).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

from haven.ledger.store import StoredHash
from haven.web.ledger.models import LedgerHead, LedgerNode

Frontier = dict[tuple[int, int], bytes]
"""Nodes of the tree's right edge by (level, index)."""

NODE_COLUMNS = ("level", "index", "hash")


def frontier_keys(size: int) -> list[tuple[int, int]]:
    """The nodes `haven.ledger.tree.append_leaves` reads for a tree of `size`: one
    perfect subtree's root per set bit of `size`."""
    return [(level, (size >> level) - 1) for level in range(size.bit_length()) if size >> level & 1]


class DatabaseHashStore:
    """Reads one node per `get`; a proof makes O(log n) of them.

    An append reads the tree's right edge first, in one query (`frontier` here), and
    `get` answers from it.
    """

    def __init__(self, frontier: Frontier | None = None) -> None:
        self._read: Frontier = dict(frontier or {})

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


def _quoted(model: type[models.Model], *fields: str) -> tuple[str, ...]:
    quote = connection.ops.quote_name
    return (
        quote(model._meta.db_table),
        *(quote(model._meta.get_field(name).column) for name in fields),
    )


def frontier_read(size: int) -> Frontier:
    """The right edge of a tree of `size`, in one query."""
    keys = frontier_keys(size)
    if not keys:
        return {}
    # Raw SQL: building this OR of pairs through the ORM cost more than the query.
    table, level, index, hash_ = _quoted(LedgerNode, *NODE_COLUMNS)
    pair = f"({level} = %s AND {index} = %s)"
    sql = f"SELECT {level}, {index}, {hash_} FROM {table} WHERE {' OR '.join([pair] * len(keys))}"  # noqa: S608 - names from model metadata
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for key in keys for value in key])
        return {(row[0], row[1]): bytes(row[2]) for row in cursor.fetchall()}


def head_advance(count: int) -> tuple[int, Frontier] | None:
    """Move the head on by `count`: the first position claimed and the tree's right edge
    there, or None when there is no head row (`services._locked_head` deals with that).
    The UPDATE locks the head row until the transaction ends."""
    head, size, key = _quoted(LedgerHead, "size", "id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {head} SET {size} = {size} + %s WHERE {key} = 1 RETURNING {size}",  # noqa: S608 - names from model metadata
            [count],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    start = int(row[0]) - count
    return start, frontier_read(start)


APPEND_IN_SERVER_AT_MOST = 5_000
"""Entries one `append_in_server` call takes; a bulk load appends in the Python way."""


def append_in_server(entries: Sequence[tuple]) -> int | None:
    """PostgreSQL: append `entries` (rows of `LEDGER_ENTRY_COLUMNS` after the position)
    in one statement, and return the first position they took; None when there is no
    head row yet (the caller creates it and appends the Python way).

    The server claims the positions, reads the right edge, hashes the new nodes (as
    `haven.ledger.tree.append_leaves` does) and inserts entries and nodes, so the head's
    lock is held for this one statement and the commit.
    """
    columns = list(zip(*entries, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT haven_ledger_append(%s::text[], %s::bytea[], %s::timestamptz[], "
            "%s::text[], %s::uuid[], %s::bytea[], %s::bytea[], %s::bytea[])",
            [list(column) for column in columns],
        )
        start = cursor.fetchone()[0]
    return None if start is None else int(start)


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert append-only rows into one table with one parameterised `executemany`."""
    if not rows:
        return
    table, *names = _quoted(model, *columns)
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders})",  # noqa: S608 - names from model metadata
            rows,
        )


def node_rows(hashes: Iterable[StoredHash]) -> list[tuple]:
    return [tuple(node) for node in hashes]
