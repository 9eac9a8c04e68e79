"""Appending to the ledger and signing checkpoints: the one place either happens.

`ledger_append` is what every part of Haven calls to record an event. It must run
inside the database transaction of the action it records: both commit, or neither
does (DESIGN.md §7). Sequencing is gapless under concurrent writers because every
append locks the single `LedgerHead` row first.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.ledger.checkpoint import Checkpoint, sign_checkpoint
from haven.ledger.events import event_leaf, pseudonym
from haven.ledger.tiles import check_entry_size
from haven.ledger.tree import append_leaves, root_hash
from haven.web.ledger.keys import ledger_origin, ledger_signer, pseudonym_key
from haven.web.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerHead
from haven.web.ledger.store import DatabaseHashStore

logger = logging.getLogger(__name__)


class LedgerOutsideTransactionError(RuntimeError):
    """`ledger_append` was called outside the transaction of the action it records."""


def ledger_pseudonym(*, kind: str, value: str | bytes) -> str:
    """The keyed pseudonym under which a person or report appears in the ledger."""
    return pseudonym(pseudonym_key(), kind, value)


def ledger_append(*, kind: str, payload: Mapping[str, Any], at: datetime | None = None) -> int:
    """Record one event; return its log position. See `ledger_append_many`."""
    return ledger_append_many(events=[(kind, payload)], at=at)[0]


def ledger_append_many(
    *, events: Sequence[tuple[str, Mapping[str, Any]]], at: datetime | None = None
) -> list[int]:
    """Record events at consecutive log positions, in the caller's transaction.

    Raises:
        LedgerOutsideTransactionError: no transaction is open, so the entry could
            outlive a failed action (or the action its missing entry).
        InvalidEventError, PersonalDataError: an event's kind or payload is refused;
            nothing is written.
        EntryTooLargeError: a leaf exceeds the tlog-tiles entry limit (65,535 bytes).
    """
    if not transaction.get_connection().in_atomic_block:
        raise LedgerOutsideTransactionError(
            "ledger_append must run inside the transaction of the action it records"
        )
    if not events:
        return []
    at = at or timezone.now()
    leaves = [event_leaf(kind, payload, at=at) for kind, payload in events]
    for leaf in leaves:
        check_entry_size(leaf)
    head = LedgerHead.objects.select_for_update().get(pk=1)
    store = DatabaseHashStore()
    result = append_leaves(store, head.size, leaves)
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(position=head.size + offset, kind=kind, leaf=leaf, recorded_at=at)
            for offset, ((kind, _payload), leaf) in enumerate(zip(events, leaves, strict=True))
        ],
        batch_size=500,
    )
    store.put_many(result.hashes)
    positions = list(range(head.size, result.size))
    head.size = result.size
    head.save(update_fields=["size"])
    transaction.on_commit(_sign_after_commit)
    return positions


def _sign_after_commit() -> None:
    # A failed signature must not turn a committed action into an error for its
    # caller: the next append or `haven ledger checkpoint` signs the head instead.
    try:
        checkpoint_sign()
    except Exception:
        logger.exception("could not sign the ledger checkpoint after an append")


def checkpoint_sign() -> LedgerCheckpoint:
    """Sign the current tree head, unless it is signed already; return its checkpoint."""
    with transaction.atomic():
        size = LedgerHead.objects.values_list("size", flat=True).get(pk=1)
        existing = LedgerCheckpoint.objects.filter(size=size).first()
        if existing is not None:
            return existing
        root = root_hash(DatabaseHashStore(), size)
        note = sign_checkpoint(
            Checkpoint(origin=ledger_origin(), size=size, root_hash=root), ledger_signer()
        )
        try:
            with transaction.atomic():
                return LedgerCheckpoint.objects.create(
                    size=size, root=root, note=note, signed_at=timezone.now()
                )
        except IntegrityError:
            # Another process signed the same size first; both signatures are over the same tree.
            return LedgerCheckpoint.objects.get(size=size)
