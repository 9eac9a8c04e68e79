"""Whole-log verification: the export directory and the first bad position."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.ledger.audit import verify_log
from haven.ledger.checkpoint import Checkpoint, sign_checkpoint
from haven.ledger.errors import (
    InvalidSignatureError,
    LedgerError,
    LogVerificationError,
)
from haven.ledger.export import read_leaves, verify_export, write_export
from haven.ledger.log import MerkleLog
from haven.ledger.note import NoteSigner, generate_signer
from haven.ledger.tiles import TileReader, directory_tile_reader

ORIGIN = "haven.example/ledger"


class Export:
    def __init__(self, directory: Path, leaves: list[bytes], signer: NoteSigner) -> None:
        self.directory = directory
        self.leaves = leaves
        self.signer = signer
        self.note = (directory / "checkpoint").read_text()
        self.tiles: TileReader = directory_tile_reader(directory)

    def verify(self, leaves: list[bytes], *, tiles: bool = True) -> Checkpoint:
        return verify_log(
            leaves, self.note, self.signer.verifier, tiles=self.tiles if tiles else None
        )


def make_export(directory: Path, size: int) -> Export:
    leaves = [b"event-%05d" % i for i in range(size)]
    log = MerkleLog()
    log.append(leaves)
    signer = generate_signer(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, size, log.root()), signer)
    write_export(directory, leaves=leaves, checkpoint_note=note, vkey=signer.verifier.vkey)
    return Export(directory, leaves, signer)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Export:
    # 300 leaves: a full and a partial level-0 tile and a level-1 tile.
    return make_export(tmp_path_factory.mktemp("export") / "ledger", 300)


def assert_fails_at(export: Export, leaves: list[bytes], position: int, reason: str) -> None:
    with pytest.raises(LogVerificationError) as caught:
        export.verify(leaves)
    assert (caught.value.position, caught.value.reason) == (position, reason), str(caught.value)


def test_an_intact_export_verifies(export: Export) -> None:
    checkpoint = verify_export(export.directory, vkey=export.signer.verifier.vkey, origin=ORIGIN)
    assert checkpoint.size == 300
    assert read_leaves(export.directory / "leaves") == export.leaves


def test_export_directory_has_the_design_files_and_tiles(export: Export) -> None:
    names = {p.relative_to(export.directory).as_posix() for p in export.directory.rglob("*")}
    assert {"checkpoint", "vkey", "leaves", "tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1"} <= (
        names
    )
    lines = (export.directory / "leaves").read_text().splitlines()
    assert [base64.b64decode(line) for line in lines] == export.leaves
    assert (export.directory / "vkey").read_text() == export.signer.verifier.vkey + "\n"


def test_flipping_any_byte_of_any_leaf_fails_at_that_leaf(export: Export) -> None:
    for index, leaf in enumerate(export.leaves):
        for byte in range(len(leaf)):
            leaves = list(export.leaves)
            changed = bytearray(leaf)
            changed[byte] ^= 0x20
            leaves[index] = bytes(changed)
            assert_fails_at(export, leaves, index, "leaf_mismatch")


@pytest.mark.parametrize("index", [0, 1, 127, 255, 256, 257, 298, 299])
def test_dropping_a_leaf_fails_at_that_leaf(export: Export, index: int) -> None:
    leaves = export.leaves[:index] + export.leaves[index + 1 :]
    reason = "missing_leaves" if index == 299 else "leaf_mismatch"
    assert_fails_at(export, leaves, index, reason)


@pytest.mark.parametrize(("i", "j"), [(0, 1), (3, 200), (255, 256), (10, 299), (298, 299)])
def test_reordering_leaves_fails_at_the_first_moved_leaf(export: Export, i: int, j: int) -> None:
    leaves = list(export.leaves)
    leaves[i], leaves[j] = leaves[j], leaves[i]
    assert_fails_at(export, leaves, i, "leaf_mismatch")


@pytest.mark.parametrize("keep", [0, 1, 100, 255, 256, 257, 299])
def test_truncating_leaves_fails_at_the_first_missing_leaf(export: Export, keep: int) -> None:
    assert_fails_at(export, export.leaves[:keep], keep, "missing_leaves")


def test_an_extra_leaf_fails_at_the_checkpoint_size(export: Export) -> None:
    assert_fails_at(export, [*export.leaves, b"extra"], 300, "extra_leaves")
    with pytest.raises(LogVerificationError) as caught:
        export.verify([*export.leaves, b"extra"], tiles=False)
    assert caught.value.position == 300


def test_an_inserted_leaf_fails_where_it_was_inserted(export: Export) -> None:
    leaves = [*export.leaves[:77], b"inserted", *export.leaves[77:]]
    assert_fails_at(export, leaves, 77, "leaf_mismatch")


def test_without_tiles_a_failure_has_no_position(export: Export) -> None:
    leaves = list(export.leaves)
    leaves[5] = b"changed"
    with pytest.raises(LogVerificationError, match="no tiles") as caught:
        export.verify(leaves, tiles=False)
    assert caught.value.position is None


def test_tampered_tiles_cannot_locate_the_failure(export: Export, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(export.directory, copy)
    tile = copy / "tile/0/001.p/44"
    data = bytearray(tile.read_bytes())
    data[0] ^= 1
    tile.write_bytes(bytes(data))
    leaves = list(export.leaves)
    leaves[260] = b"changed"
    with pytest.raises(LogVerificationError, match="tiles give root") as caught:
        verify_log(leaves, export.note, export.signer.verifier, tiles=directory_tile_reader(copy))
    assert caught.value.position is None


def test_a_tampered_full_tile_is_caught_by_its_parent(export: Export, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(export.directory, copy)
    tile = copy / "tile/0/000"
    data = bytearray(tile.read_bytes())
    data[32 * 10] ^= 1  # make the tile lie about leaf 10
    tile.write_bytes(bytes(data))
    leaves = list(export.leaves)
    leaves[10] = b"changed"
    with pytest.raises(LogVerificationError, match="parent tile") as caught:
        verify_log(leaves, export.note, export.signer.verifier, tiles=directory_tile_reader(copy))
    assert caught.value.position is None


def test_a_checkpoint_signed_by_another_key_is_rejected(export: Export) -> None:
    other = generate_signer(ORIGIN)
    with pytest.raises(InvalidSignatureError):
        verify_export(export.directory, vkey=other.verifier.vkey)


def test_any_change_to_the_exported_checkpoint_breaks_its_signature(export: Export) -> None:
    note = export.note.encode()
    for position in range(len(note)):
        tampered = bytearray(note)
        tampered[position] ^= 0x01
        with pytest.raises(LedgerError) as caught:
            verify_log(export.leaves, bytes(tampered), export.signer.verifier, tiles=export.tiles)
        assert not isinstance(caught.value, LogVerificationError)


def test_a_re_signed_checkpoint_for_a_different_root_fails_at_a_leaf(export: Export) -> None:
    # The log key signs a tree whose leaf 42 differs: the exported leaves no longer match.
    leaves = list(export.leaves)
    leaves[42] = b"rewritten history"
    log = MerkleLog()
    log.append(leaves)
    note = sign_checkpoint(Checkpoint(ORIGIN, 300, log.root()), export.signer)
    with pytest.raises(LogVerificationError):
        verify_log(export.leaves, note, export.signer.verifier)


def test_a_malformed_leaves_line_is_reported_at_its_position(
    export: Export, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(export.directory, copy)
    lines = (copy / "leaves").read_text().splitlines()
    lines[17] = lines[17][:-1] + "!"
    (copy / "leaves").write_text("".join(line + "\n" for line in lines))
    with pytest.raises(LogVerificationError) as caught:
        verify_export(copy, vkey=export.signer.verifier.vkey)
    assert (caught.value.position, caught.value.reason) == (17, "malformed_leaf")


def test_export_refuses_a_non_empty_directory_and_mismatched_leaves(
    export: Export, tmp_path: Path
) -> None:
    log = MerkleLog()
    log.append(export.leaves)
    with pytest.raises(FileExistsError):
        write_export(
            export.directory, leaves=export.leaves, checkpoint_note=export.note,
            vkey=export.signer.verifier.vkey,
        )  # fmt: skip
    with pytest.raises(ValueError, match="root"):
        write_export(
            tmp_path / "x", leaves=[b"x", *export.leaves[1:]], checkpoint_note=export.note,
            vkey=export.signer.verifier.vkey,
        )  # fmt: skip
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("size", [0, 1, 2, 255, 256, 257, 511, 512, 65_537])
def test_every_shape_of_tree_verifies_and_locates(tmp_path: Path, size: int) -> None:
    export = make_export(tmp_path / "ledger", size)
    assert verify_export(export.directory, vkey=export.signer.verifier).size == size
    assert_fails_at(export, [*export.leaves, b"x"], size, "extra_leaves")
    for index in {0, size // 2, size - 1} if size else set():
        leaves = list(export.leaves)
        leaves[index] = b"tampered"
        assert_fails_at(export, leaves, index, "leaf_mismatch")
        assert_fails_at(export, export.leaves[:index], index, "missing_leaves")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_property_any_tampering_is_located_at_the_first_differing_leaf(
    export: Export, data: st.DataObject
) -> None:
    leaves = list(export.leaves)
    action = data.draw(st.sampled_from(["flip", "drop", "swap", "truncate", "replace"]))
    i = data.draw(st.integers(0, len(leaves) - 1))
    if action == "flip":
        byte = data.draw(st.integers(0, len(leaves[i]) - 1))
        changed = bytearray(leaves[i])
        changed[byte] ^= data.draw(st.integers(1, 255))
        leaves[i] = bytes(changed)
    elif action == "drop":
        del leaves[i]
    elif action == "swap":
        j = data.draw(st.integers(0, len(leaves) - 1).filter(lambda j: j != i))
        leaves[i], leaves[j] = leaves[j], leaves[i]
    elif action == "truncate":
        leaves = leaves[:i]
    else:
        leaves[i] = data.draw(st.binary(max_size=20).filter(lambda b: b != leaves[i]))
    first = next(
        (k for k, (a, b) in enumerate(zip(leaves, export.leaves, strict=False)) if a != b),
        min(len(leaves), len(export.leaves)),
    )
    with pytest.raises(LogVerificationError) as caught:
        export.verify(leaves)
    assert caught.value.position == first


def test_any_of_several_trusted_keys_verifies_across_a_rotation(export: Export) -> None:
    old = generate_signer(ORIGIN)
    verify_log(export.leaves, export.note, [old.verifier, export.signer.verifier])
    with pytest.raises(InvalidSignatureError):
        verify_log(export.leaves, export.note, [old.verifier])


def test_an_export_is_verified_only_against_a_key_the_caller_names(export: Export) -> None:
    with pytest.raises(ValueError, match="no trusted key"):
        verify_export(export.directory)
    # Its own key, when asked for: that proves only that the export agrees with itself.
    assert verify_export(export.directory, trust_export_key=True).size == 300


def _copy(export: Export, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(export.directory, copy)
    return copy


@pytest.mark.parametrize("path", ["tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1"])
def test_a_tampered_tile_is_reported_even_when_the_leaves_verify(
    export: Export, tmp_path: Path, path: str
) -> None:
    copy = _copy(export, tmp_path)
    data = bytearray((copy / path).read_bytes())
    data[-1] ^= 0x01
    (copy / path).write_bytes(bytes(data))
    with pytest.raises(LogVerificationError) as caught:
        verify_export(copy, vkey=export.signer.verifier)
    assert (caught.value.reason, caught.value.tile) == ("tile_mismatch", path)


@pytest.mark.parametrize(
    "path", ["tile/0/002", "tile/0/001.p/43", "tile/2/000.p/1", "tile/0/notes.txt", "tile/x"]
)
def test_an_extra_file_under_tile_is_reported(export: Export, tmp_path: Path, path: str) -> None:
    copy = _copy(export, tmp_path)
    (copy / path).parent.mkdir(parents=True, exist_ok=True)
    (copy / path).write_bytes(b"\0" * 32)
    with pytest.raises(LogVerificationError) as caught:
        verify_export(copy, vkey=export.signer.verifier)
    assert (caught.value.reason, caught.value.tile) == ("extra_tile", path)


def test_a_missing_tile_is_reported(export: Export, tmp_path: Path) -> None:
    copy = _copy(export, tmp_path)
    (copy / "tile/1/000.p/1").unlink()
    with pytest.raises(LogVerificationError) as caught:
        verify_export(copy, vkey=export.signer.verifier)
    assert (caught.value.reason, caught.value.tile) == ("missing_tile", "tile/1/000.p/1")


def test_entry_bundles_are_checked_against_the_leaves(tmp_path: Path) -> None:
    leaves = [b"event-%05d" % i for i in range(300)]
    log = MerkleLog()
    log.append(leaves)
    signer = generate_signer(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 300, log.root()), signer)
    directory = tmp_path / "export"
    write_export(
        directory, leaves=leaves, checkpoint_note=note, vkey=signer.verifier.vkey,
        entry_bundles=True,
    )  # fmt: skip
    assert verify_export(directory, vkey=signer.verifier).size == 300
    bundle = directory / "tile/entries/001.p/44"
    data = bytearray(bundle.read_bytes())
    data[5] ^= 0x01
    bundle.write_bytes(bytes(data))
    with pytest.raises(LogVerificationError) as caught:
        verify_export(directory, vkey=signer.verifier)
    assert (caught.value.reason, caught.value.tile) == ("tile_mismatch", "tile/entries/001.p/44")
    bundle.unlink()  # one bundle gone while another is present
    with pytest.raises(LogVerificationError) as caught:
        verify_export(directory, vkey=signer.verifier)
    assert (caught.value.reason, caught.value.tile) == ("missing_tile", "tile/entries/001.p/44")


def test_a_trust_file_holds_several_keys_and_comments(export: Export) -> None:
    from haven.ledger.errors import InvalidNoteError
    from haven.ledger.export import parse_trusted_keys

    old = generate_signer(ORIGIN).verifier
    keys = parse_trusted_keys(
        f"# before the rotation\n{old.vkey}\n\n{export.signer.verifier.vkey}\n"
    )
    assert keys == [old, export.signer.verifier]
    assert verify_export(export.directory, vkey=keys).size == 300
    with pytest.raises(InvalidNoteError, match="line 2"):
        parse_trusted_keys(f"{old.vkey}\nnot a key\n")
    with pytest.raises(InvalidNoteError, match="no verifier key"):
        parse_trusted_keys("# empty\n")


def _rotated_export(directory: Path, rotations: int) -> tuple[list[NoteSigner], list[int]]:
    """An export whose signing key was rotated `rotations` times; the last key signs it."""
    from datetime import UTC, datetime

    from haven.ledger.commitments import record
    from haven.ledger.kinds import KeyRotation, SignedIn

    at = datetime(2026, 11, 28, 9, tzinfo=UTC)
    signers = [generate_signer(ORIGIN)]
    leaves = [record(SignedIn(user=f"staff_{n}"), at=at).leaf for n in range(5)]
    positions = []
    for _ in range(rotations):
        old, new = signers[-1], generate_signer(ORIGIN)
        positions.append(len(leaves))
        leaves.append(
            record(
                KeyRotation(
                    key="ledger_signing",
                    old_key_id=old.verifier.key_id.hex(),
                    new_key_id=new.verifier.key_id.hex(),
                    new_vkey=new.verifier.vkey,
                ),
                at=at,
            ).leaf
        )
        leaves += [record(SignedIn(user="staff_9"), at=at).leaf]
        signers.append(new)
    log = MerkleLog()
    log.append(leaves)
    note = sign_checkpoint(Checkpoint(ORIGIN, len(leaves), log.root()), signers[-1])
    write_export(directory, leaves=leaves, checkpoint_note=note, vkey=signers[-1].verifier.vkey)
    return signers, positions


def test_a_rotated_out_key_is_named_with_the_entry_that_retired_it(tmp_path: Path) -> None:
    from haven.ledger.errors import RetiredKeyError

    (old, new), (position,) = _rotated_export(tmp_path / "export", 1)
    with pytest.raises(RetiredKeyError) as caught:
        verify_export(tmp_path / "export", vkey=old.verifier)
    error = caught.value
    assert (error.key_id, error.position) == (old.verifier.key_id.hex(), position)
    assert (error.new_key_id, error.new_vkey) == (new.verifier.key_id.hex(), new.verifier.vkey)
    assert f"log position {position}" in str(error) and old.verifier.key_id.hex() in str(error)
    assert isinstance(error, InvalidSignatureError)  # still a signature failure for old callers
    # Trusting both keys across the rotation verifies.
    verify_export(tmp_path / "export", vkey=[old.verifier, new.verifier])


def test_a_chain_of_rotations_is_followed_to_the_current_key(tmp_path: Path) -> None:
    from haven.ledger.errors import RetiredKeyError

    signers, positions = _rotated_export(tmp_path / "export", 3)
    with pytest.raises(RetiredKeyError) as caught:
        verify_export(tmp_path / "export", vkey=signers[1].verifier)
    assert caught.value.position == positions[1]
    assert caught.value.current_key_id == signers[-1].verifier.key_id.hex()
    assert "1 later rotation" in str(caught.value)


def test_a_foreign_key_is_not_mistaken_for_a_retired_one(tmp_path: Path) -> None:
    from haven.ledger.errors import RetiredKeyError

    _rotated_export(tmp_path / "export", 1)
    with pytest.raises(InvalidSignatureError) as caught:
        verify_export(tmp_path / "export", vkey=generate_signer(ORIGIN).verifier)
    assert not isinstance(caught.value, RetiredKeyError)


@pytest.mark.parametrize(
    ("index", "words"), [(0, "(the first leaf)"), (5, "leaves before it match")]
)
def test_a_mismatch_says_what_before_it_matched(export: Export, index: int, words: str) -> None:
    leaves = list(export.leaves)
    leaves[index] = leaves[index] + b" "
    with pytest.raises(LogVerificationError) as caught:
        export.verify(leaves)
    assert str(caught.value).startswith(f"leaf {index} does not match") and words in str(
        caught.value
    )
    assert "leaves before it match" not in str(caught.value) or index > 0
