"""`haven ledger audit`: the stored tree, head, sealed events, checkpoints and coverage."""

from __future__ import annotations

import json
import os

import pytest
from django.db import transaction

from haven.cli import main
from haven.ledger.kinds import KeyRotation, ReportRead, SignedIn
from haven.web.ledger.audit import COVERAGE, Coverage, ledger_audit
from haven.web.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerHead, LedgerNode
from haven.web.ledger.services import checkpoint_sign, ledger_record, ledger_record_many
from haven.web.reporting.models import Channel, Report
from haven.web.reporting.services import PersonInReport, report_create, report_pseudonym


@pytest.fixture
def log(met, officer):
    """Two reports, a read, staff events and a public one, and two checkpoints: 300 entries."""
    reports = [
        report_create(
            force=met,
            offence="domestic_abuse",
            account="What happened.",
            people=[PersonInReport(role="victim", label="the caller")],
            channel=Channel.PORTAL,
        )
        for _ in range(2)
    ]
    checkpoint_sign()
    with transaction.atomic():
        ledger_record(
            ReportRead(report=report_pseudonym(reports[0]), reader="staff_1", reader_role="officer")
        )
        ledger_record(
            KeyRotation(key="sealing", old_key_id="personal/open/v1", new_key_id="personal/open/v2")
        )
        size = LedgerHead.objects.get().size
        ledger_record_many([SignedIn(user=f"staff_{n}") for n in range(300 - size)])
    checkpoint_sign()
    return reports


def _finding(**expected):
    result = ledger_audit()
    assert not result.ok, "the audit passed"
    for name, value in expected.items():
        assert getattr(result.finding, name) == value, result.finding
    return result.finding


def test_an_intact_log_passes_with_a_summary(log, capsys):
    result = ledger_audit()
    assert result.ok, result.problem
    assert (result.entries, result.public, result.checkpoints) == (300, 1, 2)
    assert result.sealed == 299 and result.covered == {"report": 2}
    assert result.nodes == 300 + 150 + 75 + 37 + 18 + 9 + 4 + 2 + 1
    assert main(["ledger", "audit"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ledger audit passed: 300 entries") and "every report (2)" in out


def test_an_empty_log_passes(db):
    assert ledger_audit().ok


def test_a_changed_leaf_is_named_by_position(log):
    entry = LedgerEntry.objects.get(position=123)
    entry.leaf = bytes(entry.leaf).replace(b'"day":"', b'"day":"1')
    entry.save(update_fields=["leaf"])
    finding = _finding(check="tree", position=123)
    assert finding.message.startswith("position 123: the stored leaf hash")


def test_a_changed_inner_node_names_the_positions_under_it(log):
    LedgerNode.objects.filter(level=3, index=5).update(hash=os.urandom(32))
    finding = _finding(check="tree", position=40)
    assert finding.message.startswith("positions 40–47: the stored node (3, 5)")


def test_a_missing_node_row_is_named(log):
    LedgerNode.objects.filter(level=0, index=77).delete()
    assert _finding(check="tree", position=77).message == (
        "position 77: the stored tree has no node (0, 77)"
    )


def test_an_extra_node_is_named(log):
    LedgerNode.objects.create(level=0, index=300, hash=os.urandom(32))
    assert "beyond the log" in _finding(check="tree", position=300).message
    LedgerNode.objects.filter(level=0, index=300).delete()
    LedgerNode.objects.create(level=12, index=0, hash=os.urandom(32))
    assert "above the top" in _finding(check="tree").message


def test_a_head_that_disagrees_with_the_entries_is_named(log):
    LedgerHead.objects.update(size=299)
    assert _finding(check="head", position=299).message.startswith("position 299 lies beyond")
    LedgerHead.objects.update(size=301)
    assert _finding(check="head", position=300).message.startswith("position 300 is missing")
    LedgerHead.objects.all().delete()
    assert "head row is missing" in _finding(check="head").message


def test_a_gap_in_the_positions_is_named(log):
    LedgerEntry.objects.filter(position=150).delete()
    assert _finding(check="sequence", position=150).message == (
        "position 150 is missing: the log goes from position 149 to 151"
    )


def test_a_sealed_event_that_does_not_open_is_named(log):
    first, second = LedgerEntry.objects.filter(position__in=[200, 201]).order_by("position")
    LedgerEntry.objects.filter(position=200).update(event=second.event)
    finding = _finding(check="event", position=200)
    assert "does not open" in finding.message and "TamperedError" in finding.message


def test_a_sealed_salt_that_does_not_open_the_commitment_is_named(log):
    entry = LedgerEntry.objects.get(position=210)
    entry.salt = entry.record_key().seal("salt", os.urandom(32))
    entry.save(update_fields=["salt"])
    finding = _finding(check="event", position=210)
    assert "does not match its public leaf" in finding.message


def test_an_entry_filed_under_another_subject_is_named(log):
    received = LedgerEntry.objects.filter(kind="report_received").order_by("position").first()
    LedgerEntry.objects.filter(position=received.position).update(subject="report_0000")
    assert (
        "filed as a 'report_received' about 'report_0000'"
        in _finding(check="event", position=received.position).message
    )


def test_a_report_without_its_report_received_event_is_named_by_reference(log, met, capsys):
    stray = Report(force=met, offence="other", channel=Channel.PORTAL)
    stray.seal_text("account", "Recorded behind the ledger's back.")
    stray.save()
    finding = _finding(check="coverage", reference=stray.reference)
    assert finding.message == f"report {stray.reference} has no report_received event in the ledger"
    assert main(["ledger", "audit", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == f"haven: ledger audit failed: {finding.message}"
    document = json.loads(captured.out)
    assert (document["ok"], document["check"], document["reference"]) == (
        False,
        "coverage",
        stray.reference,
    )


def test_a_checkpoint_that_signs_another_root_is_named(log):
    first = LedgerCheckpoint.objects.order_by("size").first()
    LedgerCheckpoint.objects.filter(pk=first.pk).update(root=os.urandom(32))
    assert f"checkpoint of size {first.size} " in _finding(check="checkpoint").message


def test_the_first_thing_wrong_is_named_when_several_are(log):
    LedgerNode.objects.filter(level=0, index=250).update(hash=os.urandom(32))
    LedgerEntry.objects.filter(position=280).update(subject="report_0000")
    assert _finding(check="tree").position == 250  # the tree is checked before the events


def test_the_coverage_registry_takes_more_checks(log, monkeypatch):
    # signed_in events are about no report, so they are found by their payload's user:
    monkeypatch.setattr(
        "haven.web.ledger.audit.COVERAGE",
        [
            *COVERAGE,
            Coverage(
                name="sign-in",
                kind="signed_in",
                rows=lambda: [("staff 3", "staff_3"), ("staff 404", "staff_404")],
                key=lambda payload: payload["user"],
            ),
        ],
    )
    assert _finding(check="coverage", reference="staff 404").message == (
        "sign-in staff 404 has no signed_in event in the ledger"
    )
