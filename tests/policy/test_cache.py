"""The compile cache: hits skip compilation; a damaged file is recompiled, never trusted.

Cached tables are memory-mapped, so processes that load the same policy share one
copy of it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from haven.policy import compile_policy, compiled, load_policy_file, space
from haven.policy.cache import default_cache_dir

from .conftest import FIXTURES


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory of this test's own (the session's shared one has other tables)."""
    directory = tmp_path / "data"
    monkeypatch.setenv("HAVEN_DATA_DIR", str(directory))
    return directory


def id_files(directory: Path) -> list[Path]:
    return sorted((directory / "policy-cache").glob("*.npy"))


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.cedar"
    path.write_text((FIXTURES / "small.cedar").read_text())
    return path


def forbid_compilation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_policy: object) -> None:
        raise AssertionError("compiled although the cache should have answered")

    monkeypatch.setattr(compiled, "compile_table", refuse)


def test_cache_lives_under_haven_data_dir(data_dir: Path) -> None:
    assert default_cache_dir() == data_dir / "policy-cache"


def test_cache_defaults_to_var_relative_to_the_working_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HAVEN_DATA_DIR")
    assert default_cache_dir() == Path("var") / "policy-cache"


def test_second_compilation_is_served_from_the_cache_memory_mapped(
    policy_file: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = compile_policy(load_policy_file(policy_file))
    assert len(id_files(data_dir)) == 1
    assert isinstance(first.table.outcome_ids, np.memmap)  # even the compiling process shares
    forbid_compilation(monkeypatch)
    second = compile_policy(load_policy_file(policy_file))
    assert np.array_equal(first.table.outcome_ids, second.table.outcome_ids)
    assert first.table.outcomes == second.table.outcomes
    # Shared, not copied: the ids are a read-only map of the cache file.
    assert isinstance(second.table.outcome_ids, np.memmap)
    assert Path(second.table.outcome_ids.filename) == id_files(data_dir)[0]
    assert not second.table.outcome_ids.flags.writeable


def test_a_cached_table_is_the_size_of_its_ids_and_well_under_64_mb(
    policy_file: Path, data_dir: Path
) -> None:
    compile_policy(load_policy_file(policy_file))
    [ids] = id_files(data_dir)
    assert ids.stat().st_size < space.SIZE * 2 + 4096
    assert ids.stat().st_size <= 64 * 2**20


def test_changed_policy_text_misses_the_cache(policy_file: Path, data_dir: Path) -> None:
    compile_policy(load_policy_file(policy_file))
    policy_file.write_text(policy_file.read_text() + "\n// an edit\n")
    compile_policy(load_policy_file(policy_file))
    assert len(id_files(data_dir)) == 2


DAMAGE = {
    "empty": lambda data: b"",
    "garbage": lambda data: b"not a numpy file at all",
    "truncated": lambda data: data[: len(data) // 2],
    "tail-zeroed": lambda data: data[:-40] + bytes(40),
}


@pytest.mark.parametrize("suffix", [".npy", ".json"])
@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_corrupt_cache_file_is_recompiled_and_replaced(
    policy_file: Path, data_dir: Path, damage: str, suffix: str
) -> None:
    reference = compile_policy(load_policy_file(policy_file), use_cache=False)
    compile_policy(load_policy_file(policy_file))
    [cached] = (data_dir / "policy-cache").glob(f"*{suffix}")
    cached.write_bytes(DAMAGE[damage](cached.read_bytes()))
    recompiled = compile_policy(load_policy_file(policy_file))
    assert np.array_equal(recompiled.table.outcome_ids, reference.table.outcome_ids)
    assert recompiled.table.outcomes == reference.table.outcomes
    # The damaged file was replaced by a good one.
    again = compile_policy(load_policy_file(policy_file))
    assert isinstance(again.table.outcome_ids, np.memmap)
    assert np.array_equal(again.table.outcome_ids, reference.table.outcome_ids)


def test_cache_file_whose_table_was_altered_is_not_trusted(
    policy_file: Path, data_dir: Path
) -> None:
    reference = compile_policy(load_policy_file(policy_file), use_cache=False)
    compile_policy(load_policy_file(policy_file))
    [cached] = id_files(data_dir)
    flipped = np.load(cached).copy()
    flipped[:1000] = 1 - flipped[:1000].clip(0, 1)  # flip some decisions
    np.save(cached, flipped)
    recompiled = compile_policy(load_policy_file(policy_file))
    assert np.array_equal(recompiled.table.outcome_ids, reference.table.outcome_ids)


def test_unwritable_cache_directory_does_not_fail_compilation(
    policy_file: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    result = compile_policy(load_policy_file(policy_file), cache_dir=blocker / "cache")
    assert result.table.outcome_ids.shape == (space.SIZE,)


def test_replacing_the_cache_file_leaves_a_loaded_table_untouched(
    policy_file: Path, data_dir: Path
) -> None:
    """Haven writes by rename: a process that mapped the old file keeps reading it."""
    from haven.policy.cache import write_table

    loaded = compile_policy(load_policy_file(policy_file))
    before = np.array(loaded.table.outcome_ids)
    [ids_file] = id_files(data_dir)
    other = compile_policy(load_policy_file(FIXTURES / "opaque.cedar"), use_cache=False)
    assert not np.array_equal(other.table.outcome_ids, before)
    write_table(ids_file.parent, ids_file.stem, other.table)  # same key, new contents
    assert np.array_equal(np.load(ids_file), other.table.outcome_ids)
    assert np.array_equal(loaded.table.outcome_ids, before)
