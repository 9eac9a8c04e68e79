"""Issuing promise receipts: the one place a receipt is signed, with its ledger event.

A receipt (docs/receipts.md, `haven.ledger.receipts`) states the force's policy in force
and the promises proven for it, and proves that the report's arrival is in the public
log: the inclusion proof of its `report_received` entry against a published checkpoint,
with the event and salt that open the entry's commitment. Every receipt issued is
recorded as a `receipt_issued` event in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from haven.ledger.events import format_timestamp
from haven.ledger.kinds import ReceiptIssued
from haven.ledger.receipts import Receipt, ReceiptEntry, sign_receipt
from haven.web.accounts.selectors import force_active_policy
from haven.web.ledger.selectors import entry_opening, inclusion_proof_for
from haven.web.ledger.services import ledger_record
from haven.web.receipts.keys import receipt_signer
from haven.web.receipts.selectors import (
    covering_checkpoint,
    promise_in_language,
    proven_promises,
    report_received_entry,
)
from haven.web.reporting.models import Report
from haven.web.reporting.services import report_pseudonym


class ReceiptNotReadyError(Exception):
    """No published checkpoint covers the report's arrival yet: come back after the next
    scheduled one (`HAVEN_CHECKPOINT_INTERVAL`)."""


@dataclass(frozen=True)
class IssuedReceipt:
    receipt: Receipt
    data: bytes
    """The receipt file, byte for byte (`haven.ledger.receipts.sign_receipt`)."""
    position: int
    """Where its `receipt_issued` event was recorded."""


def receipt_issue(*, report: Report, language: str | None = None) -> IssuedReceipt:
    """Sign a receipt for `report`, and record that it was issued.

    `language` is the one to state the promises in (default: the active language); a
    promise with no translation into it is stated in English.

    Raises:
        ReceiptNotReadyError: no published checkpoint covers the report yet (nothing is
            written, nothing is signed).
    """
    with transaction.atomic():
        entry = report_received_entry(report=report)
        if entry is None:  # a report always has one; a damaged ledger is not a receipt
            raise ReceiptNotReadyError("the report's arrival is not in the log")
        checkpoint = covering_checkpoint(position=entry.position)
        if checkpoint is None:
            raise ReceiptNotReadyError("no published checkpoint covers the report yet")
        size, proof = inclusion_proof_for(index=entry.position, size=checkpoint.size)
        event, salt = entry_opening(entry)
        compiled = force_active_policy(force=report.force)
        receipt = Receipt(
            issued_at=format_timestamp(timezone.now()),
            report=report_pseudonym(report),
            force_code=report.force.code,
            force_name=report.force.name,
            policy_id=compiled.id,
            policy_version=compiled.version,
            policy_sha256=compiled.policy.digest,
            promises=tuple(
                promise_in_language(promise, language) for promise in proven_promises(compiled)
            ),
            entry=ReceiptEntry(
                index=entry.position,
                leaf=bytes(entry.leaf),
                event=event,
                salt=salt,
                size=size,
                proof=tuple(proof),
                checkpoint=checkpoint.note,
            ),
        )
        data = sign_receipt(receipt, receipt_signer())
        position = ledger_record(
            ReceiptIssued(report=receipt.report, policy_version=receipt.policy_version)
        )
    return IssuedReceipt(receipt=receipt, data=data, position=position)
