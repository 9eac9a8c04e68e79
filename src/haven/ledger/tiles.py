"""C2SP tlog-tiles: tile paths, hash tiles and entry bundles.

The ``n``-th tile at level ``l`` holds, for ``i`` in ``0..255``,
``MTH(D[(n*256 + i) * 256**l : (n*256 + i + 1) * 256**l])`` — the stored node at
Merkle level ``8*l`` and index ``n*256 + i``. Tiles live at ``tile/<L>/<N>`` with
``N`` split into zero-padded three-digit elements, all but the last prefixed by
``x`` (``1234067`` -> ``x001/x234/067``); the rightmost, partial tile of a level
has the suffix ``.p/<W>`` with ``W`` in ``1..255``. Entry bundles at
``tile/entries/<N>[.p/<W>]`` are the entries, each prefixed by its length as a
big-endian uint16, so an entry is at most 65,535 bytes.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from haven.ledger.errors import EntryTooLargeError, InvalidTileError
from haven.ledger.hashing import HASH_SIZE
from haven.ledger.store import HashStore

TILE_HEIGHT = 8
"""Merkle levels spanned by one tile level."""

TILE_WIDTH = 1 << TILE_HEIGHT
"""Hashes in a full tile (256)."""

MAX_TILE_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF
"""The largest entry an entry bundle can hold (uint16 length prefix)."""

_LENGTH_PREFIX = struct.Struct(">H")

TileReader = Callable[[str], bytes]
"""Reads a tile by its path (e.g. ``tile/0/000``); raises :class:`FileNotFoundError` if absent."""


class Tile(NamedTuple):
    """A tile coordinate: level, index within the level, width in hashes (1..256)."""

    level: int
    # The field shadows ``tuple.index``, which this record never needs; the name is public API.
    index: int  # type: ignore[assignment]
    width: int = TILE_WIDTH

    @property
    def path(self) -> str:
        """The hash tile path ``tile/<L>/<N>[.p/<W>]``."""
        return tile_path(self.level, self.index, self.width)

    @property
    def entries_path(self) -> str:
        """The entry bundle path ``tile/entries/<N>[.p/<W>]`` (level 0 only)."""
        if self.level != 0:
            raise ValueError(f"entry bundles exist only for level 0, not level {self.level}")
        return entries_path(self.index, self.width)


def _encode_index(index: int) -> str:
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"tile index must be an int, got {type(index).__name__}")
    if index < 0:
        raise ValueError(f"tile index must be >= 0, got {index}")
    groups = []
    while True:
        groups.append(index % 1000)
        index //= 1000
        if index == 0:
            break
    groups.reverse()
    return "/".join([f"x{g:03d}" for g in groups[:-1]] + [f"{groups[-1]:03d}"])


def _suffix(width: int) -> str:
    if isinstance(width, bool) or not isinstance(width, int):
        raise TypeError(f"tile width must be an int, got {type(width).__name__}")
    if not 1 <= width <= TILE_WIDTH:
        raise ValueError(f"tile width must be in 1..{TILE_WIDTH}, got {width}")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """Return ``tile/<L>/<N>[.p/<W>]``.

    Raises:
        ValueError: if the level is outside 0..63, the index is negative, or the
            width is outside 1..256.
    """
    if isinstance(level, bool) or not isinstance(level, int):
        raise TypeError(f"tile level must be an int, got {type(level).__name__}")
    if not 0 <= level <= MAX_TILE_LEVEL:
        raise ValueError(f"tile level must be in 0..{MAX_TILE_LEVEL}, got {level}")
    return f"tile/{level}/{_encode_index(index)}{_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """Return ``tile/entries/<N>[.p/<W>]``."""
    return f"tile/entries/{_encode_index(index)}{_suffix(width)}"


_PATH_RE = re.compile(
    r"tile/(?P<level>0|[1-9][0-9]?|entries)/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})"
    r"(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)


def parse_tile_path(path: str) -> tuple[Tile, bool]:
    """Parse a tile or entry bundle path; return the tile and whether it is an entry bundle.

    Raises:
        InvalidTileError: if the path is not a canonical tile path.
    """
    match = _PATH_RE.fullmatch(path)
    if match is None:
        raise InvalidTileError(f"{path!r} is not a tile path")
    is_entries = match["level"] == "entries"
    level = 0 if is_entries else int(match["level"])
    index = int(match["index"].replace("x", "").replace("/", ""))
    width = int(match["width"]) if match["width"] else TILE_WIDTH
    if level > MAX_TILE_LEVEL or width >= TILE_WIDTH and match["width"]:
        raise InvalidTileError(f"{path!r} is not a tile path")
    tile = Tile(level, index, width)
    canonical = tile.entries_path if is_entries else tile.path
    if canonical != path:
        raise InvalidTileError(f"{path!r} is not canonical; expected {canonical!r}")
    return tile, is_entries


def tiles_for_size(size: int) -> Iterator[Tile]:
    """Yield every tile of a tree of ``size``: full ones, then the partial one, per level."""
    if size < 0:
        raise ValueError(f"size must be >= 0, got {size}")
    level = 0
    nodes = size  # complete nodes at Merkle level 8*level
    while nodes > 0:
        full, partial = divmod(nodes, TILE_WIDTH)
        for index in range(full):
            yield Tile(level, index)
        if partial:
            yield Tile(level, full, partial)
        nodes >>= TILE_HEIGHT
        level += 1


def tile_hashes(store: HashStore, tile: Tile) -> bytes:
    """Return the tile's contents: ``width`` concatenated 32-byte hashes from the store."""
    merkle_level = tile.level * TILE_HEIGHT
    first = tile.index * TILE_WIDTH
    return b"".join(store.get(merkle_level, first + i) for i in range(tile.width))


