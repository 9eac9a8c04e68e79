"""Crypto-shredding: once a shred date's KEK is destroyed, no copy of its records opens."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from pathlib import Path

import pytest

from haven.privacy import (
    OPEN_SCOPE,
    RETENTION,
    EnvironmentKeys,
    KekId,
    KeyDestroyedError,
    KeyDirectory,
    KeyInUseError,
    Keyring,
    ReadOnlyKeysError,
    open_record_key,
    rewrap,
    scope_for,
)
from tests.privacy.helpers import ACCOUNT, OTHER_ROW, REPORT, sealed_report

SHRED_DAY = date(2027, 5, 14)


def conclude(keyring: Keyring, wrapped: bytes, shred_date: date = SHRED_DAY) -> bytes:
    """The case concludes: the record moves under its shred date's KEK."""
    return rewrap(keyring, REPORT, wrapped, keyring.current("personal", scope_for(shred_date)))


def test_crypto_shredding_makes_a_backed_up_record_unreadable(
    keyring: Keyring, key_dir: Path
) -> None:
    wrapped, account = sealed_report(keyring)
    wrapped = conclude(keyring, wrapped)
    backup = (bytes(wrapped), bytes(account))  # a copy of the row, as in a database backup
    kek_id = KekId("personal", "2027-05-14", 1)
    key_file = key_dir / "personal" / "2027-05-14" / "v1.key"
    material = key_file.read_bytes()
    assert open_record_key(keyring, REPORT, backup[0]).unseal_text("account", backup[1])

    keyring.destroy(kek_id, on=SHRED_DAY)

    for ring in (keyring, Keyring([KeyDirectory(key_dir)])):  # this process, and a new one
        with pytest.raises(KeyDestroyedError) as raised:
            open_record_key(ring, REPORT, backup[0])
        error = raised.value
        assert (error.kek_id, error.destroyed_on, error.reason) == (
            "personal/2027-05-14/v1",
            "2027-05-14",
            RETENTION,
        )
        assert error.shred_date == SHRED_DAY
        assert "under the retention schedule on 2027-05-14" in str(error)
    # The key is gone from the directory, not just renamed: no file holds its bytes.
    assert not key_file.exists()
    assert all(material not in path.read_bytes() for path in key_dir.rglob("*") if path.is_file())
    assert kek_id not in keyring.key_ids()


def test_shredding_one_date_leaves_everything_else_readable(keyring: Keyring) -> None:
    shredded, _ = sealed_report(keyring, REPORT)
    shredded = conclude(keyring, shredded)
    still_open, account = sealed_report(keyring, OTHER_ROW)
    later = rewrap(keyring, OTHER_ROW, still_open, keyring.current("personal", "2027-05-15"))
    keyring.destroy(KekId("personal", "2027-05-14", 1), on=SHRED_DAY)
    for wrapped in (still_open, later):
        assert open_record_key(keyring, OTHER_ROW, wrapped).unseal_text("account", account)


def test_open_keys_and_dates_still_to_come_are_never_destroyed(keyring: Keyring) -> None:
    with pytest.raises(KeyInUseError, match="open cases"):
        keyring.destroy(keyring.current("personal", OPEN_SCOPE), on=SHRED_DAY)
    day = keyring.current("sealed", SHRED_DAY.isoformat())
    with pytest.raises(KeyInUseError, match="kept until 2027-05-14"):
        keyring.destroy(day, on=SHRED_DAY - timedelta(days=1))
    keyring.destroy(day, on=SHRED_DAY + timedelta(days=3))  # a late run is fine
    keyring.destroy(day, on=SHRED_DAY + timedelta(days=4))  # and running again does nothing
    assert keyring.key_ids() == [KekId("personal", OPEN_SCOPE, 1)]


def test_a_destroyed_id_is_never_reused(keyring: Keyring) -> None:
    """A case concluding after its shred date's keys went gets a new version, which the
    next retention run destroys; the old id keeps saying 'destroyed'."""
    wrapped, account = sealed_report(keyring)
    backup = conclude(keyring, wrapped)
    keyring.destroy(KekId("personal", "2027-05-14", 1), on=SHRED_DAY)
    late, late_account = sealed_report(keyring, OTHER_ROW)
    late = rewrap(keyring, OTHER_ROW, late, keyring.current("personal", "2027-05-14"))
    assert keyring.current("personal", "2027-05-14") == KekId("personal", "2027-05-14", 2)
    with pytest.raises(KeyDestroyedError):
        open_record_key(keyring, REPORT, backup)
    assert open_record_key(keyring, OTHER_ROW, late).unseal_text("account", late_account)


def test_a_key_destroyed_by_another_process_stops_opening_here(key_dir: Path) -> None:
    web = Keyring([KeyDirectory(key_dir)], recheck_after=0)
    wrapped, account = sealed_report(web)
    wrapped = conclude(web, wrapped)
    assert open_record_key(web, REPORT, wrapped).unseal_text("account", account) == ACCOUNT
    Keyring([KeyDirectory(key_dir)]).destroy(KekId("personal", "2027-05-14", 1), on=SHRED_DAY)
    with pytest.raises(KeyDestroyedError):
        open_record_key(web, REPORT, wrapped)


def test_a_cached_key_is_dropped_by_forget(key_dir: Path) -> None:
    web = Keyring([KeyDirectory(key_dir)])  # the default: trusted for a minute
    wrapped = conclude(web, sealed_report(web)[0])
    open_record_key(web, REPORT, wrapped)
    Keyring([KeyDirectory(key_dir)]).destroy(KekId("personal", "2027-05-14", 1), on=SHRED_DAY)
    web.forget()
    with pytest.raises(KeyDestroyedError):
        open_record_key(web, REPORT, wrapped)


def test_a_destruction_interrupted_after_its_tombstone_counts_and_finishes(
    keyring: Keyring, key_dir: Path
) -> None:
    wrapped = conclude(keyring, sealed_report(keyring)[0])
    kek_id = KekId("personal", "2027-05-14", 1)
    scope_dir = key_dir / "personal" / "2027-05-14"
    # As if a run crashed after writing the tombstone, before removing the key.
    (scope_dir / "v1.destroyed").write_text("2027-05-14 retention\n")
    fresh = Keyring([KeyDirectory(key_dir)])
    with pytest.raises(KeyDestroyedError):
        open_record_key(fresh, REPORT, wrapped)
    assert kek_id not in fresh.key_ids()
    KeyDirectory(key_dir).destroy(kek_id, on=SHRED_DAY + timedelta(days=1))
    assert not (scope_dir / "v1.key").exists()
    assert (scope_dir / "v1.destroyed").read_text() == "2027-05-14 retention\n"


def test_a_key_the_environment_also_holds_is_not_destroyed(key_dir: Path) -> None:
    key = base64.b64encode(bytes(range(32))).decode()
    environment = EnvironmentKeys({"HAVEN_KEK_PERSONAL_2027_05_14_V1": key})
    directory = KeyDirectory(key_dir)
    directory.create(KekId("personal", "2027-05-14", 1))
    keyring = Keyring([directory, environment])
    with pytest.raises(ReadOnlyKeysError, match="HAVEN_KEK_PERSONAL_2027_05_14_V1"):
        keyring.destroy(KekId("personal", "2027-05-14", 1), on=SHRED_DAY)
    # Refused before anything was destroyed: the directory's copy is still there.
    assert directory.load(KekId("personal", "2027-05-14", 1)) is not None
