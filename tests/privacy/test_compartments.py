"""The sealed compartment has KEKs of its own: personal keys never open it, nor the reverse."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from haven.privacy import (
    OPEN_SCOPE,
    CompartmentError,
    KekId,
    KeyDirectory,
    Keyring,
    TamperedError,
    UnknownKeyError,
    new_record_key,
    open_record_key,
    rewrap,
    wrapped_kek_id,
)
from tests.privacy.helpers import REPORT, sealed_report


def only(compartment: str, key_dir: Path, elsewhere: Path) -> Keyring:
    """A keyring holding one compartment's keys: a copy of the key directory without the other."""
    shutil.copytree(key_dir, elsewhere)
    for other in {"personal", "sealed"} - {compartment}:
        shutil.rmtree(elsewhere / other)
    return Keyring([KeyDirectory(elsewhere)])


def test_each_compartment_has_its_own_keys(keyring: Keyring) -> None:
    personal = keyring.current("personal", OPEN_SCOPE)
    sealed = keyring.current("sealed", OPEN_SCOPE)
    assert (personal, sealed) == (
        KekId("personal", OPEN_SCOPE, 1),
        KekId("sealed", OPEN_SCOPE, 1),
    )
    assert keyring.cipher(personal) is not keyring.cipher(sealed)


def test_personal_keys_do_not_open_the_sealed_compartment(
    keyring: Keyring, key_dir: Path, tmp_path: Path
) -> None:
    personal_row = sealed_report(keyring, REPORT, "personal")
    note = new_record_key(keyring, REPORT, keyring.current("sealed", OPEN_SCOPE))
    stored = note.seal("status_note", "overstayed a spousal visa")
    assert b"spousal" not in stored
    with_personal_keys = only("personal", key_dir, tmp_path / "leaked-personal")
    assert open_record_key(with_personal_keys, REPORT, personal_row[0])
    with pytest.raises(UnknownKeyError, match="sealed/open/v1"):
        open_record_key(with_personal_keys, REPORT, note.wrapped)


def test_sealed_keys_do_not_open_personal_records(
    keyring: Keyring, key_dir: Path, tmp_path: Path
) -> None:
    wrapped, _ = sealed_report(keyring, REPORT, "personal")
    keyring.current("sealed", OPEN_SCOPE)
    with_sealed_keys = only("sealed", key_dir, tmp_path / "leaked-sealed")
    with pytest.raises(UnknownKeyError, match="personal/open/v1"):
        open_record_key(with_sealed_keys, REPORT, wrapped)


def test_a_sealed_key_put_in_place_of_a_personal_one_opens_nothing(
    keyring: Keyring, key_dir: Path
) -> None:
    """Renaming the sealed KEK's file to the personal KEK's name gives the wrong key."""
    wrapped, _ = sealed_report(keyring, REPORT, "personal")
    keyring.current("sealed", OPEN_SCOPE)
    personal_file = key_dir / "personal" / "open" / "v1.key"
    personal_file.unlink()
    (key_dir / "sealed" / "open" / "v1.key").rename(personal_file)
    with pytest.raises(TamperedError):
        open_record_key(Keyring([KeyDirectory(key_dir)]), REPORT, wrapped)


def test_a_data_key_never_moves_between_compartments(keyring: Keyring) -> None:
    wrapped, _ = sealed_report(keyring, REPORT, "sealed")
    personal = keyring.current("personal", OPEN_SCOPE)
    with pytest.raises(CompartmentError, match="sealed compartment"):
        rewrap(keyring, REPORT, wrapped, personal)
    assert wrapped_kek_id(wrapped).compartment == "sealed"
