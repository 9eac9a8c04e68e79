"""Keys from the environment: read-only, strictly named and encoded, with clear errors."""

from __future__ import annotations

import base64
from datetime import date
from pathlib import Path

import pytest

from haven.privacy import (
    OPEN_SCOPE,
    EnvironmentKeys,
    KekId,
    KeyDirectory,
    Keyring,
    KeyStoreError,
    ReadOnlyKeysError,
    environment_variable,
    new_record_key,
    open_record_key,
)
from tests.privacy.helpers import REPORT

KEY = base64.b64encode(bytes(range(32))).decode()


def test_environment_keys_seal_and_open() -> None:
    keyring = Keyring([EnvironmentKeys({"HAVEN_KEK_PERSONAL_OPEN_V1": KEY, "PATH": "/bin"})])
    kek = keyring.current("personal", OPEN_SCOPE)
    assert kek == KekId("personal", OPEN_SCOPE, 1)
    record = new_record_key(keyring, REPORT, kek)
    stored = record.seal("account", "x")
    again = Keyring([EnvironmentKeys({"HAVEN_KEK_PERSONAL_OPEN_V1": KEY})])
    assert open_record_key(again, REPORT, record.wrapped).unseal_text("account", stored) == "x"


def test_the_environment_is_read_only_and_says_what_to_do_instead() -> None:
    environment = EnvironmentKeys({"HAVEN_KEK_PERSONAL_OPEN_V1": KEY})
    keyring = Keyring([environment])
    with pytest.raises(ReadOnlyKeysError, match="HAVEN_KEY_DIR") as raised:
        keyring.current("personal", "2027-05-14")
    assert "HAVEN_KEK_PERSONAL_2027_05_14_V1" in str(raised.value)
    with pytest.raises(ReadOnlyKeysError, match="HAVEN_KEK_PERSONAL_OPEN_V2"):
        keyring.add_version("personal", OPEN_SCOPE)
    with pytest.raises(ReadOnlyKeysError, match="cannot destroy it"):
        environment.destroy(KekId("personal", OPEN_SCOPE, 1), on=date(2027, 5, 14))
    assert not environment.writable


def test_a_key_directory_after_the_environment_takes_new_keys(tmp_path: Path) -> None:
    environment = EnvironmentKeys({"HAVEN_KEK_PERSONAL_OPEN_V1": KEY})
    keyring = Keyring([environment, KeyDirectory(tmp_path / "keys")])
    assert keyring.current("personal", OPEN_SCOPE) == KekId("personal", OPEN_SCOPE, 1)
    assert not (tmp_path / "keys" / "personal" / "open").exists()  # the environment's is used
    day = keyring.current("personal", "2027-05-14")
    assert (tmp_path / "keys" / "personal" / "2027-05-14" / "v1.key").exists()
    assert keyring.add_version("personal", OPEN_SCOPE) == KekId("personal", OPEN_SCOPE, 2)
    assert keyring.key_ids("personal") == [
        day,
        KekId("personal", OPEN_SCOPE, 1),
        KekId("personal", OPEN_SCOPE, 2),
    ]


@pytest.mark.parametrize(
    "kek_id",
    ["personal/open/v1", "sealed/2027-05-14/v12"],
)
def test_variable_names_follow_the_kek_id(kek_id: str) -> None:
    name = environment_variable(KekId.parse(kek_id))
    assert name in ("HAVEN_KEK_PERSONAL_OPEN_V1", "HAVEN_KEK_SEALED_2027_05_14_V12")
    assert EnvironmentKeys({name: KEY}).key_ids() == [KekId.parse(kek_id)]


SECRET_LOOKING = base64.b64encode(b"S" * 31).decode()


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"HAVEN_KEK_PERSONAL_OPEN_V1": "not base64!"}, "HAVEN_KEK_PERSONAL_OPEN_V1 is not valid"),
        ({"HAVEN_KEK_PERSONAL_OPEN_V1": SECRET_LOOKING}, "holds 31 bytes"),
        ({"HAVEN_KEK_PERSONAL_OPEN_V1": KEY + "\n" + KEY}, "not valid base64"),
        ({"HAVEN_KEK_PERSONAL_OPEN_V1": ""}, "holds 0 bytes"),
        ({"HAVEN_KEK_SECRET_OPEN_V1": KEY}, "HAVEN_KEK_SECRET_OPEN_V1 is not a key variable"),
        ({"HAVEN_KEK_PERSONAL_OPEN": KEY}, "is not a key variable"),
        ({"HAVEN_KEK_personal_open_v1": KEY}, "is not a key variable"),
        ({"HAVEN_KEK_PERSONAL_OPEN_V01": KEY}, "is not a key variable"),
        ({"HAVEN_KEK_PERSONAL_2027_02_30_V1": KEY}, "not a calendar date"),
    ],
)
def test_bad_environment_keys_say_what_is_wrong(variables: dict[str, str], message: str) -> None:
    with pytest.raises(KeyStoreError, match=message) as raised:
        EnvironmentKeys(variables)
    value = next(iter(variables.values()))
    assert not value or value not in str(raised.value)  # never echoes a secret
