"""`haven ledger export` on a damaged database: one clear line, nothing written."""

from __future__ import annotations

import os

import pytest
from django.db import transaction

from haven.cli import main
from haven.ledger.kinds import SignedIn
from haven.web.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerHead, LedgerNode
from haven.web.ledger.services import checkpoint_sign, ledger_record_many


def _truncate_leaf() -> None:
    entry = LedgerEntry.objects.get(position=4)
    LedgerEntry.objects.filter(position=4).update(leaf=bytes(entry.leaf)[:-5])


DAMAGE = {
    "a missing leaf node": (
        lambda: LedgerNode.objects.filter(level=0, index=3).delete(),
        "position 3: the stored tree has no node (0, 3)",
    ),
    "a missing inner node": (
        lambda: LedgerNode.objects.filter(level=1, index=2).delete(),
        "positions 4–5: the stored tree has no node (1, 2)",
    ),
    "a truncated leaf": (_truncate_leaf, "position 4: the stored leaf hash"),
    "a missing entry": (
        lambda: LedgerEntry.objects.filter(position=4).delete(),
        "position 4 is missing",
    ),
    "a missing head": (
        lambda: LedgerHead.objects.all().delete(),
        "the ledger head row is missing",
    ),
    "a head behind the entries": (
        lambda: LedgerHead.objects.update(size=9),
        "position 9 lies beyond the head",
    ),
    "a checkpoint beyond the log": (
        lambda: LedgerCheckpoint.objects.update(size=11),
        "the published checkpoint covers 11 entries",
    ),
    "a changed checkpoint root": (
        lambda: LedgerCheckpoint.objects.update(root=os.urandom(32)),
        "does not sign the root of the stored leaves",
    ),
    "a garbled checkpoint note": (
        lambda: LedgerCheckpoint.objects.update(note="garbage"),
        "does not verify with the log's key",
    ),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_export_of_a_damaged_database_is_one_clear_line(db, tmp_path, capsys, damage):
    with transaction.atomic():
        ledger_record_many([SignedIn(user=f"staff_{n}") for n in range(10)])
    checkpoint_sign()
    harm, expected = DAMAGE[damage]
    harm()
    assert main(["ledger", "export", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("haven: the ledger in the database is damaged: "), lines[0]
    assert expected in lines[0]
    assert "haven ledger audit" in lines[0]
    assert not (tmp_path / "out").exists()


def test_export_before_any_published_checkpoint_says_how_to_get_one(db, tmp_path, capsys):
    with transaction.atomic():
        ledger_record_many([SignedIn(user="staff_1")])
    assert main(["ledger", "export", str(tmp_path / "out")]) == 2
    line = capsys.readouterr().err.strip()
    assert "no checkpoint has been published yet" in line and "haven ledger checkpoint" in line


def test_export_into_a_file_is_one_line(db, tmp_path, capsys):
    with transaction.atomic():
        ledger_record_many([SignedIn(user="staff_1")])
    checkpoint_sign()
    (tmp_path / "out").write_text("a file")
    assert main(["ledger", "export", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.startswith("haven: cannot write the export in ")


def test_export_publishes_only_the_published_checkpoint_not_later_entries(db, tmp_path, capsys):
    with transaction.atomic():
        ledger_record_many([SignedIn(user=f"staff_{n}") for n in range(3)])
    checkpoint_sign()
    with transaction.atomic():
        ledger_record_many([SignedIn(user="staff_late")])
    assert main(["ledger", "export", str(tmp_path / "out")]) == 0
    assert len((tmp_path / "out" / "leaves").read_text().splitlines()) == 3
