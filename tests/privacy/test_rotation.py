"""Rotation: re-wrapping data keys under a new KEK version, after which the old one is unused."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from haven.privacy import (
    OPEN_SCOPE,
    ROTATION,
    Binding,
    KekId,
    KeyDestroyedError,
    KeyDirectory,
    KeyInUseError,
    Keyring,
    TamperedError,
    open_record_key,
    rewrap,
    rewrap_many,
    wrapped_kek_id,
)
from tests.privacy.helpers import ACCOUNT, sealed_report

TODAY = date(2026, 11, 28)


class Watched(KeyDirectory):
    """A key directory that remembers which KEKs were loaded from it."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.loaded: set[KekId] = set()

    def load(self, kek_id: KekId) -> bytes | None:
        self.loaded.add(kek_id)
        return super().load(kek_id)


def rows(count: int) -> list[Binding]:
    return [Binding("reporting_person", f"row-{i}") for i in range(count)]


def open_all(keyring: Keyring, stored: Iterable[tuple[Binding, bytes, bytes]]) -> list[str]:
    return [
        open_record_key(keyring, binding, wrapped).unseal_text("account", account)
        for binding, wrapped, account in stored
    ]


def test_rotation_rewraps_without_touching_fields_and_the_old_key_goes_unused(
    keyring: Keyring, key_dir: Path
) -> None:
    before = [(b, *sealed_report(keyring, b)) for b in rows(50)]
    old = keyring.current("personal", OPEN_SCOPE)
    new = keyring.add_version("personal", OPEN_SCOPE)
    assert new == KekId("personal", OPEN_SCOPE, 2) == keyring.current("personal", OPEN_SCOPE)
    after = [(b, rewrap(keyring, b, wrapped, new), account) for b, wrapped, account in before]
    # Fields are untouched: only the wrapped key changed.
    assert [account for *_, account in after] == [account for *_, account in before]
    assert {wrapped_kek_id(wrapped) for _, wrapped, _ in after} == {new}
    # A new process opens everything without ever loading the old KEK...
    watched = Watched(key_dir)
    assert open_all(Keyring([watched]), after) == [ACCOUNT] * 50
    assert watched.loaded == {new}
    # ...and with the old KEK destroyed, everything still opens: nothing needed it.
    keyring.retire(old, on=TODAY)
    assert not (key_dir / "personal" / "open" / "v1.key").exists()
    assert open_all(Keyring([KeyDirectory(key_dir)]), after) == [ACCOUNT] * 50


def test_a_record_rotation_missed_is_lost_when_the_old_key_retires(keyring: Keyring) -> None:
    binding = rows(1)[0]
    missed, _ = sealed_report(keyring, binding)
    old = keyring.current("personal", OPEN_SCOPE)
    keyring.add_version("personal", OPEN_SCOPE)
    keyring.retire(old, on=TODAY)
    with pytest.raises(KeyDestroyedError) as raised:
        open_record_key(keyring, binding, missed)
    assert raised.value.reason == ROTATION
    assert raised.value.destroyed_on == "2026-11-28"
    assert "rotation retired it" in str(raised.value)


def test_the_current_version_is_never_retired(keyring: Keyring) -> None:
    current = keyring.current("personal", OPEN_SCOPE)
    with pytest.raises(KeyInUseError, match="current key"):
        keyring.retire(current, on=TODAY)
    newer = keyring.add_version("personal", OPEN_SCOPE)
    with pytest.raises(KeyInUseError):
        keyring.retire(newer, on=TODAY)
    keyring.retire(current, on=TODAY)  # superseded now


def test_rewrap_many_matches_rewrap_and_looks_the_target_up_once(keyring: Keyring) -> None:
    before = [(b, *sealed_report(keyring, b)) for b in rows(20)]
    new = keyring.add_version("personal", OPEN_SCOPE)
    rewrapped = rewrap_many(keyring, [(b, wrapped) for b, wrapped, _ in before], new)
    after = [(b, w, account) for (b, _, account), w in zip(before, rewrapped, strict=True)]
    assert open_all(keyring, after) == [ACCOUNT] * 20
    assert {wrapped_kek_id(w) for w in rewrapped} == {new}


def test_rewrap_many_stops_at_a_tampered_row_and_names_it(keyring: Keyring) -> None:
    before = [(b, sealed_report(keyring, b)[0]) for b in rows(3)]
    before[1] = (before[1][0], before[0][1])  # row-1 holds row-0's wrapped key
    new = keyring.add_version("personal", OPEN_SCOPE)
    with pytest.raises(TamperedError, match="row-1"):
        rewrap_many(keyring, before, new)


def test_shred_date_scopes_rotate_too(keyring: Keyring) -> None:
    binding = rows(1)[0]
    wrapped, account = sealed_report(keyring, binding)
    day = keyring.current("personal", "2027-05-14")
    wrapped = rewrap(keyring, binding, wrapped, day)
    newer = keyring.add_version("personal", "2027-05-14")
    assert newer == KekId("personal", "2027-05-14", 2)
    wrapped = rewrap(keyring, binding, wrapped, newer)
    keyring.retire(day, on=TODAY)
    assert open_all(keyring, [(binding, wrapped, account)]) == [ACCOUNT]
