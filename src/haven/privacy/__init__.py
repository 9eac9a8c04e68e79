"""Haven's privacy library: envelope encryption, compartments, rotation and shredding.

A pure library (no Django). See docs/privacy.md.

    keyring = Keyring([KeyDirectory(key_dir)])
    kek = keyring.current("personal", OPEN_SCOPE)
    record = new_record_key(keyring, Binding("report", row_id), kek)
    stored = record.seal("account", "what happened")    # bytes for a binary column
    # later, from the row's stored wrapped key:
    record = open_record_key(keyring, Binding("report", row_id), record.wrapped)
    text = record.unseal_text("account", stored)
"""

from haven.privacy.envelope import (
    Binding,
    RecordKey,
    new_record_key,
    open_record_key,
    rewrap,
    rewrap_many,
    wrapped_kek_id,
)
from haven.privacy.errors import (
    KeyDestroyedError,
    KeyInUseError,
    MalformedError,
    PrivacyError,
    ReadOnlyKeysError,
    TamperedError,
    UnknownKeyError,
)
from haven.privacy.keys import (
    COMPARTMENTS,
    OPEN_SCOPE,
    EnvironmentKeys,
    KekId,
    KeyDirectory,
    KeyProvider,
    Keyring,
    scope_for,
)

__all__ = [
    "COMPARTMENTS",
    "OPEN_SCOPE",
    "Binding",
    "EnvironmentKeys",
    "KekId",
    "KeyDestroyedError",
    "KeyDirectory",
    "KeyInUseError",
    "KeyProvider",
    "Keyring",
    "MalformedError",
    "PrivacyError",
    "ReadOnlyKeysError",
    "RecordKey",
    "TamperedError",
    "UnknownKeyError",
    "new_record_key",
    "open_record_key",
    "rewrap",
    "rewrap_many",
    "scope_for",
    "wrapped_kek_id",
]
