"""Envelope encryption: bindings, tampering, rotation, compartments and crypto-shredding."""

from __future__ import annotations

import base64
import stat
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.privacy import (
    OPEN_SCOPE,
    Binding,
    EnvironmentKeys,
    KekId,
    KeyDestroyedError,
    KeyDirectory,
    KeyInUseError,
    Keyring,
    MalformedError,
    ReadOnlyKeysError,
    TamperedError,
    UnknownKeyError,
    new_record_key,
    open_record_key,
    rewrap,
    wrapped_kek_id,
)

REPORT = Binding("reporting_report", "0b7e1c4e-0000-4000-8000-000000000001")
OTHER_ROW = Binding("reporting_report", "0b7e1c4e-0000-4000-8000-000000000002")
SHRED_DAY = date(2027, 5, 14)


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def keyring(key_dir: Path) -> Keyring:
    return Keyring([KeyDirectory(key_dir)])


def sealed_report(keyring: Keyring, binding: Binding = REPORT) -> tuple[bytes, bytes]:
    record = new_record_key(keyring, binding, keyring.current("personal", OPEN_SCOPE))
    return record.wrapped, record.seal("account", "He said he would call the Home Office.")


def test_a_sealed_field_opens_with_its_record_key(keyring: Keyring) -> None:
    wrapped, account = sealed_report(keyring)
    record = open_record_key(keyring, REPORT, wrapped)
    assert record.unseal_text("account", account) == "He said he would call the Home Office."
    assert b"Home Office" not in account and b"Home Office" not in wrapped


