"""Where key-encryption keys live: the interface every key provider implements.

Two providers ship: `KeyDirectory` (files) and `EnvironmentKeys` (read-only variables).
A KMS or HSM provider implements the same interface; docs/privacy.md says how.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from haven.privacy.errors import RETENTION
from haven.privacy.names import KekId

KEK_BYTES = 32
"""A KEK is an AES-256 key."""


class KeyProvider(Protocol):
    """A store of KEKs. The `Keyring` asks providers in order."""

    writable: bool
    """Whether `create` and `destroy` can succeed (False: they raise `ReadOnlyKeysError`)."""

    description: str
    """Where the keys are, for messages: "key directory /srv/haven-keys"."""

    def key_ids(self, compartment: str | None = None, scope: str | None = None) -> Iterable[KekId]:
        """The KEKs this provider holds, destroyed ones excluded; optionally one scope's."""
        ...

    def load(self, kek_id: KekId) -> bytes | None:
        """The 32-byte KEK, or None when this provider does not hold it.

        Raises:
            KeyDestroyedError: the provider holds the tombstone of a destroyed key.
            KeyStoreError: the key is there but unusable (readable by others, malformed).
        """
        ...

    def create(self, kek_id: KekId) -> bytes:
        """Generate and store a new KEK and return it; if another process created the same
        id first, return that one.

        Raises:
            ReadOnlyKeysError: the provider cannot create keys.
            KeyDestroyedError: the id was destroyed; ids are never reused.
        """
        ...

    def destroy(self, kek_id: KekId, *, on: date, reason: str = RETENTION) -> None:
        """Delete the KEK for good, leaving a tombstone that says when and why.

        Raises:
            ReadOnlyKeysError: the provider cannot destroy keys.
        """
        ...
