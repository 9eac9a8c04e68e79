"""Reads for promise receipts: whose report this browser may have one for, the entry and
checkpoint a receipt proves against, the promises proven for a policy, and verification
against the site's own published keys (docs/receipts.md)."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext

from haven.ledger.receipts import REPORT_RECEIVED, ReceiptPromise, VerifiedReceipt, verify_receipt
from haven.policy.compiled import CompiledPolicy
from haven.policy.promises import Promise, check, holding_promises
from haven.web.ledger.keys import ledger_origin, ledger_signer
from haven.web.ledger.models import LedgerCheckpoint, LedgerEntry
from haven.web.ledger.selectors import checkpoint_latest
from haven.web.portal.selectors import FOLLOWUP_SEEN_SESSION_KEY, followup_report, submitted_report
from haven.web.receipts.keys import receipt_verifier
from haven.web.reporting.models import Report
from haven.web.reporting.services import report_pseudonym


def receipt_report(request: HttpRequest) -> Report | None:
    """The report this browser may have a receipt for, never any other: the one it has
    just submitted, or the one it is following up with a live receipt code.

    Both end after `HAVEN_PORTAL_FOLLOW_UP_IDLE_MINUTES`, as the follow-up pages do: a
    submission counts as just made for that long after it arrived, a follow-up while its
    last page was seen that recently. A shared computer left with the portal's session
    cookie must not hand the next person a receipt that says a report was made.
    """
    return _just_submitted(request) or _followed(request)


def _idle() -> timedelta:
    return timedelta(minutes=int(settings.HAVEN_PORTAL_FOLLOW_UP_IDLE_MINUTES))


def _just_submitted(request: HttpRequest) -> Report | None:
    report = submitted_report(request)
    if report is None or timezone.now() - report.received_at > _idle():
        return None
    return report


def _followed(request: HttpRequest) -> Report | None:
    seen = request.session.get(FOLLOWUP_SEEN_SESSION_KEY)
    if not isinstance(seen, int) or time.time() - seen > _idle().total_seconds():
        return None
    return followup_report(request)


def report_received_entry(*, report: Report) -> LedgerEntry | None:
    """The log entry recording the report's arrival (one per report)."""
    return (
        LedgerEntry.objects.filter(subject=report_pseudonym(report), kind=REPORT_RECEIVED)
        .order_by("position")
        .first()
    )


def covering_checkpoint(*, position: int) -> LedgerCheckpoint | None:
    """The latest published checkpoint (current key) if it covers log `position`, else None.

    Only a checkpoint already published on the schedule is used: signing one now, for
    this receipt, would publish a tree head moments after a report arrived and so tell
    anyone watching the log when it was made (docs/receipts.md).
    """
    latest = checkpoint_latest()
    if latest is None or latest.size <= position:
        return None
    return latest


_PROVEN: dict[str, tuple[Promise, ...]] = {}
"""Proven promises by the policy text's SHA-256: the answer depends on nothing else."""


def proven_promises(compiled: CompiledPolicy) -> tuple[Promise, ...]:
    """The catalogue's promises that *hold* under `compiled` (never `fails`, never
    `not_stated`), in catalogue order."""
    digest = compiled.policy.digest
    if digest not in _PROVEN:
        _PROVEN[digest] = tuple(holding_promises(check(compiled)))
    return _PROVEN[digest]


def promise_in_language(promise: Promise, language: str | None = None) -> ReceiptPromise:
    """The promise as a receipt states it: in `language` (default: the active one) when
    the catalogue or a translation has it, otherwise in English, named as such."""
    language = language or translation.get_language() or "en"
    written = promise.text.get(language)
    if written:
        return ReceiptPromise(id=promise.id, language=language, text=written)
    with translation.override(language):
        translated = gettext(promise.english)
    if translated != promise.english:
        return ReceiptPromise(id=promise.id, language=language, text=translated)
    return ReceiptPromise(id=promise.id, language="en", text=promise.english)


def site_receipt_verify(data: bytes) -> VerifiedReceipt:
    """Verify a receipt file against this site's published receipt key and log key.

    Raises:
        ReceiptError: naming the first check that failed.
    """
    return verify_receipt(
        data,
        receipt_keys=receipt_verifier(),
        log_keys=ledger_signer().verifier,
        origin=ledger_origin(),
    )
