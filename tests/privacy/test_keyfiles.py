"""The one implementation of secret files and strict base64."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from haven.keyfiles import b64decode_strict, b64encode, make_private_directory, write_secret_file


def test_a_secret_file_is_0600_and_its_directory_0700(tmp_path: Path) -> None:
    path = tmp_path / "a" / "key"
    assert write_secret_file(path, b"secret")
    assert path.read_bytes() == b"secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".secret-")]


def test_an_existing_secret_is_kept_unless_replaced(tmp_path: Path) -> None:
    path = tmp_path / "key"
    write_secret_file(path, b"first")
    assert not write_secret_file(path, b"second")
    assert path.read_bytes() == b"first"
    assert write_secret_file(path, b"third", replace=True)
    assert path.read_bytes() == b"third"


@pytest.mark.parametrize("text", ["AAEC", "AAECAw=="])
def test_canonical_base64_decodes(text: str) -> None:
    assert b64encode(b64decode_strict(text, "key")) == text


@pytest.mark.parametrize("text", ["AAECAw", "AAEC\n", "AAE-", "AAECAx==", "é"])
def test_anything_but_canonical_base64_is_refused_naming_what(text: str) -> None:
    with pytest.raises(ValueError, match="^the key is not"):
        b64decode_strict(text, "the key")


def test_concurrent_writers_all_see_the_first_content(tmp_path: Path) -> None:
    path = tmp_path / "key"
    with ThreadPoolExecutor(max_workers=8) as pool:
        won = list(pool.map(lambda n: write_secret_file(path, b"%d" % n), range(32)))
    assert won.count(True) == 1
    assert path.read_bytes() == b"%d" % won.index(True)
    assert [p.name for p in tmp_path.iterdir()] == ["key"]  # no temporary left


def test_missing_parents_are_0700_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        make_private_directory(tmp_path / "a" / "b" / "c")
    finally:
        os.umask(previous)
    for directory in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
