"""Fixtures for the privacy library: a key directory per test, and one shared by a module's
property tests (Hypothesis runs many examples in one test, so it cannot take a fresh
directory each time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from haven.privacy import KeyDirectory, Keyring


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def keyring(key_dir: Path) -> Keyring:
    return Keyring([KeyDirectory(key_dir)])


@pytest.fixture(scope="module")
def shared_keyring(tmp_path_factory: pytest.TempPathFactory) -> Keyring:
    return Keyring([KeyDirectory(tmp_path_factory.mktemp("shared") / "keys")])
