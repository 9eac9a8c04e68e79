"""C2SP tlog-tiles paths, tile contents and entry bundles."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from haven.ledger.errors import EntryTooLargeError, InvalidTileError
from haven.ledger.log import MerkleLog
from haven.ledger.tiles import (
    MAX_ENTRY_SIZE,
    Tile,
    decode_entry_bundle,
    directory_tile_reader,
    encode_entry_bundle,
    entries_path,
    parse_tile_path,
    read_leaf_hashes,
    split_tile,
    tile_hashes,
    tile_path,
    tiles_for_size,
    write_tiles,
    write_tiles_from_rows,
)
from haven.ledger.tree import leaf_hashes, merkle_rows, root_from_leaf_hashes

from .reference import leaves_for, mth


@pytest.mark.parametrize(
    ("level", "index", "width", "path"),
    [
        (0, 1234067, 256, "tile/0/x001/x234/067"),
        (0, 0, 256, "tile/0/000"),
        (1, 999, 256, "tile/1/999"),
        (2, 1000, 256, "tile/2/x001/000"),
        (0, 273, 112, "tile/0/273.p/112"),
        (1, 1, 17, "tile/1/001.p/17"),
        (63, 5, 1, "tile/63/005.p/1"),
    ],
)
def test_tile_paths_follow_the_spec(level: int, index: int, width: int, path: str) -> None:
    assert tile_path(level, index, width) == path
    assert parse_tile_path(path) == (Tile(level, index, width), False)


def test_entry_bundle_paths_follow_the_spec() -> None:
    assert entries_path(1234067) == "tile/entries/x001/x234/067"
    assert entries_path(3, 5) == "tile/entries/003.p/5"
    assert parse_tile_path("tile/entries/003.p/5") == (Tile(0, 3, 5), True)


@pytest.mark.parametrize(
    "path",
    ["tile/0/67", "tile/0/x1/067", "tile/64/000", "tile/0/000.p/256", "tile/0/000.p/0",
     "tile/01/000", "tile/0/001/002", "tile/0/x000/067"],
)  # fmt: skip
def test_non_canonical_tile_paths_are_rejected(path: str) -> None:
    with pytest.raises(InvalidTileError):
        parse_tile_path(path)


def test_impossible_tile_coordinates_are_rejected() -> None:
    for bad in [(-1, 0, 256), (64, 0, 256), (0, -1, 256), (0, 0, 0), (0, 0, 257)]:
        with pytest.raises(ValueError):
            tile_path(*bad)


def test_a_tree_of_70000_has_the_tiles_the_spec_lists() -> None:
    tiles = list(tiles_for_size(70_000))
    counts = Counter((t.level, t.width == 256) for t in tiles)
    assert counts == {(0, True): 273, (0, False): 1, (1, True): 1, (1, False): 1, (2, False): 1}
    assert [t for t in tiles if t.width != 256] == [
        Tile(0, 273, 112),
        Tile(1, 1, 17),
        Tile(2, 0, 1),
    ]


def test_a_tree_of_256_has_a_full_level_0_tile_and_a_partial_level_1_tile() -> None:
    assert list(tiles_for_size(256)) == [Tile(0, 0), Tile(1, 0, 1)]
    assert list(tiles_for_size(0)) == []


def test_tile_contents_are_the_subtree_hashes() -> None:
    leaves = leaves_for(600)
    log = MerkleLog()
    log.append(leaves)
    level0 = split_tile(tile_hashes(log.store, Tile(0, 1)), Tile(0, 1))
    assert level0 == leaf_hashes(leaves[256:512])
    partial = split_tile(tile_hashes(log.store, Tile(0, 2, 88)), Tile(0, 2, 88))
    assert partial == leaf_hashes(leaves[512:600])
    level1 = split_tile(tile_hashes(log.store, Tile(1, 0, 2)), Tile(1, 0, 2))
    assert level1 == [mth(leaves[:256]), mth(leaves[256:512])]
    assert level1[1] == root_from_leaf_hashes(level0)


def test_written_tiles_give_back_the_leaf_hashes(tmp_path: Path) -> None:
    leaves = leaves_for(300)
    log = MerkleLog()
    log.append(leaves)
    written = write_tiles(tmp_path, log.store, 300, entries=leaves)
    assert sorted(written) == sorted(
        ["tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1", "tile/entries/000",
         "tile/entries/001.p/44"]
    )  # fmt: skip
    assert read_leaf_hashes(directory_tile_reader(tmp_path), 300) == leaf_hashes(leaves)
    bundle = (tmp_path / "tile/entries/001.p/44").read_bytes()
    assert decode_entry_bundle(bundle) == leaves[256:]


def test_entry_bundles_are_uint16_big_endian_length_prefixed() -> None:
    assert encode_entry_bundle([b"ab", b"", b"c"]) == b"\x00\x02ab\x00\x00\x00\x01c"
    assert decode_entry_bundle(b"\x00\x02ab\x00\x00\x00\x01c") == [b"ab", b"", b"c"]
    big = b"x" * MAX_ENTRY_SIZE
    assert decode_entry_bundle(encode_entry_bundle([big])) == [big]


def test_entries_over_65535_bytes_are_rejected_with_their_position() -> None:
    with pytest.raises(EntryTooLargeError, match="position 1 is 65536 bytes"):
        encode_entry_bundle([b"ok", b"x" * (MAX_ENTRY_SIZE + 1)])


@pytest.mark.parametrize("bundle", [b"\x00", b"\x00\x03ab", b"\x00\x01"])
def test_truncated_entry_bundles_are_rejected(bundle: bytes) -> None:
    with pytest.raises(InvalidTileError):
        decode_entry_bundle(bundle)


def test_tile_of_wrong_length_is_rejected() -> None:
    with pytest.raises(InvalidTileError, match="expected 8192"):
        split_tile(b"\x00" * 8191, Tile(0, 0))


@pytest.mark.parametrize("size", [1, 255, 256, 257, 600, 65_537])
def test_tiles_from_leaf_rows_equal_tiles_from_the_store(tmp_path: Path, size: int) -> None:
    leaves = leaves_for(size)
    log = MerkleLog()
    log.append(leaves)
    from_store = write_tiles(tmp_path / "store", log.store, size)
    root, rows = merkle_rows(leaf_hashes(leaves), keep_every=8)
    from_rows = write_tiles_from_rows(tmp_path / "rows", rows, size)
    assert root == log.root()
    assert sorted(from_store) == sorted(from_rows)
    for path in from_store:
        assert (tmp_path / "store" / path).read_bytes() == (tmp_path / "rows" / path).read_bytes()
