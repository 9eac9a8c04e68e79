"""The key directory: 0600 files in 0700 directories, created race-free, refused if exposed."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from haven.privacy import (
    OPEN_SCOPE,
    KekId,
    KeyDestroyedError,
    KeyDirectory,
    Keyring,
    KeyStoreError,
    UnknownKeyError,
)

PERSONAL_OPEN = KekId("personal", OPEN_SCOPE, 1)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_key_files_are_0600_in_0700_directories(keyring: Keyring, key_dir: Path) -> None:
    keyring.current("personal", OPEN_SCOPE)
    [key_file] = key_dir.rglob("*.key")
    assert key_file == key_dir / "personal" / "open" / "v1.key"
    assert mode(key_file) == 0o600
    assert len(key_file.read_bytes()) == 32
    for directory in (key_dir, key_file.parent, key_file.parent.parent):
        assert mode(directory) == 0o700


def test_an_existing_key_directory_is_made_private(tmp_path: Path) -> None:
    root = tmp_path / "keys"
    root.mkdir(mode=0o755)
    root.chmod(0o755)
    KeyDirectory(root).create(PERSONAL_OPEN)
    assert mode(root) == 0o700


@pytest.mark.parametrize("exposed", [0o640, 0o604, 0o660])
def test_a_key_file_others_can_read_is_refused(
    keyring: Keyring, key_dir: Path, exposed: int
) -> None:
    kek = keyring.current("personal", OPEN_SCOPE)
    [key_file] = key_dir.rglob("*.key")
    key_file.chmod(exposed)
    with pytest.raises(KeyStoreError, match=f"run chmod 600 {key_file}"):
        Keyring([KeyDirectory(key_dir)]).cipher(kek)


def test_a_file_that_holds_no_key_is_refused(keyring: Keyring, key_dir: Path) -> None:
    kek = keyring.current("personal", OPEN_SCOPE)
    [key_file] = key_dir.rglob("*.key")
    key_file.write_bytes(b"too short")
    with pytest.raises(KeyStoreError, match="32-byte key"):
        Keyring([KeyDirectory(key_dir)]).cipher(kek)


def test_creation_is_race_free_everyone_gets_the_first_key(key_dir: Path) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(lambda _: KeyDirectory(key_dir).create(PERSONAL_OPEN), range(32)))
    assert len(set(keys)) == 1
    scope_dir = key_dir / "personal" / "open"
    assert sorted(p.name for p in scope_dir.iterdir()) == ["v1.key"]  # no temporary left
    assert (scope_dir / "v1.key").read_bytes() == keys[0]


def test_a_missing_key_is_unknown_and_names_where_it_looked(key_dir: Path) -> None:
    keyring = Keyring([KeyDirectory(key_dir)])
    with pytest.raises(
        UnknownKeyError, match=f"no key personal/open/v7 in key directory {key_dir}"
    ):
        keyring.cipher(KekId("personal", OPEN_SCOPE, 7))


def test_a_destroyed_id_cannot_be_created_again(key_dir: Path) -> None:
    directory = KeyDirectory(key_dir)
    day = KekId("sealed", "2027-05-14", 1)
    directory.create(day)
    directory.destroy(day, on=date(2027, 5, 14))
    with pytest.raises(KeyDestroyedError):
        directory.create(day)
    assert directory.load(KekId("sealed", "2027-05-14", 2)) is None


def test_files_that_are_not_keys_are_ignored(keyring: Keyring, key_dir: Path) -> None:
    keyring.current("personal", OPEN_SCOPE)
    (key_dir / "personal" / "open" / "notes.txt").write_text("hello")
    (key_dir / "personal" / "open" / ".v9.key.swp").write_text("editor")
    (key_dir / "personal" / "not-a-date").mkdir()
    (key_dir / "personal" / "not-a-date" / "v1.key").write_bytes(bytes(32))
    (key_dir / "lost+found").mkdir()
    assert Keyring([KeyDirectory(key_dir)]).key_ids() == [PERSONAL_OPEN]


def test_key_ids_can_be_listed_by_scope(keyring: Keyring) -> None:
    keyring.current("personal", OPEN_SCOPE)
    keyring.add_version("personal", OPEN_SCOPE)
    keyring.current("personal", "2027-05-14")
    keyring.current("sealed", OPEN_SCOPE)
    assert keyring.key_ids("personal", OPEN_SCOPE) == [
        PERSONAL_OPEN,
        KekId("personal", OPEN_SCOPE, 2),
    ]
    assert [str(k) for k in keyring.key_ids()] == [
        "personal/2027-05-14/v1",
        "personal/open/v1",
        "personal/open/v2",
        "sealed/open/v1",
    ]
