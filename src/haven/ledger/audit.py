"""Whole-log verification: leaves + signed checkpoint (+ C2SP tiles) -> first bad position.

What an outside verifier holds: the signed ``checkpoint``, the log's ``vkey``
(pinned out of band) and the ``leaves``. That is enough to say *whether* the log
is intact (recompute ``MTH(leaves)``, compare with the signed root) but not
*where* it breaks: one changed leaf changes only the root. So an export also
carries the C2SP tlog-tiles hash tiles of the signed tree, and the verifier uses
them only after authenticating them against the signed root:

1. Check the checkpoint's signature (:class:`InvalidSignatureError` otherwise).
2. Hash the leaves bottom-up, keeping the rows at Merkle levels 0, 8, 16, … (the
   levels tiles hold). If there are exactly ``size`` leaves and the root matches,
   the log verifies; tiles are not read.
3. Otherwise read the rightmost (partial) tile of every tile level and fold them
   into a root. If that is not the signed root, the tiles are not trustworthy and
   the position is reported as unknown.
4. Descend: in an authenticated tile, find the first entry that differs from the
   node the leaves give (or that the leaves do not reach); read the full tile
   below it, check that it hashes to that entry, and repeat down to level 0,
   where the entry index is the first bad leaf. This reads ``O(log_256 n)`` tiles.

The first bad position is the smallest index ``i`` where the supplied leaves and
the signed tree disagree: a flipped byte in leaf ``i``, a dropped or reordered
leaf ``i``, a truncation to ``i`` leaves (``missing_leaves``), or an extra leaf
at ``i == size`` (``extra_leaves``).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from haven.ledger.checkpoint import Checkpoint, open_checkpoint
from haven.ledger.errors import InvalidTileError, LogVerificationError
from haven.ledger.hashing import EMPTY_ROOT, hash_children
from haven.ledger.note import NoteVerifier, parse_vkey
from haven.ledger.tiles import TILE_HEIGHT, TILE_WIDTH, Tile, TileReader, split_tile
from haven.ledger.tree import leaf_hashes, merkle_rows, root_from_leaf_hashes


def _complete(rows: list[list[bytes]], tile_level: int, count: int, index: int) -> bytes | None:
    """The leaves' complete node at Merkle level ``8 * tile_level``, or None if they do not reach it."""
    if tile_level >= len(rows) or index >= count >> (TILE_HEIGHT * tile_level):
        return None
    return rows[tile_level][index]


def _read_tile(read: TileReader, tile: Tile) -> list[bytes]:
    try:
        data = read(tile.path)
    except FileNotFoundError as exc:
        raise InvalidTileError(f"tile {tile.path} is missing") from exc
    return split_tile(data, tile)