def split_tile(data: bytes, tile: Tile) -> list[bytes]:
    """Split a tile's bytes into its hashes.

    Raises:
        InvalidTileError: if the length is not ``width * 32``.
    """
    if len(data) != tile.width * HASH_SIZE:
        raise InvalidTileError(
            f"{tile.path} is {len(data)} bytes, expected {tile.width * HASH_SIZE}"
        )
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def encode_entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Return entries as a bundle of uint16-big-endian-length-prefixed entries.

    Raises:
        EntryTooLargeError: if an entry is longer than 65,535 bytes.
        ValueError: if there are more than 256 entries.
    """
    if len(entries) > TILE_WIDTH:
        raise ValueError(f"an entry bundle holds at most {TILE_WIDTH} entries, got {len(entries)}")
    out = bytearray()
    for number, entry in enumerate(entries):
        check_entry_size(entry, position=number)
        out += _LENGTH_PREFIX.pack(len(entry))
        out += entry
    return bytes(out)


def check_entry_size(entry: bytes, *, position: int | None = None) -> None:
    """Raise :class:`EntryTooLargeError` if ``entry`` cannot go in an entry bundle."""
    if len(entry) > MAX_ENTRY_SIZE:
        where = "" if position is None else f" at position {position}"
        raise EntryTooLargeError(
            f"entry{where} is {len(entry)} bytes; entries are at most {MAX_ENTRY_SIZE} bytes"
        )


def decode_entry_bundle(data: bytes) -> list[bytes]:
    """Split an entry bundle into its entries.

    Raises:
        InvalidTileError: if the bundle is truncated or holds more than 256 entries.
    """
    entries: list[bytes] = []
    offset = 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise InvalidTileError(f"entry bundle is truncated in a length prefix at byte {offset}")
        (length,) = _LENGTH_PREFIX.unpack_from(data, offset)
        offset += 2
        if offset + length > len(data):
            raise InvalidTileError(
                f"entry {len(entries)} claims {length} bytes but only {len(data) - offset} remain"
            )
        entries.append(data[offset : offset + length])
        offset += length
        if len(entries) > TILE_WIDTH:
            raise InvalidTileError(f"entry bundle holds more than {TILE_WIDTH} entries")
    return entries


def write_tiles(
    directory: str | Path,
    store: HashStore,
    size: int,
    *,
    entries: Sequence[bytes] | None = None,
) -> list[str]:
    """Write every hash tile of the tree of ``size`` (and entry bundles, if given).

    Returns the relative paths written.

    Raises:
        ValueError: if ``entries`` is given and its length is not ``size``.
        EntryTooLargeError: if an entry is too large for a bundle.
    """
    root = Path(directory)
    if entries is not None and len(entries) != size:
        raise ValueError(f"got {len(entries)} entries for a tree of size {size}")
    written: list[str] = []
    for tile in tiles_for_size(size):
        written.append(_write(root, tile.path, tile_hashes(store, tile)))
        if entries is not None and tile.level == 0:
            start = tile.index * TILE_WIDTH
            bundle = encode_entry_bundle(entries[start : start + tile.width])
            written.append(_write(root, tile.entries_path, bundle))
    return written


def write_tiles_from_rows(
    directory: str | Path,
    rows: Sequence[Sequence[bytes]],
    size: int,
    *,
    entries: Sequence[bytes] | None = None,
) -> list[str]:
    """Write every hash tile of a tree of ``size`` from its rows at Merkle levels 0, 8, 16, ….

    ``rows`` is what :func:`haven.ledger.tree.merkle_rows` returns for the tree's
    leaf hashes, so an export needs no store reads. Entry bundles are written too
    if ``entries`` is given. Returns the relative paths written.

    Raises:
        EntryTooLargeError: if an entry is too large for a bundle.
    """
    root_dir = Path(directory)
    written: list[str] = []
    for tile in tiles_for_size(size):
        start = tile.index * TILE_WIDTH
        data = b"".join(rows[tile.level][start : start + tile.width])
        written.append(_write(root_dir, tile.path, data))
        if entries is not None and tile.level == 0:
            bundle = encode_entry_bundle(entries[start : start + tile.width])
            written.append(_write(root_dir, tile.entries_path, bundle))
    return written


def _write(root: Path, relative: str, data: bytes) -> str:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return relative


def directory_tile_reader(directory: str | Path) -> TileReader:
    """Return a :data:`TileReader` over an export directory."""
    root = Path(directory)

    def read(relative: str) -> bytes:
        return (root / relative).read_bytes()

    return read


def read_leaf_hashes(read: TileReader, size: int) -> list[bytes]:
    """Read the level-0 tiles of a tree of ``size`` and return its leaf hashes.

    Raises:
        InvalidTileError: if a tile is missing or has the wrong length.
    """
    hashes: list[bytes] = []
    for tile in tiles_for_size(size):
        if tile.level != 0:
            break
        try:
            data = read(tile.path)
        except FileNotFoundError as exc:
            raise InvalidTileError(f"tile {tile.path} is missing") from exc
        hashes.extend(split_tile(data, tile))
    return hashes
