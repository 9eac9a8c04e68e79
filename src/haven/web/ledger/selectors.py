"""Reads of the ledger: checkpoints, proofs, leaves and tiles, for the CLI and the public API.

What the public sees (tiles, entry bundles, the checkpoint and the JSON proofs) stops at
the latest *published* checkpoint, never the live size: entries arrive one by one, and a
log whose public size grows with each one would tell anyone watching when each report
was made. Checkpoints are signed on a schedule, so the public log grows in steps whose
timing says nothing about any one entry. The operator's command line may prove against
the live size.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from haven.ledger.commitments import open_leaf
from haven.ledger.proofs import consistency_proof, inclusion_proof
from haven.ledger.tiles import TILE_HEIGHT, TILE_WIDTH, Tile, encode_entry_bundle
from haven.ledger.tree import root_hash
from haven.web.ledger.keys import ledger_signer
from haven.web.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerHead, LedgerNode
from haven.web.ledger.store import DatabaseHashStore


class LedgerRangeError(ValueError):
    """A requested index or size lies outside the log.

    `parameter` names the input at fault as the JSON API calls it (`index`, `size`, `from`
    or `to`), so that each caller names it its own way: the API by that name, the command
    line by its flag (`--size`). `str(error)` uses the API's names.
    """

    def __init__(self, problem: str, *, parameter: str | None = None) -> None:
        self.problem = problem
        self.parameter = parameter
        super().__init__(self.message())

    def message(self, name: Callable[[str], str] = str) -> str:
        """The message, naming the parameter with `name` (e.g. `lambda p: f"--{p}"`)."""
        return self.problem if self.parameter is None else f"{name(self.parameter)} {self.problem}"


class NoCheckpointError(LedgerRangeError):
    """A proof was asked for against the latest checkpoint, and none has been published."""

    def __init__(self) -> None:
        super().__init__("no checkpoint has been published yet")


def ledger_size() -> int:
    """The committed tree size (0 for a log whose head row does not exist yet)."""
    size = LedgerHead.objects.values_list("size", flat=True).filter(pk=1).first()
    return size or 0


def checkpoint_latest() -> LedgerCheckpoint | None:
    """The newest checkpoint signed with the current key (the one `/vkey` publishes)."""
    key_id = ledger_signer().verifier.key_id.hex()
    return LedgerCheckpoint.objects.filter(key_id=key_id).order_by("-size").first()


def ledger_vkey() -> str:
    return ledger_signer().verifier.vkey


def published_size() -> int | None:
    """The size of the latest published checkpoint: all the public may see (None: none yet)."""
    latest = checkpoint_latest()
    return None if latest is None else latest.size


def _proof_size(size: int | None, *, parameter: str, published_only: bool) -> int:
    """`size`, or the latest signed checkpoint's size when none is given (docs/contracts.md).

    A proof needs a tree of at least one entry, so sizes run from 1 to the log's size, or,
    with `published_only` (the public API), to the latest published checkpoint's size.
    """
    if size is None or published_only:
        latest = published_size()
        if latest is None:
            raise NoCheckpointError
        if size is None:
            return latest
        limit, what = latest, "the latest published checkpoint's size"
    else:
        limit, what = ledger_size(), "the log's size"
    if not 1 <= size <= limit:
        raise LedgerRangeError(
            f"must be between 1 and {what} {limit}, got {size}"
            if limit
            else f"cannot be {size}: the log is empty",
            parameter=parameter,
        )
    return size


def inclusion_proof_for(
    *, index: int, size: int | None = None, published_only: bool = False
) -> tuple[int, list[bytes]]:
    """The tree size used and the inclusion proof of leaf `index` in it."""
    size = _proof_size(size, parameter="size", published_only=published_only)
    if not 0 <= index < size:
        raise LedgerRangeError(
            f"must be between 0 and {size - 1} for a tree of size {size}, got {index}",
            parameter="index",
        )
    return size, inclusion_proof(DatabaseHashStore(), index, size)


def consistency_proof_for(
    *, old_size: int, new_size: int | None = None, published_only: bool = False
) -> dict:
    new_size = _proof_size(new_size, parameter="to", published_only=published_only)
    if not 1 <= old_size <= new_size:
        raise LedgerRangeError(
            f"must be between 1 and {new_size} (the size proved to), got {old_size}",
            parameter="from",
        )
    store = DatabaseHashStore()
    return {
        "from": old_size,
        "to": new_size,
        "old_root": root_hash(store, old_size),
        "new_root": root_hash(store, new_size),
        "proof": consistency_proof(store, old_size, new_size),
    }


def inclusion_proof_document(
    *, index: int, size: int | None = None, published_only: bool = False
) -> dict[str, Any]:
    """`{"index","size","proof":[base64…]}` (docs/contracts.md), for the CLI and the JSON API."""
    size, proof = inclusion_proof_for(index=index, size=size, published_only=published_only)
    return {"index": index, "size": size, "proof": [_base64(node) for node in proof]}


def consistency_proof_document(
    *, old_size: int, new_size: int | None = None, published_only: bool = False
) -> dict[str, Any]:
    """`{"from","to","old_root","new_root","proof":[base64…]}` (docs/contracts.md)."""
    result = consistency_proof_for(
        old_size=old_size, new_size=new_size, published_only=published_only
    )
    return {
        "from": result["from"],
        "to": result["to"],
        "old_root": _base64(result["old_root"]),
        "new_root": _base64(result["new_root"]),
        "proof": [_base64(node) for node in result["proof"]],
    }


def _base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def leaves_upto(*, size: int) -> list[bytes]:
    return [
        bytes(leaf)
        for leaf in LedgerEntry.objects.filter(position__lt=size)
        .order_by("position")
        .values_list("leaf", flat=True)
    ]


def _within(tile: Tile, size: int | None) -> bool:
    """Whether every node of `tile` is complete in the tree of `size` (older partial tiles
    included: they hold nothing that tree does not)."""
    if size is None:
        return False
    return tile.index * TILE_WIDTH + tile.width <= size >> (TILE_HEIGHT * tile.level)


def tile_hashes_for(*, tile: Tile, size: int | None) -> bytes:
    """The concatenated hashes of one tlog-tiles hash tile (level = tile.level × 8).

    Only a tile within the tree of `size` is served (the public pass the latest
    published checkpoint's size).

    Raises:
        LedgerRangeError: the tile lies beyond that tree, or is not stored.
    """
    if not _within(tile, size):
        raise LedgerRangeError(f"tile {tile.path} is not part of the published log")
    level = tile.level * TILE_HEIGHT
    first = tile.index * TILE_WIDTH
    rows = LedgerNode.objects.filter(
        level=level, index__gte=first, index__lt=first + tile.width
    ).order_by("index")
    values = [bytes(value) for value in rows.values_list("hash", flat=True)]
    if len(values) != tile.width:
        raise LedgerRangeError(f"tile {tile.path} is not complete in this log")
    return b"".join(values)


def entry_bundle_for(*, index: int, width: int, size: int | None) -> bytes:
    """The entry bundle `index` of `width` leaves, if within the tree of `size`.

    Raises:
        LedgerRangeError: the bundle lies beyond that tree, or is not stored.
    """
    if not _within(Tile(0, index, width), size):
        raise LedgerRangeError(f"entry bundle {index} is not part of the published log")
    first = index * TILE_WIDTH
    leaves = [
        bytes(leaf)
        for leaf in LedgerEntry.objects.filter(position__gte=first, position__lt=first + width)
        .order_by("position")
        .values_list("leaf", flat=True)
    ]
    if len(leaves) != width:
        raise LedgerRangeError(f"entry bundle {index} of width {width} is not complete in this log")
    return encode_entry_bundle(leaves)


def entry_event(entry: LedgerEntry) -> dict[str, Any]:
    """The full event of one entry, opened and checked against its public leaf.

    For an event about people this unseals the event and its salt and checks that they
    open the leaf's commitment; a public event is its own leaf.

    Raises:
        InvalidEventError: the stored event does not match its leaf (tampering).
        PrivacyError: the sealed event does not open.
    """
    leaf = bytes(entry.leaf)
    if not entry.event:
        return open_leaf(leaf, leaf, b"")
    key = entry.record_key()
    event = key.unseal("event", bytes(entry.event))
    salt = key.unseal("salt", bytes(entry.salt))
    return open_leaf(leaf, event, salt)


def entry_opening(entry: LedgerEntry) -> tuple[bytes, bytes]:
    """(event, salt) of an entry about people: what opens its commitment (for receipts)."""
    key = entry.record_key()
    return key.unseal("event", bytes(entry.event)), key.unseal("salt", bytes(entry.salt))


def entries_about(*, subject: str, kinds: tuple[str, ...] = ()) -> list[LedgerEntry]:
    """Every entry about one pseudonym (a report), in log order."""
    entries = LedgerEntry.objects.filter(subject=subject)
    if kinds:
        entries = entries.filter(kind__in=kinds)
    return list(entries.order_by("position"))
