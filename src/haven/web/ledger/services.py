"""Appending to the ledger and signing checkpoints: the one place either happens.

`ledger_record` is what every part of Haven calls to record an event, always a typed
event from `haven.ledger.kinds`. It must run inside the database transaction of the
action it records: both commit, or neither does (docs/contracts.md). Sequencing is
gapless under concurrent writers because every append locks the single `LedgerHead`
row first.

The public log holds format 2 leaves (`haven.ledger.commitments`): for an event about
people, only its kind, day and a salted commitment; the full event and its salt are
sealed in the same row. Checkpoints are signed on a schedule (`checkpoint_sign`, run
hourly by the task worker), never after each commit, so the public log's growth does
not tell anyone when a report was made.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from haven.ledger.checkpoint import Checkpoint, sign_checkpoint
from haven.ledger.commitments import Recorded, record
from haven.ledger.events import pseudonym
from haven.ledger.kinds import KeyRotation, LedgerEvent
from haven.ledger.note import generate_signer
from haven.ledger.tiles import check_entry_size
from haven.ledger.tree import append_leaves, root_hash
from haven.web.ledger.keys import (
    forget_cached_keys,
    ledger_origin,
    ledger_signer,
    pseudonym_key,
    replace_key_file,
    signing_key_from_environment,
    signing_key_path,
)
from haven.web.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerHead, LedgerNode
from haven.web.ledger.selectors import ledger_size
from haven.web.ledger.store import (
    APPEND_IN_SERVER_AT_MOST,
    NODE_COLUMNS,
    DatabaseHashStore,
    Frontier,
    append_in_server,
    frontier_read,
    head_advance,
    insert_rows,
    node_rows,
)


class LedgerOutsideTransactionError(RuntimeError):
    """`ledger_append` was called outside the transaction of the action it records."""


def ledger_pseudonym(*, kind: str, value: str | bytes) -> str:
    """The keyed pseudonym under which a person or report appears in the ledger."""
    return pseudonym(pseudonym_key(), kind, value)


def ledger_record(event: LedgerEvent, *, at: datetime | None = None) -> int | None:
    """Record one event; return its log position. See `ledger_record_many`.

    Inside `ledger_batch` the event is checked now and appended when the batch ends,
    still in the caller's transaction; its position is not known yet, so this returns None.
    """
    batch = _open_batch.get()
    if batch is None:
        return ledger_record_many([event], at=at)[0]
    _require_transaction()
    at = at or timezone.now()
    item = record(event, at=at)
    check_entry_size(item.leaf)
    batch.add(event, item, at)
    return None


def ledger_record_many(events: Sequence[LedgerEvent], *, at: datetime | None = None) -> list[int]:
    """Record events at consecutive log positions, in the caller's transaction.

    Raises:
        LedgerOutsideTransactionError: no transaction is open, so the entry could
            outlive a failed action (or the action its missing entry).
        InvalidEventError, PersonalDataError: an event is refused; nothing is written.
        EntryTooLargeError: a leaf exceeds the tlog-tiles entry limit (65,535 bytes).
    """
    _require_transaction()
    if not events:
        return []
    at = at or timezone.now()
    recorded = [record(event, at=at) for event in events]
    for item in recorded:
        check_entry_size(item.leaf)
    return _append([(event, item, at) for event, item in zip(events, recorded, strict=True)])


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise LedgerOutsideTransactionError(
            "ledger_record must run inside the transaction of the action it records"
        )


def _append(entries: Sequence[tuple[LedgerEvent, Recorded, datetime]]) -> list[int]:
    """Append checked entries under the head lock; the lock is held until commit, so
    the entries are sealed before it is taken, and on PostgreSQL the server does the
    rest in one statement (`store.append_in_server`)."""
    sealed = [_sealed_entry(event, item, at) for event, item, at in entries]
    if connection.vendor == "postgresql" and len(sealed) <= APPEND_IN_SERVER_AT_MOST:
        first = append_in_server(sealed)
        if first is not None:
            return list(range(first, first + len(sealed)))
    start, frontier = _claim_positions(len(sealed))
    result = append_leaves(
        DatabaseHashStore(frontier), start, [item.leaf for _, item, _ in entries]
    )
    insert_rows(
        LedgerEntry,
        LEDGER_ENTRY_COLUMNS,
        [(start + offset, *row) for offset, row in enumerate(sealed)],
    )
    insert_rows(LedgerNode, NODE_COLUMNS, node_rows(result.hashes))
    return list(range(start, result.size))


def _claim_positions(count: int) -> tuple[int, Frontier]:
    """Move the head on by `count`: the first position claimed, and the tree's right
    edge there.

    The head row's lock is held until this transaction ends, as `_locked_head` does:
    every append waits for it, so it is taken once, with as few statements as possible
    behind it (`store.head_advance`).
    """
    claimed = head_advance(count)
    if claimed is not None:
        return claimed
    head = _locked_head()  # no head row: created on an empty log, refused otherwise
    start = head.size
    head.size = start + count
    head.save(update_fields=["size"])
    return start, frontier_read(start)


@dataclass
class _Batch:
    """Events recorded inside `ledger_batch`, each with a marker that tells whether the
    savepoint it was recorded in still stands."""

    entries: list[tuple[LedgerEvent, Recorded, datetime, object]] = field(default_factory=list)

    def add(self, event: LedgerEvent, item: Recorded, at: datetime) -> None:
        # Django discards the on-commit callbacks of a savepoint that is rolled back
        # (documented for `transaction.on_commit`). A no-op callback registered with the
        # event therefore disappears exactly when the rows the event describes do.
        def marker() -> None:
            return None

        transaction.on_commit(marker)
        self.entries.append((event, item, at, marker))

    def standing(self) -> list[tuple[LedgerEvent, Recorded, datetime]]:
        pending = {id(func) for _, func, _ in transaction.get_connection().run_on_commit}
        return [(e, item, at) for e, item, at, marker in self.entries if id(marker) in pending]


_open_batch: ContextVar[_Batch | None] = ContextVar("ledger_batch", default=None)


@contextmanager
def ledger_batch() -> Iterator[None]:
    """Append every event recorded inside this block in one go, when the block ends.

    Each `ledger_record` inside is checked at once (a refused event raises there) but
    written at the end of the block, in the same transaction, with one lock of the log's
    head taken as late as possible: the head lock serialises every writer until commit,
    so a request that records several events holds it for one append, not from its first
    event to its commit. Open it inside the transaction (`transaction.atomic`) and close
    it before the transaction ends. If the block raises, nothing is appended and the
    transaction's rollback removes the rows; an event recorded in a savepoint that was
    rolled back (an exception caught inside the block) is dropped with that savepoint's
    rows. A batch inside a batch belongs to the outer one.

    Raises:
        LedgerOutsideTransactionError: no transaction is open.
    """
    _require_transaction()
    if _open_batch.get() is not None:
        yield
        return
    batch = _Batch()
    token = _open_batch.set(batch)
    try:
        yield
    finally:
        _open_batch.reset(token)
    entries = batch.standing()
    # A block marked for rollback (a failed request) keeps no rows, and so no events.
    if entries and not transaction.get_rollback():
        _append(entries)


_SEAL_ID = LedgerEntry._meta.get_field("seal_id")
LEDGER_ENTRY_COLUMNS = (
    "position",
    "kind",
    "leaf",
    "recorded_at",
    "subject",
    "seal_id",
    "wrapped_key",
    "event",
    "salt",
)


def _sealed_entry(event: LedgerEvent, item: Recorded, at: datetime) -> tuple:
    """An entry's columns after its position (`LEDGER_ENTRY_COLUMNS`), its event sealed."""
    row = LedgerEntry(kind=item.kind, subject=event.subject or "")
    if not item.public:
        key = row.record_key()
        row.event = key.seal("event", item.event)
        row.salt = key.seal("salt", item.salt)
    return (
        item.kind,
        item.leaf,
        at,
        row.subject,
        _SEAL_ID.get_db_prep_value(row.seal_id, connection),
        bytes(row.wrapped_key),
        bytes(row.event),
        bytes(row.salt),
    )


