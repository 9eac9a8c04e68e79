"""Haven's privacy library: envelope encryption, compartments, rotation and shredding.

A pure library (no Django). See docs/privacy.md.

    keyring = Keyring([EnvironmentKeys(os.environ), KeyDirectory(key_dir)])
    kek = keyring.current("personal", OPEN_SCOPE)
    record = new_record_key(keyring, Binding("report", row_id), kek)
    stored = record.seal("account", "what happened")    # bytes for a binary column
    # later, from the row's stored wrapped key:
    record = open_record_key(keyring, Binding("report", row_id), record.wrapped)
    text = record.unseal_text("account", stored)

| module | one idea |
|---|---|
| `names.py` | KEK ids: `compartment/scope/version` |
| `envelope.py` | data keys, bindings, sealing fields, wrapping and re-wrapping data keys |
| `keyring.py` | which KEK is current; creating, destroying and retiring KEKs |
| `providers.py` | the interface a place that keeps KEKs implements |
| `key_directory.py`, `environment_keys.py` | the two providers that ship |
| `errors.py` | every failure, as a `PrivacyError` |
"""

from haven.privacy.envelope import (
    Binding,
    RecordKey,
    new_record_key,
    open_record_key,
    rewrap,
    rewrap_many,
    wrapped_kek_id,
    wrapped_prefix,
)
from haven.privacy.environment_keys import EnvironmentKeys, environment_variable
from haven.privacy.errors import (
    RETENTION,
    ROTATION,
    CompartmentError,
    KeyDestroyedError,
    KeyInUseError,
    KeyStoreError,
    MalformedError,
    PrivacyError,
    ReadOnlyKeysError,
    TamperedError,
    UnknownKeyError,
)
from haven.privacy.key_directory import KeyDirectory
from haven.privacy.keyring import Keyring
from haven.privacy.names import COMPARTMENTS, OPEN_SCOPE, KekId, scope_for
from haven.privacy.providers import KEK_BYTES, KeyProvider

__all__ = [
    "COMPARTMENTS",
    "KEK_BYTES",
    "OPEN_SCOPE",
    "RETENTION",
    "ROTATION",
    "Binding",
    "CompartmentError",
    "EnvironmentKeys",
    "KekId",
    "KeyDestroyedError",
    "KeyDirectory",
    "KeyInUseError",
    "KeyProvider",
    "KeyStoreError",
    "Keyring",
    "MalformedError",
    "PrivacyError",
    "ReadOnlyKeysError",
    "RecordKey",
    "TamperedError",
    "UnknownKeyError",
    "environment_variable",
    "new_record_key",
    "open_record_key",
    "rewrap",
    "rewrap_many",
    "scope_for",
    "wrapped_kek_id",
    "wrapped_prefix",
]
