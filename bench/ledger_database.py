"""Durable batched appends through `ledger_append_many` on one database, against bare inserts.

Run by `bench/ledger.py` once per database (it sets DATABASE_URL and HAVEN_DATA_DIR to a
fresh database and directory); prints one JSON object. The peer is the floor for the
same database in the same run: inserting the same leaf bytes, in the same batches and
transactions, into a plain table with no hashing, locking or tree nodes.

Usage: python bench/ledger_database.py ENTRIES BATCH
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.web.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from haven.ledger.events import event_leaf  # noqa: E402
from haven.web.ledger.models import LedgerEntry  # noqa: E402
from haven.web.ledger.services import ledger_append_many  # noqa: E402


def main(entries: int, batch: int) -> dict:
    call_command("migrate", interactive=False, verbosity=0)
    events = [
        ("decision", {"policy": "firewall", "decision": "deny", "sequence": n})
        for n in range(entries)
    ]

    started = time.perf_counter()
    for first in range(0, entries, batch):
        with transaction.atomic():
            ledger_append_many(events=events[first : first + batch])
    ledger_seconds = time.perf_counter() - started
    assert LedgerEntry.objects.count() == entries

    at = timezone.now()
    leaves = [event_leaf(kind, payload, at=at) for kind, payload in events]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor (position BIGINT PRIMARY KEY, leaf BYTEA)".replace(
                "BYTEA", "BLOB" if connection.vendor == "sqlite" else "BYTEA"
            )
        )
    started = time.perf_counter()
    for first in range(0, entries, batch):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_floor (position, leaf) VALUES (%s, %s)",
                [(n, leaves[n]) for n in range(first, min(first + batch, entries))],
            )
    floor_seconds = time.perf_counter() - started

    return {
        "vendor": connection.vendor,
        "entries": entries,
        "batch": batch,
        "appends_per_second": round(entries / ledger_seconds),
        "bare_inserts_per_second": round(entries / floor_seconds),
        "ratio_to_bare_inserts": round(ledger_seconds / floor_seconds, 2),
        "durability": "each batch is one committed transaction"
        + ("; SQLite WAL with synchronous=FULL" if connection.vendor == "sqlite" else ""),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