class LedgerHeadMissingError(RuntimeError):
    """The log has entries but no head row: the database was damaged; nothing is appended."""


def _locked_head() -> LedgerHead:
    """The head row, locked for this transaction; created if the log is empty.

    Migration 0002 creates the row, but a database flush (tests, `manage.py flush`)
    removes it with everything else. Concurrent creators race safely: the loser's
    insert fails inside its savepoint and it then waits on the winner's row lock.
    """
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    if LedgerEntry.objects.exists():
        raise LedgerHeadMissingError(
            "the ledger has entries but no head row; restore it from a backup"
        )
    try:
        with transaction.atomic():
            LedgerHead.objects.create(pk=1, size=0)
    except IntegrityError:
        pass
    return LedgerHead.objects.select_for_update().get(pk=1)


def checkpoint_sign() -> LedgerCheckpoint:
    """Sign the current tree head with the current key, unless done already; return it."""
    signer = ledger_signer()
    key_id = signer.verifier.key_id.hex()
    with transaction.atomic():
        size = ledger_size()
        existing = LedgerCheckpoint.objects.filter(size=size, key_id=key_id).first()
        if existing is not None:
            return existing
        root = root_hash(DatabaseHashStore(), size)
        note = sign_checkpoint(
            Checkpoint(origin=ledger_origin(), size=size, root_hash=root), signer
        )
        try:
            with transaction.atomic():
                return LedgerCheckpoint.objects.create(
                    size=size, key_id=key_id, root=root, note=note, signed_at=timezone.now()
                )
        except IntegrityError:
            # Another process signed the same head first; both signatures cover the same tree.
            return LedgerCheckpoint.objects.get(size=size, key_id=key_id)