@given(text=st.text(max_size=2000))
@settings(max_examples=50, deadline=None)
def test_property_any_text_round_trips(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    keyring = Keyring([KeyDirectory(tmp_path_factory.mktemp("keys"))])
    record = new_record_key(keyring, REPORT, keyring.current("personal", OPEN_SCOPE))
    assert record.unseal_text("note", record.seal("note", text)) == text


def test_a_ciphertext_moved_to_another_field_or_row_does_not_open(keyring: Keyring) -> None:
    wrapped, account = sealed_report(keyring)
    record = open_record_key(keyring, REPORT, wrapped)
    with pytest.raises(TamperedError, match="copied from another field or row"):
        record.unseal("name", account)
    # The same data key under another row's binding still refuses the field.
    moved = open_record_key(keyring, REPORT, wrapped)
    other = type(moved)(OTHER_ROW, moved.data_key, moved.wrapped)
    with pytest.raises(TamperedError):
        other.unseal("account", account)


def test_a_wrapped_key_moved_to_another_row_does_not_open(keyring: Keyring) -> None:
    wrapped, _ = sealed_report(keyring)
    with pytest.raises(TamperedError, match="moved from another row"):
        open_record_key(keyring, OTHER_ROW, wrapped)
    with pytest.raises(TamperedError):
        open_record_key(keyring, Binding("reporting_person", REPORT.row), wrapped)


def test_swapping_ciphertexts_between_two_rows_fails(keyring: Keyring) -> None:
    wrapped_a, account_a = sealed_report(keyring, REPORT)
    wrapped_b, account_b = sealed_report(keyring, OTHER_ROW)
    with pytest.raises(TamperedError):
        open_record_key(keyring, REPORT, wrapped_a).unseal("account", account_b)
    with pytest.raises(TamperedError):
        open_record_key(keyring, REPORT, wrapped_b)


def test_changing_any_byte_is_detected(keyring: Keyring) -> None:
    wrapped, account = sealed_report(keyring)
    record = open_record_key(keyring, REPORT, wrapped)
    for index in range(len(account)):
        changed = bytearray(account)
        changed[index] ^= 0x01
        with pytest.raises((TamperedError, MalformedError)):
            record.unseal("account", bytes(changed))
    for index in range(len(wrapped)):
        changed = bytearray(wrapped)
        changed[index] ^= 0x01
        with pytest.raises((TamperedError, MalformedError, UnknownKeyError)):
            open_record_key(keyring, REPORT, bytes(changed))


@pytest.mark.parametrize("garbage", [b"", b"HF1", b"xyz" * 20, b"HK1\xff"])
def test_malformed_bytes_are_a_clear_error(keyring: Keyring, garbage: bytes) -> None:
    wrapped, _ = sealed_report(keyring)
    with pytest.raises(MalformedError):
        open_record_key(keyring, REPORT, wrapped).unseal("account", garbage)
    with pytest.raises(MalformedError):
        open_record_key(keyring, REPORT, garbage)


def test_the_sealed_compartment_has_keys_of_its_own(keyring: Keyring, key_dir: Path) -> None:
    personal = keyring.current("personal", OPEN_SCOPE)
    sealed = keyring.current("sealed", OPEN_SCOPE)
    assert personal != sealed
    note = new_record_key(keyring, REPORT, sealed)
    stored = note.seal("status_note", "overstayed a spousal visa")
    # Someone holding only the personal keys cannot open the sealed compartment.
    (key_dir / "sealed").rename(key_dir.parent / "elsewhere")
    only_personal = Keyring([KeyDirectory(key_dir)])
    with pytest.raises(UnknownKeyError):
        open_record_key(only_personal, REPORT, note.wrapped)
    assert wrapped_kek_id(note.wrapped) == sealed
    assert b"spousal" not in stored


def test_rotation_rewraps_without_touching_fields_and_the_old_key_goes_unused(
    keyring: Keyring,
) -> None:
    records = [sealed_report(keyring, Binding("t", f"row-{i}")) for i in range(20)]
    old = keyring.current("personal", OPEN_SCOPE)
    new = keyring.add_version("personal", OPEN_SCOPE)
    assert new == KekId("personal", OPEN_SCOPE, 2) == keyring.current("personal", OPEN_SCOPE)
    rotated = [
        (rewrap(keyring, Binding("t", f"row-{i}"), wrapped, new), account)
        for i, (wrapped, account) in enumerate(records)
    ]
    keyring.retire(old, on=date(2026, 11, 28))  # proves nothing still needs it
    for i, (wrapped, account) in enumerate(rotated):
        assert wrapped_kek_id(wrapped) == new
        record = open_record_key(keyring, Binding("t", f"row-{i}"), wrapped)
        assert record.unseal_text("account", account).startswith("He said")
    with pytest.raises(KeyDestroyedError):
        open_record_key(keyring, Binding("t", "row-0"), records[0][0])


def test_crypto_shredding_makes_a_backed_up_record_unreadable(keyring: Keyring) -> None:
    wrapped, account = sealed_report(keyring)
    # The case concludes: the record moves under its shred date's key.
    shred_key = keyring.current("personal", SHRED_DAY.isoformat())
    wrapped = rewrap(keyring, REPORT, wrapped, shred_key)
    backup = (wrapped, account)  # a copy of the row, as in a database backup
    keyring.destroy(shred_key, on=SHRED_DAY)
    fresh = Keyring(keyring.providers)  # a new process: nothing cached
    for ring in (keyring, fresh):
        with pytest.raises(KeyDestroyedError) as raised:
            open_record_key(ring, REPORT, backup[0])
        assert raised.value.destroyed_on == "2027-05-14"


def test_open_and_current_keys_are_never_destroyed(keyring: Keyring) -> None:
    with pytest.raises(KeyInUseError):
        keyring.destroy(keyring.current("personal", OPEN_SCOPE), on=SHRED_DAY)
    with pytest.raises(KeyInUseError):
        keyring.retire(keyring.current("sealed", OPEN_SCOPE), on=SHRED_DAY)


def test_key_files_are_0600_in_0700_directories(keyring: Keyring, key_dir: Path) -> None:
    keyring.current("personal", OPEN_SCOPE)
    [key_file] = key_dir.rglob("*.key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    for directory in (key_dir, key_file.parent, key_file.parent.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_a_key_file_others_can_read_is_refused(keyring: Keyring, key_dir: Path) -> None:
    kek = keyring.current("personal", OPEN_SCOPE)
    [key_file] = key_dir.rglob("*.key")
    key_file.chmod(0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        Keyring([KeyDirectory(key_dir)]).cipher(kek)


def test_environment_keys_are_read_only(tmp_path: Path) -> None:
    key = base64.b64encode(bytes(range(32))).decode()
    environment = EnvironmentKeys({"HAVEN_KEK_PERSONAL_OPEN_V1": key, "PATH": "/bin"})
    keyring = Keyring([environment])
    kek = keyring.current("personal", OPEN_SCOPE)
    assert kek == KekId("personal", OPEN_SCOPE, 1)
    record = new_record_key(keyring, REPORT, kek)
    assert record.unseal_text("a", record.seal("a", "x")) == "x"
    with pytest.raises(ReadOnlyKeysError, match="HAVEN_KEY_DIR"):
        keyring.current("personal", SHRED_DAY.isoformat())
    with pytest.raises(ReadOnlyKeysError, match="cannot destroy"):
        environment.destroy(kek, on=SHRED_DAY)
    # With a directory after it, date keys are created there.
    both = Keyring([environment, KeyDirectory(tmp_path / "keys")])
    assert both.current("personal", SHRED_DAY.isoformat()).scope == "2027-05-14"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"HAVEN_KEK_PERSONAL_OPEN_V1": "not base64!"}, "not valid base64"),
        ({"HAVEN_KEK_PERSONAL_OPEN_V1": base64.b64encode(b"short").decode()}, "32 bytes"),
        ({"HAVEN_KEK_SECRET_OPEN_V1": base64.b64encode(bytes(32)).decode()}, "not a key id"),
    ],
)
def test_bad_environment_keys_say_what_is_wrong(variables: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EnvironmentKeys(variables)


@pytest.mark.parametrize("text", ["personal/open", "other/open/v1", "sealed/2027-02-30/v1", "x"])
def test_key_ids_are_checked(text: str) -> None:
    with pytest.raises(ValueError):
        KekId.parse(text)
