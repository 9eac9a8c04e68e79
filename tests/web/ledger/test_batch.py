"""`ledger_batch`: events recorded inside it are appended together, in the same transaction."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from haven.ledger.errors import PersonalDataError
from haven.ledger.kinds import SignedIn
from haven.ledger.store import InMemoryHashStore
from haven.ledger.tree import append_leaves, root_from_leaves, root_hash
from haven.web.accounts.models import Force
from haven.web.ledger import services
from haven.web.ledger.models import LedgerEntry, LedgerHead, LedgerNode
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


def _head_locks(queries: CaptureQueriesContext) -> list[str]:
    """The statements that lock the head: an UPDATE, or on PostgreSQL the append
    function that starts with one."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if 'UPDATE "ledger_ledgerhead"' in q["sql"] or "haven_ledger_append" in q["sql"]
    ]


def test_a_batch_locks_the_head_once_for_all_its_events(db):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with ledger_batch():
            for n in range(4):
                ledger_record(event(n))
    assert len(_head_locks(queries)) == 1
    assert _users() == [f"staff_{n}" for n in range(4)]


def test_an_append_takes_few_statements_behind_the_head_lock(db):
    ledger_record_many([event("first")])  # a tree with a right edge to read
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        ledger_record_many([event(n) for n in range(3)])
    sql = [q["sql"] for q in queries.captured_queries]
    locked = sql.index(_head_locks(queries)[0])
    if connection.vendor == "postgresql":
        # The server does the whole append: the lock is held for one statement.
        assert sql[locked:] == [sql[locked]] and "haven_ledger_append" in sql[locked]
    else:
        # The head (which returns the claimed size), the right edge, one insert a table.
        behind = sql[locked:]
        assert len(behind) == 4, behind
        assert 'INSERT INTO "ledger_ledgerentry"' in behind[2]
        assert 'INSERT INTO "ledger_ledgernode"' in behind[3]
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


def _stored_nodes() -> set[tuple[int, int, bytes]]:
    return {(n.level, n.index, bytes(n.hash)) for n in LedgerNode.objects.all()}


def _nodes_the_library_computes(leaves: list[bytes]) -> set[tuple[int, int, bytes]]:
    """Every node `haven.ledger.tree.append_leaves` stores for `leaves`, one at a time."""
    memory = InMemoryHashStore()
    nodes: set[tuple[int, int, bytes]] = set()
    for size, leaf in enumerate(leaves):
        new = append_leaves(memory, size, [leaf]).hashes
        memory.put_many(new)
        nodes.update((node.level, node.index, bytes(node.hash)) for node in new)
    return nodes


def test_every_node_stored_is_the_one_the_python_tree_computes(db):
    # Appends of many sizes, so the server's function (PostgreSQL) meets every shape of
    # right edge; each of its nodes must be the Python library's, bit for bit.
    for size in (1, 1, 2, 3, 7, 1, 16, 5, 33):
        ledger_record_many([event(f"{size}_{n}") for n in range(size)])
    leaves = leaves_upto(size=ledger_size())
    assert len(leaves) == 69
    assert _stored_nodes() == _nodes_the_library_computes(leaves)
    assert root_hash(DatabaseHashStore(), 69) == root_from_leaves(leaves)


def test_an_append_larger_than_the_server_takes_is_appended_the_python_way(db, monkeypatch):
    monkeypatch.setattr(services, "APPEND_IN_SERVER_AT_MOST", 2)
    ledger_record_many([event(n) for n in range(2)])
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        ledger_record_many([event(n) for n in range(2, 7)])
    assert not any("haven_ledger_append" in q["sql"] for q in queries.captured_queries)
    leaves = leaves_upto(size=7)
    assert _users() == [f"staff_{n}" for n in range(7)]
    assert _stored_nodes() == _nodes_the_library_computes(leaves)


def test_the_server_refuses_to_append_to_a_tree_missing_a_node(db):
    if connection.vendor != "postgresql":
        pytest.skip("the append function is PostgreSQL's; SQLite appends in Python")
    ledger_record_many([event(n) for n in range(3)])
    LedgerNode.objects.filter(level=1, index=0).delete()  # the right edge of size 3
    with pytest.raises(DatabaseError, match="has no node at level 1 index 0"):
        with transaction.atomic():
            ledger_record_many([event(3)])
    assert ledger_size() == 3
