"""The keyring: the current KEK of each scope, creation, and the providers' order."""

from __future__ import annotations

from pathlib import Path

import pytest

from haven.privacy import (
    OPEN_SCOPE,
    KekId,
    KeyDirectory,
    Keyring,
    MalformedError,
    ReadOnlyKeysError,
)


def test_the_current_key_is_the_newest_version_created_when_missing(keyring: Keyring) -> None:
    assert keyring.key_ids() == []
    assert keyring.current("personal", OPEN_SCOPE) == KekId("personal", OPEN_SCOPE, 1)
    assert keyring.current("personal", OPEN_SCOPE) == KekId("personal", OPEN_SCOPE, 1)
    assert keyring.add_version("personal", OPEN_SCOPE) == KekId("personal", OPEN_SCOPE, 2)
    assert keyring.current("personal", OPEN_SCOPE) == KekId("personal", OPEN_SCOPE, 2)


def test_a_version_another_process_adds_is_current_at_once(key_dir: Path) -> None:
    web, rotation = Keyring([KeyDirectory(key_dir)]), Keyring([KeyDirectory(key_dir)])
    assert web.current("sealed", OPEN_SCOPE) == KekId("sealed", OPEN_SCOPE, 1)
    rotation.add_version("sealed", OPEN_SCOPE)
    assert web.current("sealed", OPEN_SCOPE) == KekId("sealed", OPEN_SCOPE, 2)


def test_create_is_idempotent(keyring: Keyring) -> None:
    kek_id = KekId("personal", "2027-05-14", 1)
    assert keyring.create(kek_id) == kek_id
    cipher = keyring.cipher(kek_id)
    assert keyring.create(kek_id) == kek_id
    keyring.forget()
    assert keyring.cipher(kek_id) is not cipher  # rebuilt from the same file
    assert keyring.key_ids() == [kek_id]


def test_the_cipher_of_a_kek_is_built_once(keyring: Keyring) -> None:
    kek_id = keyring.current("personal", OPEN_SCOPE)
    assert keyring.cipher(kek_id) is keyring.cipher(kek_id)


@pytest.mark.parametrize(("compartment", "scope"), [("other", "open"), ("personal", "soon")])
def test_unknown_compartments_and_scopes_are_refused(
    keyring: Keyring, compartment: str, scope: str
) -> None:
    with pytest.raises(MalformedError):
        keyring.current(compartment, scope)


def test_a_keyring_without_providers_says_so() -> None:
    with pytest.raises(ReadOnlyKeysError, match="no key provider"):
        Keyring([]).current("personal", OPEN_SCOPE)
