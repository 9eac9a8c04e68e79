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

Verifying an export (:func:`verify_export`) needs a key the verifier trusts, pinned
out of band; the export's own ``vkey`` proves only that the export agrees with itself,
so it is used only when asked for explicitly (``trust_export_key=True``). Every file
under ``tile/`` is checked against the leaves too: a tampered, extra or missing tile
is reported, because mirrors serve those files to clients that never see the leaves.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from haven.keyfiles import b64decode_strict
from haven.ledger.audit import verify_log_rows
from haven.ledger.checkpoint import Checkpoint, open_checkpoint
from haven.ledger.commitments import parse_leaf
from haven.ledger.errors import (
    InvalidEventError,
    InvalidNoteError,
    InvalidSignatureError,
    InvalidTileError,
    LogVerificationError,
    RetiredKeyError,
)
from haven.ledger.events import parse_event
from haven.ledger.note import SIGNATURE_LINE_PREFIX, NoteVerifier, parse_vkey
from haven.ledger.tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    check_entry_size,
    directory_tile_reader,
    encode_entry_bundle,
    parse_tile_path,
    tiles_for_size,
    write_tiles_from_rows,
)
from haven.ledger.tree import leaf_hashes, merkle_rows

CHECKPOINT_FILE = "checkpoint"
VKEY_FILE = "vkey"
LEAVES_FILE = "leaves"
TILE_DIRECTORY = "tile"
SIGNING_KEY = "ledger_signing"
"""The ``key`` of a ``key_rotation`` event that replaced the checkpoint signing key."""


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
                leaf: bytes | None = b64decode_strict(line.decode("ascii"), "leaf")
            except (UnicodeDecodeError, ValueError):
                leaf = None
            if leaf is None:
                raise LogVerificationError(
                    f"line {position + 1} of {path} is not canonical base64 (leaf {position})",
                    reason="malformed_leaf",
                    position=position,
                )
            leaves.append(leaf)
    return leaves


def parse_trusted_keys(text: str, *, source: str = "trust file") -> list[NoteVerifier]:
    """Parse a trust file: one verifier key a line; blank lines and ``#`` comments ignored.

    Several keys may be trusted at once, e.g. the keys before and after a rotation.

    Raises:
        InvalidNoteError: naming the line that is not a verifier key, or if there is none.
    """
    keys: list[NoteVerifier] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            keys.append(parse_vkey(line))
        except (InvalidNoteError, ValueError) as error:
            raise InvalidNoteError(
                f"line {number} of {source} is not a verifier key: {error}"
            ) from error
    if not keys:
        raise InvalidNoteError(f"{source} holds no verifier key (one name+id+key a line)")
    return keys


@dataclass(frozen=True)
class SigningKeyRotation:
    """A ``key_rotation`` entry of the checkpoint signing key, as the public log shows it."""

    position: int
    old_key_id: str
    new_key_id: str
    new_vkey: str


def signing_key_rotations(leaves: Sequence[bytes]) -> list[SigningKeyRotation]:
    """Every rotation of the checkpoint signing key announced in ``leaves``, in log order.

    ``key_rotation`` is a public kind, so its leaf is the event itself (format 2; format
    1 leaves are read too). Leaves that do not parse are skipped: reporting them is
    verification's job.
    """
    found = []
    for position, leaf in enumerate(leaves):
        if b"key_rotation" not in leaf:  # cheap filter: most leaves are commitments
            continue
        try:
            event = parse_leaf(leaf).event
        except InvalidEventError:
            try:
                event = parse_event(leaf)
            except InvalidEventError:
                continue
        if not event or event.get("kind") != "key_rotation":
            continue
        payload = event.get("payload", {})
        if payload.get("key") != SIGNING_KEY:
            continue
        found.append(
            SigningKeyRotation(
                position=position,
                old_key_id=str(payload.get("old_key_id", "")),
                new_key_id=str(payload.get("new_key_id", "")),
                new_vkey=str(payload.get("new_vkey", "")),
            )
        )
    return found


def _note_key_ids(note: bytes) -> set[str]:
    """Hex key IDs of a note's signature lines (unverified; for messages only)."""
    ids = set()
    for line in note.decode("utf-8", "replace").split("\n"):
        if not line.startswith(SIGNATURE_LINE_PREFIX):
            continue
        fields = line[len(SIGNATURE_LINE_PREFIX) :].split(" ")
        try:
            ids.add(base64.b64decode(fields[-1], validate=True)[:4].hex())
        except (binascii.Error, ValueError):
            continue
    return ids


def retired_key_error(
    leaves: Sequence[bytes], note: bytes, trusted: Sequence[NoteVerifier]
) -> RetiredKeyError | None:
    """If a trusted key did not sign ``note`` because the log retired it, say where.

    Follows the chain of signing-key rotations from the trusted key to the last key
    the export announces. The leaves are not yet verified at this point (no trusted
    signature covers them), so the message says so.
    """
    signed_by = _note_key_ids(note)
    rotations = signing_key_rotations(leaves)
    for verifier in trusted:
        key_id = verifier.key_id.hex()
        if key_id in signed_by:
            continue  # it signed: the failure is something else
        chain = []
        current = key_id
        for rotation in rotations:
            if rotation.old_key_id == current:
                chain.append(rotation)
                current = rotation.new_key_id
        if not chain:
            continue
        first = chain[0]
        later = (
            f"; {len(chain) - 1} later rotation(s) lead to key {current}" if len(chain) > 1 else ""
        )
        return RetiredKeyError(
            f"the checkpoint is not signed by the trusted key {verifier.name}+{key_id}: the "
            f"key_rotation entry at log position {first.position} retired it in favour of "
            f"key {first.new_key_id}{later}. Check that hand-over against a checkpoint the "
            f"old key signed at size {first.position + 1} or later, then trust the new key "
            f"({first.new_vkey}); the leaves themselves are not verified yet",
            key_id=key_id,
            position=first.position,
            new_key_id=first.new_key_id,
            new_vkey=first.new_vkey,
            current_key_id=current,
        )
    return None


