"""The compile cache: hits skip compilation; a damaged file is recompiled, never trusted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from haven.policy import compile_policy, compiled, load_policy_file
from haven.policy.cache import default_cache_dir

from .conftest import FIXTURES


def cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.npz"))


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.cedar"
    path.write_text((FIXTURES / "small.cedar").read_text())
    return path


def forbid_compilation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_policy: object) -> None:
        raise AssertionError("compiled although the cache should have answered")

    monkeypatch.setattr(compiled, "compile_table", refuse)


def test_cache_lives_under_haven_data_dir(_isolated_data_dir: Path) -> None:
    assert default_cache_dir() == _isolated_data_dir / "policy-cache"


def test_cache_defaults_to_var_relative_to_the_working_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HAVEN_DATA_DIR")
    assert default_cache_dir() == Path("var") / "policy-cache"


def test_second_compilation_is_served_from_the_cache(
    policy_file: Path, _isolated_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = compile_policy(load_policy_file(policy_file))
    assert len(cache_files(_isolated_data_dir / "policy-cache")) == 1
    forbid_compilation(monkeypatch)
    second = compile_policy(load_policy_file(policy_file))
    assert np.array_equal(first.table.outcome_ids, second.table.outcome_ids)
    assert first.table.outcomes == second.table.outcomes


def test_changed_policy_text_misses_the_cache(policy_file: Path, _isolated_data_dir: Path) -> None:
    compile_policy(load_policy_file(policy_file))
    policy_file.write_text(policy_file.read_text() + "\n// an edit\n")
    compile_policy(load_policy_file(policy_file))
    assert len(cache_files(_isolated_data_dir / "policy-cache")) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"not a zip file at all",
        lambda data: data[: len(data) // 2],
        lambda data: data[:-40] + bytes(40),
    ],
    ids=["empty", "garbage", "truncated", "tail-zeroed"],
)
def test_corrupt_cache_file_is_recompiled_and_replaced(
    policy_file: Path, _isolated_data_dir: Path, damage: object
) -> None:
    reference = compile_policy(load_policy_file(policy_file), use_cache=False)
    compile_policy(load_policy_file(policy_file))
    [cached] = cache_files(_isolated_data_dir / "policy-cache")
    cached.write_bytes(damage(cached.read_bytes()))  # type: ignore[operator]
    recompiled = compile_policy(load_policy_file(policy_file))
    assert np.array_equal(recompiled.table.outcome_ids, reference.table.outcome_ids)
    assert recompiled.table.outcomes == reference.table.outcomes
    # The damaged file was replaced by a good one.
    again = compile_policy(load_policy_file(policy_file))
    assert np.array_equal(again.table.outcome_ids, reference.table.outcome_ids)


def test_cache_file_whose_table_was_altered_is_not_trusted(
    policy_file: Path, _isolated_data_dir: Path
) -> None:
    reference = compile_policy(load_policy_file(policy_file))
    [cached] = cache_files(_isolated_data_dir / "policy-cache")
    with np.load(cached) as archive:
        contents = {name: np.array(archive[name]) for name in archive.files}
    flipped = contents["outcome_ids"].copy()
    flipped[:1000] = 1 - flipped[:1000].clip(0, 1)  # flip some decisions
    contents["outcome_ids"] = flipped
    np.savez_compressed(cached, **contents)
    recompiled = compile_policy(load_policy_file(policy_file))
    assert np.array_equal(recompiled.table.outcome_ids, reference.table.outcome_ids)


def test_unwritable_cache_directory_does_not_fail_compilation(
    policy_file: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    result = compile_policy(load_policy_file(policy_file), cache_dir=blocker / "cache")
    assert result.table.outcome_ids.shape == (1_920_000,)
