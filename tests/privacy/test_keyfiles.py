"""The one implementation of secret files and strict base64."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from haven.keyfiles import b64decode_strict, b64encode, write_secret_file


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