@dataclass(frozen=True)
class SigningKeyRotation:
    old_vkey: str
    new_vkey: str
    position: int
    new_key_file: Path


def signing_key_rotate(*, new_key_file: Path | None = None) -> SigningKeyRotation:
    """Replace the checkpoint signing key, leaving a trail verifiers can follow.

    The new key is installed first: written (mode 0600) to `new_key_file`, or beside
    the current key as `signing.key.next` when the key lives in the data directory. Only
    then is its verifier key announced in a `key_rotation` entry, and the old key signs
    a checkpoint covering that entry, so anyone who trusted the old key can verify the
    hand-over. A key directory's staged key then replaces the old one and signs the
    same head. If anything fails before the announcement, nothing is announced.

    When the key comes from `HAVEN_LEDGER_SIGNING_KEY`, `new_key_file` is required and
    the operator moves its content into the secret store.

    Raises:
        LedgerKeyError: the current key does not parse (nothing is written).
        ValueError: the key comes from the environment and no `new_key_file` was given,
            or `new_key_file` exists already.
    """
    old = ledger_signer()  # an unusable current key stops the rotation before anything
    from_environment = signing_key_from_environment()
    if from_environment and new_key_file is None:
        raise ValueError(
            "the signing key comes from HAVEN_LEDGER_SIGNING_KEY: give a file for the new key, "
            "then put its content into HAVEN_LEDGER_SIGNING_KEY"
        )
    if new_key_file is not None and new_key_file.exists():
        raise ValueError(f"{new_key_file} exists already; choose a new file for the new key")
    new = generate_signer(ledger_origin())
    staged = new_key_file or signing_key_path().with_name("signing.key.next")
    replace_key_file(staged, new.to_skey().encode("ascii") + b"\n")
    try:
        with transaction.atomic():
            position = ledger_record(
                KeyRotation(
                    key="ledger_signing",
                    old_key_id=old.verifier.key_id.hex(),
                    new_key_id=new.verifier.key_id.hex(),
                    new_vkey=new.verifier.vkey,
                )
            )
    except BaseException:
        staged.unlink(missing_ok=True)  # never announced: the new key must not linger
        raise
    checkpoint_sign()  # with the old key: it vouches for the announcement
    target = staged
    if not from_environment and new_key_file is None:
        target = signing_key_path()
        os.replace(staged, target)
    forget_cached_keys()
    if not from_environment:
        checkpoint_sign()  # the same head, now with the new key
    return SigningKeyRotation(
        old_vkey=old.verifier.vkey,
        new_vkey=new.verifier.vkey,
        position=position,
        new_key_file=target,
    )
