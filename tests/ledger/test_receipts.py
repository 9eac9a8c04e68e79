"""The promise receipt library (`haven.ledger.receipts`, docs/receipts.md), without Django.

A receipt built over a small in-memory log: it reads back as written, verifies against
the pinned keys, names the first check that fails when anything is wrong, and fails once
any byte of the file is changed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from haven.ledger.checkpoint import Checkpoint, sign_checkpoint
from haven.ledger.commitments import record
from haven.ledger.events import canonical_json
from haven.ledger.kinds import ReceiptIssued, ReportReceived
from haven.ledger.log import MerkleLog
from haven.ledger.note import generate_signer, open_note
from haven.ledger.receipts import (
    CHECK_NAMES,
    MAX_RECEIPT_BYTES,
    Receipt,
    ReceiptEntry,
    ReceiptError,
    ReceiptPromise,
    parse_receipt,
    receipt_summary,
    sign_receipt,
    verify_receipt,
)

ORIGIN = "example.org/ledger/v2"
LOG_KEY = generate_signer(ORIGIN)
RECEIPT_KEY = generate_signer("example.org/receipts")
AT = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
REPORT_A = "report_" + "a" * 32
REPORT_B = "report_" + "b" * 32
POLICY_SHA256 = "0123456789ab" + "c" * 52


def _arrival(report: str, force: str = "metropolitan") -> ReportReceived:
    return ReportReceived(
        report=report,
        force=force,
        offence="domestic_abuse",
        channel="portal",
        people=({"person": "person_" + "1" * 32, "role": "victim"},),
    )


@pytest.fixture(scope="module")
def log() -> dict:
    """A log of five entries: A's arrival at 1, B's at 3, and a receipt_issued at 4."""
    events = [
        _arrival("report_" + "0" * 32),
        _arrival(REPORT_A),
        _arrival("report_" + "2" * 32, force="kent"),
        _arrival(REPORT_B),
        ReceiptIssued(report=REPORT_A, policy_version=POLICY_SHA256[:12]),
    ]
    recorded = [record(event, at=AT) for event in events]
    merkle = MerkleLog()
    merkle.append([item.leaf for item in recorded])
    return {"recorded": recorded, "log": merkle}


def _entry(log: dict, index: int, size: int = 5) -> ReceiptEntry:
    item = log["recorded"][index]
    merkle = log["log"]
    note = sign_checkpoint(Checkpoint(ORIGIN, size, merkle.root(size)), LOG_KEY)
    return ReceiptEntry(
        index=index,
        leaf=item.leaf,
        event=item.event,
        salt=item.salt,
        size=size,
        proof=tuple(merkle.inclusion_proof(index, size)),
        checkpoint=note,
    )


def _receipt(log: dict, report: str = REPORT_A, index: int = 1, **changes) -> Receipt:
    receipt = Receipt(
        issued_at="2026-11-28T10:00:00.000Z",
        report=report,
        force_code="metropolitan",
        force_name="Metropolitan Police Service",
        policy_id="iemvp-2023",
        policy_version=POLICY_SHA256[:12],
        policy_sha256=POLICY_SHA256,
        promises=(
            ReceiptPromise("no-immigration-arrest-of-victims", "en", "You will not be arrested."),
            ReceiptPromise("no-referral-at-first-report", "cy", "Ni fyddwn yn eich cyfeirio."),
        ),
        entry=_entry(log, index),
    )
    return replace(receipt, **changes)


def _verify(data: bytes, **keys):
    keys.setdefault("receipt_keys", RECEIPT_KEY.verifier)
    keys.setdefault("log_keys", LOG_KEY.verifier)
    return verify_receipt(data, **keys)


def _check_failed(data: bytes, **keys) -> str:
    with pytest.raises(ReceiptError) as failure:
        _verify(data, **keys)
    return failure.value.check


# --- round trip ---------------------------------------------------------------------------


def test_a_receipt_reads_back_as_written_and_verifies(log):
    receipt = _receipt(log)
    data = sign_receipt(receipt, RECEIPT_KEY)
    assert data.endswith(b"}\n") and data.count(b"\n") == 1
    assert parse_receipt(data).receipt == receipt
    verified = _verify(data, origin=ORIGIN)
    assert verified.receipt == receipt
    assert verified.signed_by == RECEIPT_KEY.verifier
    assert verified.checkpoint.size == 5
    assert verified.event["payload"]["report"] == REPORT_A
    summary = receipt_summary(verified)
    assert summary["verified"] is True
    assert summary["report"] == REPORT_A
    assert summary["policy"]["version"] == POLICY_SHA256[:12]
    assert [p["language"] for p in summary["promises"]] == ["en", "cy"]
    assert summary["checks"] == list(CHECK_NAMES)
    json.dumps(summary)


def test_the_signature_is_a_standard_signed_note(log):
    signed = parse_receipt(sign_receipt(_receipt(log), RECEIPT_KEY))
    opened = open_note(signed.note, [RECEIPT_KEY.verifier])
    assert opened.text.encode("utf-8") == signed.text
    assert json.loads(signed.text) == _receipt(log).document()


def test_a_receipt_with_no_proven_promise_is_still_a_receipt(log):
    data = sign_receipt(_receipt(log, promises=()), RECEIPT_KEY)
    assert _verify(data).receipt.promises == ()


def test_an_entry_in_a_one_entry_log_has_an_empty_proof(log):
    entry = _entry(log, 0, size=1)
    assert entry.proof == ()
    data = sign_receipt(
        _receipt(log, report="report_" + "0" * 32, index=0, entry=entry), RECEIPT_KEY
    )
    assert _verify(data).receipt.entry.index == 0


# --- every byte ---------------------------------------------------------------------------


def test_changing_any_byte_of_the_file_makes_it_fail(log):
    data = sign_receipt(_receipt(log), RECEIPT_KEY)
    assert len(data) > 1000
    for position in range(len(data)):
        for flip in (0x01, 0x80):
            changed = bytearray(data)
            changed[position] ^= flip
            with pytest.raises(ReceiptError):
                _verify(bytes(changed))
    for cut in (data[:-1], data[1:], data + b"\n", b" " + data, data[:-2] + b" }\n"):
        with pytest.raises(ReceiptError):
            _verify(cut)


# --- each check, in order -----------------------------------------------------------------


def test_a_file_not_exactly_in_format_1_is_refused(log):
    receipt = _receipt(log)
    data = sign_receipt(receipt, RECEIPT_KEY)
    document = json.loads(data)
    pretty = json.dumps(document, indent=2).encode() + b"\n"
    assert _check_failed(pretty) == "format"
    assert _check_failed(data.rstrip(b"\n")) == "format"
    assert _check_failed(b"[]\n") == "format"
    assert _check_failed(b"\xff\n") == "format"
    assert _check_failed(b" " * MAX_RECEIPT_BYTES + b"{}\n") == "format"
    for change in (
        lambda d: d["receipt"].__setitem__("v", 2),
        lambda d: d["receipt"].__setitem__("extra", 1),
        lambda d: d["receipt"].pop("promises"),
        lambda d: d["receipt"]["policy"].__setitem__("version", "ffffffffffff"),
        lambda d: d["receipt"].__setitem__("report", "ABC-123"),
        lambda d: d["receipt"]["entry"].__setitem__("salt", "AAAA"),
        lambda d: d.__setitem__("signature", "not a signature line"),
    ):
        changed = json.loads(data)
        change(changed)
        assert _check_failed(canonical_json(changed) + b"\n") == "format"


def test_sign_receipt_refuses_what_would_not_read_back(log):
    receipt = _receipt(log)
    spaced = replace(receipt.entry, leaf=receipt.entry.leaf.replace(b":", b": "))
    with pytest.raises(ReceiptError) as refused:
        sign_receipt(replace(receipt, entry=spaced), RECEIPT_KEY)
    assert refused.value.check == "format"


def test_only_the_pinned_keys_are_trusted(log):
    data = sign_receipt(_receipt(log), RECEIPT_KEY)
    same_name = generate_signer(RECEIPT_KEY.verifier.name)
    assert _check_failed(data, receipt_keys=same_name.verifier) == "signature"
    assert _check_failed(data, receipt_keys=LOG_KEY.verifier) == "signature"
    assert _check_failed(data, log_keys=generate_signer(ORIGIN).verifier) == "checkpoint"
    assert _check_failed(data, log_keys=RECEIPT_KEY.verifier) == "checkpoint"
    assert _check_failed(data, origin="another.example/log") == "checkpoint"
    signed_by_log_key = sign_receipt(_receipt(log), LOG_KEY)
    assert _check_failed(signed_by_log_key) == "signature"
    with pytest.raises(ValueError):
        _verify(data, receipt_keys=[])
    with pytest.raises(ValueError):
        _verify(data, log_keys=[])


def test_several_pinned_keys_are_tried(log):
    data = sign_receipt(_receipt(log), RECEIPT_KEY)
    keys = [generate_signer("old.example/receipts").verifier, RECEIPT_KEY.verifier]
    assert _verify(data, receipt_keys=keys).signed_by == RECEIPT_KEY.verifier


def test_a_checkpoint_that_does_not_cover_the_entry_fails_coverage(log):
    small = _entry(log, 0, size=1)
    receipt = _receipt(log, entry=replace(_entry(log, 1), checkpoint=small.checkpoint))
    assert _check_failed(sign_receipt(receipt, RECEIPT_KEY)) == "coverage"
    other_size = replace(_entry(log, 1), checkpoint=_entry(log, 1, size=4).checkpoint)
    assert _check_failed(sign_receipt(_receipt(log, entry=other_size), RECEIPT_KEY)) == "coverage"


def test_a_wrong_proof_fails_inclusion(log):
    entry = _entry(log, 1)
    wrong = (entry.proof[0][::-1], *entry.proof[1:])
    for changed in (replace(entry, proof=wrong), replace(entry, proof=entry.proof[:-1])):
        receipt = _receipt(log, entry=changed)
        assert _check_failed(sign_receipt(receipt, RECEIPT_KEY)) == "inclusion"
    moved = replace(entry, index=2)
    assert _check_failed(sign_receipt(_receipt(log, entry=moved), RECEIPT_KEY)) == "inclusion"


def test_a_wrong_salt_or_event_fails_the_opening(log):
    entry = _entry(log, 1)
    other_salt = replace(entry, salt=bytes(32))
    other_event = replace(entry, event=log["recorded"][3].event)
    for changed in (other_salt, other_event):
        receipt = _receipt(log, entry=changed)
        assert _check_failed(sign_receipt(receipt, RECEIPT_KEY)) == "opening"


def test_a_receipt_for_report_a_cannot_pass_as_report_b(log):
    a, b = _receipt(log, REPORT_A, 1), _receipt(log, REPORT_B, 3)
    assert _verify(sign_receipt(a, RECEIPT_KEY)).receipt.report == REPORT_A
    assert _verify(sign_receipt(b, RECEIPT_KEY)).receipt.report == REPORT_B
    for forged in (replace(a, report=REPORT_B), replace(b, entry=a.entry)):
        assert _check_failed(sign_receipt(forged, RECEIPT_KEY)) == "event"


def test_the_event_must_be_the_arrival_at_this_force(log):
    other_force = _receipt(log, "report_" + "2" * 32, 2)
    assert _check_failed(sign_receipt(other_force, RECEIPT_KEY)) == "event"
    not_an_arrival = _receipt(log, index=4)
    with pytest.raises(ReceiptError) as refused:
        _verify(sign_receipt(not_an_arrival, RECEIPT_KEY))
    assert refused.value.check == "event"
    assert "receipt_issued" in str(refused.value)


def test_the_library_needs_no_django():
    code = (
        "import sys, haven.ledger.receipts;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django');"
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
