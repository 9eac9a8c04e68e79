"""Envelope encryption: round trips, bindings, tampering, wrong keys and malformed bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.privacy import (
    OPEN_SCOPE,
    Binding,
    KekId,
    KeyDirectory,
    Keyring,
    MalformedError,
    PrivacyError,
    TamperedError,
    new_record_key,
    open_record_key,
    wrapped_kek_id,
)
from tests.privacy.helpers import ACCOUNT, OTHER_ROW, REPORT, sealed_report

shared = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
names = st.text(min_size=1, max_size=30).filter(lambda text: "\0" not in text)
bindings = st.builds(Binding, names, names)


def test_a_sealed_field_opens_with_its_record_key(keyring: Keyring) -> None:
    wrapped, account = sealed_report(keyring)
    record = open_record_key(keyring, REPORT, wrapped)
    assert record.unseal_text("account", account) == ACCOUNT
    assert b"Home Office" not in account and b"Home Office" not in wrapped


@shared
@given(plaintext=st.binary(max_size=3000) | st.text(max_size=1000), binding=bindings, field=names)
def test_property_anything_round_trips(
    shared_keyring: Keyring, plaintext: bytes | str, binding: Binding, field: str
) -> None:
    record = new_record_key(shared_keyring, binding, shared_keyring.current("personal", "open"))
    sealed = record.seal(field, plaintext)
    # What the row stores: one wrapped key, and each field 31 bytes longer than its value.
    expected = plaintext.encode() if isinstance(plaintext, str) else plaintext
    assert len(sealed) == len(expected) + 31
    assert len(record.wrapped) == 4 + len(str(wrapped_kek_id(record.wrapped))) + 60
    opened = open_record_key(shared_keyring, binding, record.wrapped)
    assert opened.unseal(field, sealed) == expected


def test_every_field_of_a_record_has_its_own_nonce(keyring: Keyring) -> None:
    record = new_record_key(keyring, REPORT, keyring.current("personal", OPEN_SCOPE))
    first, second = record.seal("account", ACCOUNT), record.seal("account", ACCOUNT)
    assert first[3:15] != second[3:15] and first != second
    other = new_record_key(keyring, REPORT, keyring.current("personal", OPEN_SCOPE))
    assert other.seal("account", ACCOUNT)[15:] != first[15:]  # a fresh data key per record


def test_stored_bytes_may_come_back_as_memoryview(keyring: Keyring) -> None:
    """PostgreSQL drivers can hand a binary column back as a memoryview."""
    wrapped, account = sealed_report(keyring)
    record = open_record_key(keyring, REPORT, memoryview(wrapped))
    assert record.unseal_text("account", memoryview(account)) == ACCOUNT
    assert wrapped_kek_id(memoryview(wrapped)) == KekId("personal", OPEN_SCOPE, 1)


# --- bindings: a ciphertext or wrapped key moved elsewhere does not open --------------------


def test_a_ciphertext_moved_to_another_field_or_row_does_not_open(keyring: Keyring) -> None:
    wrapped, account = sealed_report(keyring)
    record = open_record_key(keyring, REPORT, wrapped)
    with pytest.raises(TamperedError, match="copied from another field or row"):
        record.unseal("name", account)
    # The same data key under another row's or table's binding still refuses the field.
    for binding in (OTHER_ROW, Binding("reporting_person", REPORT.row)):
        elsewhere = type(record)(binding, record.data_key, record.wrapped)
        with pytest.raises(TamperedError):
            elsewhere.unseal("account", account)


def test_a_wrapped_key_moved_to_another_row_or_table_does_not_open(keyring: Keyring) -> None:
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


@shared
@given(sealed_for=st.tuples(names, names, names), opened_as=st.tuples(names, names, names))
def test_property_a_field_opens_only_where_it_was_sealed(
    shared_keyring: Keyring, sealed_for: tuple[str, str, str], opened_as: tuple[str, str, str]
) -> None:
    table, row, field = sealed_for
    kek = shared_keyring.current("personal", OPEN_SCOPE)
    record = new_record_key(shared_keyring, Binding(table, row), kek)
    sealed = record.seal(field, b"secret")
    other_table, other_row, other_field = opened_as
    moved = type(record)(Binding(other_table, other_row), record.data_key, record.wrapped)
    if opened_as == sealed_for:
        assert moved.unseal(other_field, sealed) == b"secret"
    else:
        with pytest.raises(TamperedError):
            moved.unseal(other_field, sealed)
        if (other_table, other_row) != (table, row):
            with pytest.raises(TamperedError):
                open_record_key(shared_keyring, Binding(other_table, other_row), record.wrapped)


# --- tampering and wrong keys ------------------------------------------------------------


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
        with pytest.raises(PrivacyError):  # tampered, malformed, or naming an unknown key
            open_record_key(keyring, REPORT, bytes(changed))


@shared
@given(data=st.data())
def test_property_any_flipped_bits_are_detected(
    shared_keyring: Keyring, data: st.DataObject
) -> None:
    wrapped, account = sealed_report(shared_keyring)
    index = data.draw(st.integers(0, len(account) - 1))
    mask = data.draw(st.integers(1, 255))
    changed = bytearray(account)
    changed[index] ^= mask
    record = open_record_key(shared_keyring, REPORT, wrapped)
    with pytest.raises((TamperedError, MalformedError)):
        record.unseal("account", bytes(changed))
    cut = data.draw(st.integers(0, len(account) - 1))
    with pytest.raises((TamperedError, MalformedError)):
        record.unseal("account", account[:cut])


def test_a_different_key_under_the_same_id_fails(tmp_path: Path) -> None:
    ours = Keyring([KeyDirectory(tmp_path / "ours")])
    theirs = Keyring([KeyDirectory(tmp_path / "theirs")])
    assert ours.current("personal", OPEN_SCOPE) == theirs.current("personal", OPEN_SCOPE)
    wrapped, _ = sealed_report(ours)
    with pytest.raises(TamperedError, match="not the one it was wrapped under"):
        open_record_key(theirs, REPORT, wrapped)


def test_a_wrapped_key_relabelled_with_another_kek_id_fails(
    keyring: Keyring, key_dir: Path
) -> None:
    """The KEK id is bound into the wrap: even a KEK with the same bytes under another id
    (as a careless copy would make) does not open a key wrapped under the first."""
    wrapped, _ = sealed_report(keyring)
    v1 = key_dir / "personal" / "open" / "v1.key"
    descriptor = os.open(v1.with_name("v2.key"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as copy:
        copy.write(v1.read_bytes())
    relabelled = wrapped.replace(b"personal/open/v1", b"personal/open/v2")
    assert wrapped_kek_id(relabelled) == KekId("personal", OPEN_SCOPE, 2)
    with pytest.raises(TamperedError):
        open_record_key(keyring, REPORT, relabelled)


# --- malformed bytes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbage",
    [b"", b"HF1", b"HK1", b"xyz" * 20, b"HK1\xff", b"HK2" + bytes(80), b"HK1\x03abc" + bytes(60)],
)
def test_malformed_bytes_are_a_clear_error(keyring: Keyring, garbage: bytes) -> None:
    wrapped, _ = sealed_report(keyring)
    with pytest.raises(MalformedError):
        open_record_key(keyring, REPORT, wrapped).unseal("account", garbage)
    with pytest.raises(MalformedError):
        open_record_key(keyring, REPORT, garbage)
    with pytest.raises(MalformedError):
        wrapped_kek_id(garbage)


wrapped_like = st.builds(
    lambda name, body: b"HK1" + bytes([len(name)]) + name + body,
    st.sampled_from([b"personal/open/v1", b"sealed/open/v1", b"personal/open/v9", b"\xff"])
    | st.binary(max_size=30),
    st.binary(min_size=58, max_size=62),
)


@shared
@given(garbage=st.binary(max_size=200) | wrapped_like)
def test_property_arbitrary_bytes_raise_only_privacy_errors(
    shared_keyring: Keyring, garbage: bytes
) -> None:
    record = new_record_key(shared_keyring, REPORT, shared_keyring.current("personal", "open"))
    with pytest.raises(PrivacyError):
        open_record_key(shared_keyring, REPORT, garbage)
    with pytest.raises(PrivacyError):
        record.unseal("account", garbage)


def test_sealed_bytes_that_are_not_text_are_malformed_as_text(keyring: Keyring) -> None:
    record = new_record_key(keyring, REPORT, keyring.current("personal", OPEN_SCOPE))
    with pytest.raises(MalformedError, match="not text"):
        record.unseal_text("photo", record.seal("photo", b"\xff\xfe"))


@pytest.mark.parametrize(
    "parts", [("", "row"), ("table", ""), ("ta\0ble", "row"), ("table", "r\0w")]
)
def test_bindings_refuse_empty_or_nul_parts(parts: tuple[str, str]) -> None:
    with pytest.raises(MalformedError):
        Binding(*parts)


def test_field_names_refuse_empty_or_nul(keyring: Keyring) -> None:
    record = new_record_key(keyring, REPORT, keyring.current("personal", OPEN_SCOPE))
    for field in ("", "acc\0ount"):
        with pytest.raises(MalformedError):
            record.seal(field, "x")


def test_a_record_key_shows_no_key_material(keyring: Keyring) -> None:
    record = new_record_key(keyring, REPORT, keyring.current("personal", OPEN_SCOPE))
    assert repr(record) == f"RecordKey(reporting_report {REPORT.row}, personal/open/v1)"
