"""Durable batched appends through `ledger_record_many` on one database, against bare inserts.

Run by `bench/ledger.py` once per database (it sets DATABASE_URL and HAVEN_DATA_DIR to a
fresh database and directory); prints one JSON object. The events are the typed mix of
`bench/ledger.py` (`sample_events`: nine in ten about people, one in ten public).

The peer is the floor for the same database in the same run: inserting the same leaf
bytes, in the same batches and transactions, into a plain table with no hashing,
locking, sealing or tree nodes. Appends now seal each event about people (a fresh
AES-256-GCM data key wrapped by the site's KEK, the event and its salt encrypted), so
the sealing alone is timed too, as a share of the append. The daily audit
(`haven ledger audit`: the tree recomputed, every sealed event opened and checked
against its commitment) is timed over the same log.

Usage: python bench/ledger_database.py ENTRIES BATCH
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.web.settings.local")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from haven.ledger.commitments import record  # noqa: E402
from haven.web.ledger.audit import ledger_audit  # noqa: E402
from haven.web.ledger.models import LedgerEntry  # noqa: E402
from haven.web.ledger.selectors import leaves_upto  # noqa: E402
from haven.web.ledger.services import ledger_record_many  # noqa: E402
from ledger import sample_events  # noqa: E402  (bench/ledger.py)


def sealing_seconds(events: list) -> float:
    """What sealing costs alone: a data key per row and the event and salt encrypted."""
    at = timezone.now()
    recorded = [record(event, at=at) for event in events]
    started = time.perf_counter()
    for item in recorded:
        if item.public:
            continue
        row = LedgerEntry(position=0, kind=item.kind)
        key = row.record_key()
        key.seal("event", item.event)
        key.seal("salt", item.salt)
    return time.perf_counter() - started


def main(entries: int, batch: int) -> dict:
    call_command("migrate", interactive=False, verbosity=0)
    events = sample_events(entries)

    started = time.perf_counter()
    for first in range(0, entries, batch):
        with transaction.atomic():
            ledger_record_many(events[first : first + batch])
    ledger_seconds = time.perf_counter() - started
    assert LedgerEntry.objects.count() == entries
    public = sum(1 for event in events if event.PUBLIC)

    leaves = leaves_upto(size=entries)
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

    seal_seconds = sealing_seconds(events)

    started = time.perf_counter()
    audit = ledger_audit()
    audit_seconds = time.perf_counter() - started
    assert audit.ok, audit.problem

    return {
        "vendor": connection.vendor,
        "entries": entries,
        "about_people": entries - public,
        "public": public,
        "batch": batch,
        "appends_per_second": round(entries / ledger_seconds),
        "bare_inserts_per_second": round(entries / floor_seconds),
        "ratio_to_bare_inserts": round(ledger_seconds / floor_seconds, 2),
        "sealing_us_per_event": round(seal_seconds / (entries - public) * 1e6, 1),
        "sealing_share_of_append": round(seal_seconds / ledger_seconds, 2),
        "audit_seconds": round(audit_seconds, 2),
        "audit_entries_per_second": round(entries / audit_seconds),
        "durability": "each batch is one committed transaction"
        + ("; SQLite WAL with synchronous=FULL" if connection.vendor == "sqlite" else ""),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
