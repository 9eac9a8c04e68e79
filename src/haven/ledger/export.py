"""The export directory (docs/contracts.md): ``checkpoint``, ``vkey``, ``leaves``, C2SP tiles.

Layout of ``DIR``:

* ``checkpoint`` — the signed C2SP tlog-checkpoint note;
* ``vkey`` — the log's note verifier key, one line (a verifier should pin the key
  it trusts rather than read it from the export);
* ``leaves`` — one standard-base64 leaf a line, in log order, exactly the
  ``size`` leaves the checkpoint covers;
* ``tile/<L>/<N>[.p/<W>]`` — the C2SP tlog-tiles hash tiles of the tree of that
  size, which let :func:`haven.ledger.audit.verify_log` locate the first bad leaf;
* optionally ``tile/entries/<N>[.p/<W>]`` — the same leaves as entry bundles.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from pathlib import Path

from haven.ledger.audit import verify_log
from haven.ledger.checkpoint import Checkpoint, open_checkpoint
from haven.ledger.errors import LogVerificationError
from haven.ledger.note import NoteVerifier, parse_vkey
from haven.ledger.tiles import (
    TILE_HEIGHT,
    check_entry_size,
    directory_tile_reader,
    write_tiles_from_rows,
)
from haven.ledger.tree import leaf_hashes, merkle_rows

CHECKPOINT_FILE = "checkpoint"
VKEY_FILE = "vkey"
LEAVES_FILE = "leaves"


def write_export(
    directory: str | Path,
    *,
    leaves: Sequence[bytes],
    checkpoint_note: str,
    vkey: str,
    entry_bundles: bool = False,
) -> Checkpoint:
    """Write an export of the log at the checkpoint's size into a new or empty directory.

    The checkpoint is verified with ``vkey`` and the leaves are checked against it
    before anything is written, so a broken export is never produced. The tiles
    are computed from the leaves (no store reads), in the same pass as the check.

    Raises:
        FileExistsError: if ``directory`` exists and is not empty.
        ValueError: if the leaves do not match the checkpoint.
        InvalidSignatureError, InvalidNoteError, InvalidCheckpointError: if the
            checkpoint does not verify with ``vkey``.
    """
    verifier = parse_vkey(vkey)
    checkpoint = open_checkpoint(checkpoint_note, verifier)
    if len(leaves) != checkpoint.size:
        raise ValueError(f"got {len(leaves)} leaves for a checkpoint of size {checkpoint.size}")
    if entry_bundles:
        for position, leaf in enumerate(leaves):
            check_entry_size(leaf, position=position)
    root = Path(directory)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"export directory {root} is not empty")
    tree_root, rows = merkle_rows(leaf_hashes(leaves), keep_every=TILE_HEIGHT)
    if tree_root != checkpoint.root_hash:
        raise ValueError("the leaves do not reproduce the checkpoint's root hash")
    root.mkdir(parents=True, exist_ok=True)
    write_tiles_from_rows(root, rows, len(leaves), entries=leaves if entry_bundles else None)
    with (root / LEAVES_FILE).open("w", encoding="ascii", newline="\n") as handle:
        for leaf in leaves:
            handle.write(base64.b64encode(leaf).decode("ascii") + "\n")
    (root / VKEY_FILE).write_text(verifier.vkey + "\n", encoding="utf-8")
    (root / CHECKPOINT_FILE).write_text(checkpoint_note, encoding="utf-8")
    return checkpoint


def read_leaves(path: str | Path) -> list[bytes]:
    """Read a ``leaves`` file.

    Raises:
        LogVerificationError: with ``reason="malformed_leaf"`` and the position of
            the first line that is not canonical base64.
    """
    leaves: list[bytes] = []
    with Path(path).open("rb") as handle:
        for position, raw_line in enumerate(handle):
            line = raw_line.rstrip(b"\n")
            try:
                leaf = base64.b64decode(line, validate=True)
            except (binascii.Error, ValueError):
                leaf = None
            if leaf is None or base64.b64encode(leaf) != line:
                raise LogVerificationError(
                    f"line {position + 1} of {path} is not canonical base64 (leaf {position})",
                    reason="malformed_leaf",
                    position=position,
                )
            leaves.append(leaf)
    return leaves


def verify_export(
    directory: str | Path,
    *,
    vkey: str | NoteVerifier | None = None,
    origin: str | None = None,
) -> Checkpoint:
    """Verify an export directory; return its checkpoint.

    Args:
        directory: the export.
        vkey: the trusted log key. If omitted, ``DIR/vkey`` is used, which only
            proves the export is self-consistent, not that it is the real log.
        origin: if given, the checkpoint must name this origin.

    Raises:
        LogVerificationError: naming the failure and the first bad leaf position.
        InvalidSignatureError, InvalidNoteError, InvalidCheckpointError: if the
            checkpoint does not verify.
        FileNotFoundError: if ``checkpoint`` or ``leaves`` is missing.
    """
    root = Path(directory)
    if vkey is None:
        vkey = (root / VKEY_FILE).read_text(encoding="utf-8")
    note = (root / CHECKPOINT_FILE).read_bytes()
    leaves = read_leaves(root / LEAVES_FILE)
    return verify_log(leaves, note, vkey, origin=origin, tiles=directory_tile_reader(root))