def _tile_error(path: str, reason: str, message: str) -> LogVerificationError:
    return LogVerificationError(message, reason=reason, position=None, tile=path)


def check_export_tiles(
    directory: str | Path, leaves: Sequence[bytes], rows: Sequence[Sequence[bytes]], size: int
) -> int:
    """Check every file under ``DIR/tile`` against the verified leaves; return how many.

    ``rows`` are the tree's rows at Merkle levels 0, 8, 16, … (from
    :func:`haven.ledger.audit.verify_log_rows`). Every hash tile of the tree of
    ``size`` must be present and hold exactly the right hashes; entry bundles are
    optional, but if any is present each must be and must hold exactly the leaves.
    Any other file is an extra tile.

    Raises:
        LogVerificationError: ``tile_mismatch``, ``extra_tile`` or ``missing_tile``,
            with the tile's path.
    """
    root = Path(directory)
    tile_root = root / TILE_DIRECTORY
    expected = {tile.path: tile for tile in tiles_for_size(size)}
    bundles = {tile.entries_path: tile for tile in expected.values() if tile.level == 0}
    seen: set[str] = set()
    bundles_seen = 0
    files = sorted(tile_root.rglob("*")) if tile_root.is_dir() else []
    for file in files:
        if file.is_dir():
            continue
        relative = file.relative_to(root).as_posix()
        try:
            tile, is_entries = parse_tile_path(relative)
        except InvalidTileError:
            tile, is_entries = None, False
        if tile is None or relative not in (bundles if is_entries else expected):
            raise _tile_error(
                relative,
                "extra_tile",
                f"{relative} is not a tile of the signed tree of size {size}",
            )
        data = file.read_bytes()
        first = tile.index * TILE_WIDTH
        if is_entries:
            want = encode_entry_bundle(leaves[first : first + tile.width])
            bundles_seen += 1
        else:
            want = b"".join(rows[tile.level][first : first + tile.width])
        if data != want:
            raise _tile_error(
                relative,
                "tile_mismatch",
                f"{relative} does not match the verified leaves ({_first_difference(data, want, is_entries)})",
            )
        seen.add(relative)
    for path in expected:
        if path not in seen:
            raise _tile_error(path, "missing_tile", f"{path} is missing from the export")
    if bundles_seen:
        for path in bundles:
            if path not in seen:
                raise _tile_error(
                    path,
                    "missing_tile",
                    f"{path} is missing, though other entry bundles are present",
                )
    return len(seen)


def _first_difference(data: bytes, want: bytes, is_entries: bool) -> str:
    if len(data) != len(want):
        return f"{len(data)} bytes where {len(want)} were expected"
    offset = next(i for i, (a, b) in enumerate(zip(data, want, strict=True)) if a != b)
    return "an entry differs" if is_entries else f"hash {offset // 32} differs"


def verify_export(
    directory: str | Path,
    *,
    vkey: str | NoteVerifier | Sequence[NoteVerifier] | None = None,
    origin: str | None = None,
    trust_export_key: bool = False,
) -> Checkpoint:
    """Verify an export directory against a trusted key; return its checkpoint.

    Args:
        directory: the export.
        vkey: the trusted log key(s), pinned out of band: a vkey string, a
            :class:`NoteVerifier`, or several (one valid signature suffices).
        origin: if given, the checkpoint must name this origin.
        trust_export_key: use ``DIR/vkey`` instead, which proves only that the export
            is self-consistent, not that it is the real log. Needed when ``vkey`` is None.

    Raises:
        ValueError: neither ``vkey`` nor ``trust_export_key`` was given.
        LogVerificationError: naming the failure and the first bad leaf position, or
            the tile at fault.
        RetiredKeyError: the trusted key did not sign the checkpoint, and the export's
            leaves hold the ``key_rotation`` entry that retired it.
        InvalidSignatureError, InvalidNoteError, InvalidCheckpointError: if the
            checkpoint does not verify.
        FileNotFoundError: if ``checkpoint`` or ``leaves`` (or ``vkey``, when it is
            trusted) is missing; NotADirectoryError if ``directory`` is a file.
    """
    root = Path(directory)
    verifiers: list[NoteVerifier]
    if vkey is None:
        if not trust_export_key:
            raise ValueError(
                "no trusted key: pin the log's verifier key (vkey=…), or pass "
                "trust_export_key=True to check the export only against itself"
            )
        verifiers = [parse_vkey((root / VKEY_FILE).read_text(encoding="utf-8").strip())]
    elif isinstance(vkey, str):
        verifiers = [parse_vkey(vkey.strip())]
    elif isinstance(vkey, NoteVerifier):
        verifiers = [vkey]
    else:
        verifiers = list(vkey)
    note = (root / CHECKPOINT_FILE).read_bytes()
    leaves = read_leaves(root / LEAVES_FILE)
    try:
        checkpoint, rows = verify_log_rows(
            leaves, note, verifiers, origin=origin, tiles=directory_tile_reader(root)
        )
    except InvalidSignatureError as error:
        retired = retired_key_error(leaves, note, verifiers)
        if retired is not None:
            raise retired from error
        raise
    check_export_tiles(root, leaves, rows, checkpoint.size)
    return checkpoint
