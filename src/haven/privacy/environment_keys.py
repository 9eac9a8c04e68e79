"""Read-only KEKs from the environment: `HAVEN_KEK_<COMPARTMENT>_<SCOPE>_V<N>` = base64.

The variable name is the KEK id in capitals with `/` and `-` turned into `_`:
`personal/open/v1` is `HAVEN_KEK_PERSONAL_OPEN_V1` and `sealed/2027-05-14/v2` is
`HAVEN_KEK_SEALED_2027_05_14_V2`. The value is the 32-byte key in canonical standard
base64 (44 characters, ending in `=`).

Haven only reads these: it cannot create keys for new shred dates, rotate, or destroy
any. They suit the `open` keys of a deployment whose secrets come from its platform; a
key directory after them in the keyring takes the keys Haven creates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from haven.keyfiles import b64decode_strict
from haven.privacy.errors import RETENTION, KeyStoreError, MalformedError, ReadOnlyKeysError
from haven.privacy.names import KekId
from haven.privacy.providers import KEK_BYTES

PREFIX = "HAVEN_KEK_"
_NAME = re.compile(
    r"HAVEN_KEK_(PERSONAL|SEALED)_(OPEN|[0-9]{4}_[0-9]{2}_[0-9]{2})_V([1-9][0-9]{0,5})"
)


def environment_variable(kek_id: KekId) -> str:
    """The variable that holds `kek_id`: `HAVEN_KEK_PERSONAL_OPEN_V1`."""
    return PREFIX + str(kek_id).upper().replace("/", "_").replace("-", "_")


class EnvironmentKeys:
    """A read-only `KeyProvider` over a mapping such as the process environment.

    Every `HAVEN_KEK_*` entry is checked when this is built: a misnamed variable or a
    value that is not a 32-byte key is a `KeyStoreError` naming the variable (never its
    value), so a typo cannot silently leave a key out.
    """

    writable = False
    description = f"the environment ({PREFIX}*)"

    def __init__(self, variables: Mapping[str, str]) -> None:
        self._keys: dict[KekId, bytes] = {}
        for name, value in variables.items():
            if name.startswith(PREFIX):
                self._keys[_kek_id(name)] = _key(name, value)

    def key_ids(self, compartment: str | None = None, scope: str | None = None) -> list[KekId]:
        return sorted(
            kek_id
            for kek_id in self._keys
            if compartment in (None, kek_id.compartment) and scope in (None, kek_id.scope)
        )

    def load(self, kek_id: KekId) -> bytes | None:
        return self._keys.get(kek_id)

    def create(self, kek_id: KekId) -> bytes:
        raise ReadOnlyKeysError(
            f"cannot create {kek_id}: Haven only reads keys from the environment. Put a "
            f"key directory (HAVEN_KEY_DIR) in the keyring for keys Haven creates, or set "
            f"{environment_variable(kek_id)} to 32 random bytes in base64 and restart"
        )

    def destroy(self, kek_id: KekId, *, on: date, reason: str = RETENTION) -> None:
        raise ReadOnlyKeysError(
            f"{kek_id} comes from the environment ({environment_variable(kek_id)}): Haven "
            "cannot destroy it; remove it from the environment, the secret store and every "
            "copy of them"
        )


def _kek_id(name: str) -> KekId:
    match = _NAME.fullmatch(name)
    if match is None:
        raise KeyStoreError(
            f"{name} is not a key variable: expected {PREFIX}<PERSONAL|SEALED>_<OPEN|YYYY_MM_DD>"
            f"_V<N>, e.g. {PREFIX}PERSONAL_OPEN_V1"
        )
    compartment, scope, version = match.groups()
    try:
        return KekId(compartment.lower(), scope.lower().replace("_", "-"), int(version))
    except MalformedError as error:
        raise KeyStoreError(f"{name} does not name a key: {error}") from None


def _key(name: str, value: str) -> bytes:
    try:
        key = b64decode_strict(value.strip(), name)
    except ValueError as error:
        raise KeyStoreError(f"{error}: expected {KEK_BYTES} bytes in standard base64") from None
    if len(key) != KEK_BYTES:
        raise KeyStoreError(
            f"{name} holds {len(key)} bytes; a key is {KEK_BYTES} bytes in standard base64"
        )
    return key
