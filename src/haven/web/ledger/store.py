"""`haven.ledger.store.HashStore` on the `LedgerNode` table, and the append's SQL.

Every append waits for the log's head lock, and holds it until its transaction commits,
so what runs behind it is counted in round trips: on PostgreSQL an append takes two
(`head_advance`, then `insert_rows_together`), on SQLite four.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

from haven.ledger.store import StoredHash
from haven.web.ledger.models import LedgerHead, LedgerNode

Frontier = dict[tuple[int, int], bytes]
"""Nodes of the tree's right edge by (level, index)."""

NODE_COLUMNS = ("level", "index", "hash")

# PostgreSQL takes at most 65,535 parameters a statement; larger appends (a bulk load)
# insert each table with its own `executemany`.
_MAX_PARAMETERS = 30_000


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

    The UPDATE locks the head row until the transaction ends. On PostgreSQL the right
    edge is read in the same statement (its nodes are found from the old size by
    `generate_series` over the size's bits, as `frontier_keys` does).
    """
    head, size, key = _quoted(LedgerHead, "size", "id")
    if connection.vendor != "postgresql":
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
    nodes, level, index, hash_ = _quoted(LedgerNode, *NODE_COLUMNS)
    sql = (
        f"WITH claimed AS (UPDATE {head} SET {size} = {size} + %s WHERE {key} = 1 "  # noqa: S608 - names from model metadata
        f"RETURNING {size} - %s AS start) "
        f"SELECT claimed.start, node.{level}, node.{index}, node.{hash_} FROM claimed "
        "LEFT JOIN generate_series(0, 62) AS bit ON (claimed.start >> bit) & 1 = 1 "
        f"LEFT JOIN {nodes} AS node ON node.{level} = bit "
        f"AND node.{index} = (claimed.start >> bit) - 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, count])
        rows = cursor.fetchall()
    if not rows:
        return None
    frontier = {(row[1], row[2]): bytes(row[3]) for row in rows if row[1] is not None}
    return int(rows[0][0]), frontier


Rows = tuple[type[models.Model], Sequence[str], Sequence[tuple]]
"""A table's model, the columns given, and the rows to insert."""


def insert_rows_together(tables: Sequence[Rows]) -> None:
    """Insert append-only rows into several tables: on PostgreSQL in one statement
    (each table but the last a data-modifying `WITH`), elsewhere one `executemany` a
    table. Raw SQL: the ledger writes three rows per event on average, and building
    model instances for them made the ORM the bottleneck of every append
    (bench/ledger.py)."""
    tables = [(model, columns, rows) for model, columns, rows in tables if rows]
    parameters = sum(len(columns) * len(rows) for _, columns, rows in tables)
    if connection.vendor != "postgresql" or len(tables) < 2 or parameters > _MAX_PARAMETERS:
        for model, columns, rows in tables:
            insert_rows(model, columns, rows)
        return
    parts = [_values_insert(model, columns, len(rows)) for model, columns, rows in tables]
    sql = "WITH " + ", ".join(f"t{n} AS ({part})" for n, part in enumerate(parts[:-1]))
    with connection.cursor() as cursor:
        cursor.execute(
            f"{sql} {parts[-1]}",
            [value for _, _, rows in tables for row in rows for value in row],
        )


def _values_insert(model: type[models.Model], columns: Sequence[str], count: int) -> str:
    table, *names = _quoted(model, *columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([row] * count)}"  # noqa: S608 - names from model metadata


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
