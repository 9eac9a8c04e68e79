"""Appending to the ledger inside the caller's transaction, and signing checkpoints."""

from __future__ import annotations

import pytest
from django.db import transaction

from haven.ledger.checkpoint import open_checkpoint
from haven.ledger.errors import InvalidEventError, PersonalDataError
from haven.ledger.kinds import SignedIn
from haven.ledger.log import MerkleLog
from haven.ledger.note import parse_vkey
from haven.ledger.proofs import verify_consistency, verify_inclusion
from haven.ledger.tree import leaf_hashes, root_from_leaves
from haven.web.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerHead, LedgerNode
from haven.web.ledger.selectors import (
    consistency_proof_for,
    entry_event,
    inclusion_proof_for,
    leaves_upto,
    ledger_size,
    ledger_vkey,
)
from haven.web.ledger.services import (
    LedgerOutsideTransactionError,
    checkpoint_sign,
    ledger_record,
    ledger_record_many,
)


def event(n: object) -> SignedIn:
    return SignedIn(user=f"staff_{n}")


def _nothing_written() -> bool:
    return (
        LedgerEntry.objects.count() == 0 and LedgerNode.objects.count() == 0 and ledger_size() == 0
    )


def test_appends_get_consecutive_positions(db):
    with transaction.atomic():
        first = ledger_record(event(1))
        rest = ledger_record_many([event(2), event(3)])
    assert [first, *rest] == [0, 1, 2]
    assert LedgerHead.objects.get().size == 3
    opened = [entry_event(entry)["payload"]["user"] for entry in LedgerEntry.objects.all()]
    assert opened == ["staff_1", "staff_2", "staff_3"]


def test_append_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(LedgerOutsideTransactionError):
        ledger_record(event(1))
    assert _nothing_written()


def test_rolled_back_transaction_leaves_no_entry(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        ledger_record(event(1))
        raise RuntimeError("the action failed")
    assert _nothing_written()


def test_payload_with_personal_data_is_refused_and_nothing_is_written(db):
    with pytest.raises(PersonalDataError), transaction.atomic():
        ledger_record(SignedIn(user="amina@example.org"))
    with pytest.raises(InvalidEventError), transaction.atomic():
        ledger_record(type("Gossip", (SignedIn,), {"KIND": "gossip"})(user="staff_1"))
    assert _nothing_written()


def test_database_tree_matches_the_reference_implementation(db):
    with transaction.atomic():
        ledger_record_many([event(n) for n in range(37)])
    leaves = leaves_upto(size=37)
    reference = MerkleLog()
    reference.append(leaves)
    with transaction.atomic():
        checkpoint = checkpoint_sign()
    assert bytes(checkpoint.root) == reference.root() == root_from_leaves(leaves)
    for index in (0, 17, 36):
        size, proof = inclusion_proof_for(index=index, size=37)
        assert proof == reference.inclusion_proof(index, 37)
        verify_inclusion(leaf_hashes([leaves[index]])[0], index, size, proof, reference.root())
    result = consistency_proof_for(old_size=5, new_size=37)
    verify_consistency(5, 37, result["proof"], result["old_root"], result["new_root"])


def test_appends_sign_nothing_so_the_log_does_not_say_when_events_happened(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ledger_record_many([event(n) for n in range(3)])
    assert not LedgerCheckpoint.objects.exists()


def test_a_scheduled_checkpoint_signs_the_head_and_verifies(db):
    with transaction.atomic():
        ledger_record_many([event(n) for n in range(3)])
    checkpoint_sign()
    stored = LedgerCheckpoint.objects.get()
    opened = open_checkpoint(stored.note, parse_vkey(ledger_vkey()))
    assert opened.size == 3
    assert opened.root_hash == bytes(stored.root)
    assert checkpoint_sign().pk == stored.pk  # signing an unchanged head adds nothing


def test_proofs_default_to_the_latest_signed_checkpoint(db):
    with transaction.atomic():
        ledger_record_many([event(n) for n in range(4)])
    checkpoint_sign()
    with transaction.atomic():
        ledger_record(event(4))
    size, _proof = inclusion_proof_for(index=1)
    assert size == 4


def test_append_recreates_a_missing_head_on_an_empty_log(db):
    LedgerHead.objects.all().delete()
    assert ledger_size() == 0
    with transaction.atomic():
        assert ledger_record(event(1)) == 0
    assert LedgerHead.objects.get().size == 1


def test_append_refuses_when_entries_exist_without_a_head(db):
    from haven.web.ledger.services import LedgerHeadMissingError

    with transaction.atomic():
        ledger_record(event(1))
    LedgerHead.objects.all().delete()
    with pytest.raises(LedgerHeadMissingError), transaction.atomic():
        ledger_record(event(2))
    assert LedgerEntry.objects.count() == 1


def test_an_event_about_people_is_public_only_as_a_commitment_and_opens_from_its_row(db):
    from haven.ledger.kinds import ReportRead

    with transaction.atomic():
        ledger_record(ReportRead(report="report_1", reader="staff_9", reader_role="dpo"))
    entry = LedgerEntry.objects.get()
    assert b"staff_9" not in bytes(entry.leaf) and b"dpo" not in bytes(entry.leaf)
    assert b"staff_9" not in bytes(entry.event)  # sealed at rest too
    assert entry.subject == "report_1"
    assert entry_event(entry)["payload"] == {
        "report": "report_1",
        "reader": "staff_9",
        "reader_role": "dpo",
    }


def test_a_sealed_event_swapped_between_rows_does_not_open(db):
    from haven.ledger.kinds import ReportRead
    from haven.privacy import TamperedError

    with transaction.atomic():
        ledger_record(ReportRead(report="report_1", reader="staff_1", reader_role="officer"))
        ledger_record(ReportRead(report="report_2", reader="staff_2", reader_role="officer"))
    first, second = LedgerEntry.objects.order_by("position")
    first.event = second.event
    with pytest.raises(TamperedError):
        entry_event(first)
