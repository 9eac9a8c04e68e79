"""`ledger_batch`: events recorded inside it are appended together, in the same transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from haven.ledger.errors import PersonalDataError
from haven.ledger.kinds import SignedIn
from haven.ledger.tree import root_from_leaves, root_hash
from haven.web.accounts.models import Force
from haven.web.ledger import store
from haven.web.ledger.models import LedgerEntry, LedgerHead
from haven.web.ledger.selectors import entry_event, leaves_upto, ledger_size
from haven.web.ledger.services import (
    LedgerOutsideTransactionError,
    ledger_batch,
    ledger_record,
    ledger_record_many,
)
from haven.web.ledger.store import DatabaseHashStore


def event(n: object) -> SignedIn:
    return SignedIn(user=f"staff_{n}")


def _users() -> list[str]:
    return [entry_event(e)["payload"]["user"] for e in LedgerEntry.objects.order_by("position")]


def test_events_in_a_batch_are_appended_in_order_when_it_ends(db):
    with transaction.atomic():
        ledger_record(event(0))
        with ledger_batch():
            assert ledger_record(event(1)) is None
            assert ledger_record(event(2)) is None
            assert ledger_size() == 1  # nothing appended yet
        assert ledger_size() == 3
    assert _users() == ["staff_0", "staff_1", "staff_2"]
    assert LedgerHead.objects.get().size == 3


def test_a_batch_locks_the_head_once_for_all_its_events(db):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with ledger_batch():
            for n in range(4):
                ledger_record(event(n))
    head = [q["sql"] for q in queries.captured_queries if "ledger_ledgerhead" in q["sql"]]
    # An UPDATE locks the row until commit (on PostgreSQL inside a WITH that also reads
    # the tree's right edge).
    assert len(head) == 1 and 'UPDATE "ledger_ledgerhead"' in head[0]
    assert _users() == [f"staff_{n}" for n in range(4)]


def test_an_append_takes_few_statements_behind_the_head_lock(db):
    ledger_record_many([event("first")])  # a tree with a right edge to read
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        ledger_record_many([event(n) for n in range(3)])
    sql = [q["sql"] for q in queries.captured_queries]
    locked = next(n for n, text in enumerate(sql) if 'UPDATE "ledger_ledgerhead"' in text)
    behind = " ".join(sql[locked:])
    # PostgreSQL: the head and the right edge in one statement, every row in another.
    # SQLite: the head, the right edge, then one insert a table.
    assert len(sql[locked:]) == (2 if connection.vendor == "postgresql" else 4), sql[locked:]
    assert 'INSERT INTO "ledger_ledgerentry"' in behind
    assert 'INSERT INTO "ledger_ledgernode"' in behind
    leaves = leaves_upto(size=ledger_size())
    assert root_hash(DatabaseHashStore(), 4) == root_from_leaves(leaves)


def test_the_tree_after_batches_matches_the_reference_implementation(db):
    for size in (1, 2, 3, 5, 4):
        with transaction.atomic(), ledger_batch():
            for n in range(size):
                ledger_record(event(f"{size}_{n}"))
    total = ledger_size()
    assert total == 15
    leaves = leaves_upto(size=total)
    assert root_hash(DatabaseHashStore(), total) == root_from_leaves(leaves)


def test_an_exception_after_events_were_recorded_rolls_back_the_rows_and_the_events(db):
    before = Force.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), ledger_batch():
        Force.objects.create(code="batchtest", name="Batch Test", country="england")
        ledger_record(event(1))
        raise RuntimeError("the action failed after recording its event")
    assert Force.objects.count() == before
    assert LedgerEntry.objects.count() == 0 and ledger_size() == 0


def test_an_event_recorded_in_a_savepoint_that_was_rolled_back_is_dropped_with_its_rows(db):
    with transaction.atomic(), ledger_batch():
        ledger_record(event("kept"))
        try:
            with transaction.atomic():
                Force.objects.create(code="batchtest", name="Batch Test", country="england")
                ledger_record(event("dropped"))
                raise RuntimeError
        except RuntimeError:
            pass
        with transaction.atomic():
            ledger_record(event("kept_too"))
    assert not Force.objects.filter(code="batchtest").exists()
    assert _users() == ["staff_kept", "staff_kept_too"]


def test_a_refused_event_raises_where_it_is_recorded_and_nothing_is_written(db):
    with pytest.raises(PersonalDataError), transaction.atomic(), ledger_batch():
        ledger_record(event(1))
        ledger_record(SignedIn(user="someone@example.org"))
    assert LedgerEntry.objects.count() == 0 and ledger_size() == 0


def test_a_batch_inside_a_batch_belongs_to_the_outer_one(db):
    with transaction.atomic(), ledger_batch():
        with ledger_batch():
            ledger_record(event(1))
        assert ledger_size() == 0
        ledger_record(event(2))
    assert _users() == ["staff_1", "staff_2"]


def test_a_batch_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(LedgerOutsideTransactionError), ledger_batch():
        pass
    assert ledger_size() == 0


def test_a_block_marked_for_rollback_appends_nothing_and_ends_quietly(db):
    """A failed request (its transaction marked for rollback) keeps no rows, so no events."""
    with transaction.atomic():
        ledger_record(event(0))
    with transaction.atomic():
        with ledger_batch():
            ledger_record(event(1))
            transaction.set_rollback(True)
    assert _users() == ["staff_0"]


def test_an_append_too_large_for_one_statement_inserts_each_table_on_its_own(db, monkeypatch):
    monkeypatch.setattr(store, "_MAX_PARAMETERS", 10)
    ledger_record_many([event(n) for n in range(5)])
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        ledger_record_many([event(n) for n in range(5, 8)])
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert len(inserts) == 2  # one executemany a table
    assert 'INSERT INTO "ledger_ledgerentry"' in inserts[0]
    assert 'INSERT INTO "ledger_ledgernode"' in inserts[1]
    assert _users() == [f"staff_{n}" for n in range(8)]
    assert root_hash(DatabaseHashStore(), 8) == root_from_leaves(leaves_upto(size=8))