def _edge_tiles(size: int) -> list[Tile]:
    """The rightmost (partial) tile of each level of a tree of ``size``, top level first."""
    tiles = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        nodes = size >> (TILE_HEIGHT * level)
        if nodes % TILE_WIDTH:
            tiles.append(Tile(level, nodes // TILE_WIDTH, nodes % TILE_WIDTH))
        level += 1
    tiles.reverse()
    return tiles


def _root_from_edge(edge: list[tuple[Tile, list[bytes]]]) -> bytes:
    """Fold the partial tiles' entries into the root (RFC 6962 right-edge decomposition)."""
    nodes: list[bytes] = []  # left to right
    for tile, entries in edge:  # top level (leftmost region) first
        width = tile.width
        offset = 0
        for bit in range(TILE_HEIGHT - 1, -1, -1):
            if width >> bit & 1:
                nodes.append(root_from_leaf_hashes(entries[offset : offset + (1 << bit)]))
                offset += 1 << bit
    if not nodes:
        return EMPTY_ROOT
    acc = nodes[-1]
    for node in reversed(nodes[:-1]):
        acc = hash_children(node, acc)
    return acc


def _first_bad_position(
    rows: list[list[bytes]], count: int, checkpoint: Checkpoint, read: TileReader
) -> int:
    """Locate the first leaf where ``rows`` (from ``count`` leaves) and the signed tiles differ.

    Raises:
        InvalidTileError: if a tile is missing, malformed or not authenticated by
            the signed root.
    """
    size = checkpoint.size
    edge = [(tile, _read_tile(read, tile)) for tile in _edge_tiles(size)]
    tiles_root = _root_from_edge(edge)
    if not hmac.compare_digest(tiles_root, checkpoint.root_hash):
        raise InvalidTileError(
            f"tiles give root {tiles_root.hex()}, the signed checkpoint has "
            f"{checkpoint.root_hash.hex()}"
        )
    for tile, entries in edge:
        tile_level, index = tile.level, tile.index
        position = _first_mismatch(rows, count, tile_level, index, entries)
        if position is None:
            continue
        # Descend through full tiles until level 0.
        while tile_level > 0:
            parent_entry = entries[position]
            tile_level -= 1
            index = index * TILE_WIDTH + position
            child = Tile(tile_level, index)
            entries = _read_tile(read, child)
            child_root = root_from_leaf_hashes(entries)
            if not hmac.compare_digest(child_root, parent_entry):
                raise InvalidTileError(
                    f"tile {child.path} hashes to {child_root.hex()}, its parent tile "
                    f"says {parent_entry.hex()}"
                )
            found = _first_mismatch(rows, count, tile_level, index, entries)
            if found is None:  # the parent entry differed, so a child entry must
                raise InvalidTileError(f"tile {child.path} is inconsistent with the leaves")
            position = found
        return index * TILE_WIDTH + position
    # Every signed node matches the leaves: only extra leaves can be wrong.
    return size


def _first_mismatch(
    rows: list[list[bytes]], count: int, tile_level: int, index: int, entries: list[bytes]
) -> int | None:
    base = index * TILE_WIDTH
    for offset, entry in enumerate(entries):
        mine = _complete(rows, tile_level, count, base + offset)
        if mine is None or mine != entry:
            return offset
    return None


def verify_log(
    leaves: Sequence[bytes],
    checkpoint_note: str | bytes,
    verifier: NoteVerifier | str | Sequence[NoteVerifier],
    *,
    origin: str | None = None,
    tiles: TileReader | None = None,
) -> Checkpoint:
    """Verify that ``leaves`` are exactly the log the signed checkpoint commits to.

    Args:
        leaves: every leaf, in log order.
        checkpoint_note: the signed checkpoint.
        verifier: the trusted log key(s): a :class:`NoteVerifier`, a vkey string, or
            several verifiers (e.g. across a key rotation); one valid signature suffices.
        origin: if given, the checkpoint must name this origin.
        tiles: reads the export's C2SP hash tiles; used only to locate a failure.

    Returns:
        The verified checkpoint.

    Raises:
        InvalidNoteError, InvalidSignatureError, InvalidCheckpointError: if the
            checkpoint is malformed or not signed by ``verifier``.
        LogVerificationError: with ``reason`` and ``position`` (the first bad leaf,
            or None if no authenticated tiles are available to locate it).
    """
    return verify_log_rows(leaves, checkpoint_note, verifier, origin=origin, tiles=tiles)[0]


def verify_log_rows(
    leaves: Sequence[bytes],
    checkpoint_note: str | bytes,
    verifier: NoteVerifier | str | Sequence[NoteVerifier],
    *,
    origin: str | None = None,
    tiles: TileReader | None = None,
) -> tuple[Checkpoint, list[list[bytes]]]:
    """As :func:`verify_log`, also returning the tree's rows at Merkle levels 0, 8, 16, ….

    Those rows are what the C2SP hash tiles hold, so an export's tiles can be checked
    against them without hashing the leaves again.
    """
    verifiers = [parse_vkey(verifier)] if isinstance(verifier, str) else verifier
    checkpoint = open_checkpoint(checkpoint_note, verifiers, origin=origin)
    count = len(leaves)
    root, rows = merkle_rows(leaf_hashes(leaves), keep_every=TILE_HEIGHT)
    if count == checkpoint.size and hmac.compare_digest(root, checkpoint.root_hash):
        return checkpoint, rows

    size = checkpoint.size
    if tiles is None:
        if count > size and hmac.compare_digest(
            root_from_leaf_hashes(rows[0][:size]), checkpoint.root_hash
        ):
            _raise_at(size, count, size)
        raise LogVerificationError(
            f"the {count} leaves give root {root.hex()}, the checkpoint signs size {size} "
            f"with root {checkpoint.root_hash.hex()}; no tiles were given, so the first "
            f"bad position cannot be located",
            reason="root_mismatch",
            position=None,
        )
    try:
        position = _first_bad_position(rows, count, checkpoint, tiles)
    except InvalidTileError as exc:
        raise LogVerificationError(
            f"the {count} leaves do not match the checkpoint (size {size}, root "
            f"{checkpoint.root_hash.hex()}), and the tiles cannot locate where: {exc}",
            reason="root_mismatch",
            position=None,
        ) from exc
    _raise_at(position, count, size)
    raise AssertionError("unreachable")  # pragma: no cover


def _raise_at(position: int, count: int, size: int) -> None:
    if position >= count:
        raise LogVerificationError(
            f"leaves end at {count} but the checkpoint covers {size}: first missing "
            f"leaf at position {position}",
            reason="missing_leaves",
            position=position,
        )
    if position >= size:
        raise LogVerificationError(
            f"there are {count} leaves but the checkpoint covers only {size}: first "
            f"extra leaf at position {position}",
            reason="extra_leaves",
            position=position,
        )
    before = "; leaves before it match" if position else " (the first leaf)"
    raise LogVerificationError(
        f"leaf {position} does not match the signed tree (its hash differs from the "
        f"signed tile hash){before}",
        reason="leaf_mismatch",
        position=position,
    )
