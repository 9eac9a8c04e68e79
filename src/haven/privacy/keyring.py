"""The keyring: the KEKs Haven can use, which one is current, rotation and destruction.

Providers are asked in order and the first that holds a key wins; new keys are created
in the first provider that can create them. The current KEK of a (compartment, scope)
is its newest version, found afresh on every call, so a version another process added
is used at once.

Opened KEKs are cached as AES-GCM objects (rewrapping a million data keys builds each
once), and each is checked against its provider again after `recheck_after` seconds,
so a key that another process destroyed stops opening anything here within that time.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from haven.privacy.errors import (
    RETENTION,
    ROTATION,
    KeyDestroyedError,
    KeyInUseError,
    MalformedError,
    ReadOnlyKeysError,
    UnknownKeyError,
)
from haven.privacy.names import COMPARTMENTS, KekId
from haven.privacy.providers import KeyProvider

RECHECK_AFTER = 60.0
"""Seconds a cached KEK is trusted before its provider is asked again."""

_MAX_SKIPPED_VERSIONS = 10_000
"""Destroyed versions `current` will step over before giving up (a broken provider)."""


class Keyring:
    """KEKs from `providers`, in order (see the module docstring)."""

    def __init__(
        self, providers: Iterable[KeyProvider], *, recheck_after: float = RECHECK_AFTER
    ) -> None:
        self.providers = tuple(providers)
        self.recheck_after = recheck_after
        self._ciphers: dict[KekId, tuple[AESGCM, float]] = {}

    def cipher(self, kek_id: KekId) -> AESGCM:
        """The AES-GCM object of a KEK.

        Raises:
            KeyDestroyedError: the key was destroyed.
            UnknownKeyError: no provider holds it.
            KeyStoreError: its provider holds it but cannot use it.
        """
        cached = self._ciphers.get(kek_id)
        if cached is not None and time.monotonic() < cached[1]:
            return cached[0]
        self._ciphers.pop(kek_id, None)
        cipher = AESGCM(self._load(kek_id))
        self._ciphers[kek_id] = (cipher, time.monotonic() + self.recheck_after)
        return cipher

    def forget(self) -> None:
        """Drop every cached KEK: the next use asks the providers again."""
        self._ciphers.clear()

    def key_ids(self, compartment: str | None = None, scope: str | None = None) -> list[KekId]:
        """Every KEK some provider holds (destroyed ones excluded), optionally one scope's."""
        return sorted({k for p in self.providers for k in p.key_ids(compartment, scope)})

    def current(self, compartment: str, scope: str) -> KekId:
        """The KEK new data keys of (compartment, scope) are wrapped under: its newest
        version. A scope with none gets one, skipping destroyed ids, which are never
        reused (a shred date whose keys went already gets a fresh version, which the
        next retention run destroys in turn).

        Raises:
            MalformedError: not a compartment, or a scope that is neither `open` nor a date.
            ReadOnlyKeysError: a key is needed and no provider can create one.
        """
        if compartment not in COMPARTMENTS:
            raise MalformedError(f"compartment must be one of {', '.join(COMPARTMENTS)}")
        newest = self._newest(compartment, scope)
        if newest is not None:
            return newest
        return self._create_from(KekId(compartment, scope, 1))

    def add_version(self, compartment: str, scope: str) -> KekId:
        """A new version of (compartment, scope), current from now on: the first step of
        rotation. The older versions keep opening what they wrap until retired."""
        return self._create_from(self.current(compartment, scope).next_version())

    def create(self, kek_id: KekId) -> KekId:
        """Make sure `kek_id` exists: created in the first provider that can, unless a
        provider holds it already.

        Raises:
            KeyDestroyedError: the id was destroyed (ids are never reused).
            ReadOnlyKeysError: no provider can create keys.
        """
        if any(kek_id in p.key_ids(kek_id.compartment, kek_id.scope) for p in self.providers):
            return kek_id
        for provider in self.providers:
            if provider.writable:
                provider.create(kek_id)
                return kek_id
        if self.providers:
            self.providers[0].create(kek_id)  # a read-only provider says what to do instead
        raise ReadOnlyKeysError(f"no key provider can create {kek_id}")

    def destroy(self, kek_id: KekId, *, on: date) -> None:
        """Crypto-shred: destroy a shred-date KEK, on or after its date, everywhere it is.

        Every record wrapped under it, in the database and in every backup, can no
        longer be opened (`KeyDestroyedError`). Destroying a key already gone does
        nothing.

        Raises:
            KeyInUseError: an `open` key (live cases), or a date still to come (`on` is
                the caller's today, in the force's time zone).
            ReadOnlyKeysError: a read-only provider (the environment) holds it; nothing
                was destroyed.
        """
        shred_date = kek_id.shred_date
        if shred_date is None:
            raise KeyInUseError(
                f"{kek_id} wraps the data of open cases: only shred-date keys are destroyed "
                "(superseded versions are retired after rotation)"
            )
        if shred_date > on:
            raise KeyInUseError(
                f"{kek_id} is not due: its records are kept until {shred_date.isoformat()}"
            )
        self._remove(kek_id, on, RETENTION)

    def retire(self, kek_id: KekId, *, on: date) -> None:
        """Destroy a superseded version once rotation has re-wrapped everything under it.

        Only the caller can know that nothing uses it any more (count the rows whose
        wrapped key names it first); a record that was missed can no longer be opened.

        Raises:
            KeyInUseError: it is the current (newest) version of its scope.
            ReadOnlyKeysError: a read-only provider (the environment) holds it.
        """
        if self._newest(kek_id.compartment, kek_id.scope) == kek_id:
            raise KeyInUseError(
                f"{kek_id} is the current key of {kek_id.compartment}/{kek_id.scope}: add a "
                "version and re-wrap its data keys before retiring it"
            )
        self._remove(kek_id, on, ROTATION)

    def _newest(self, compartment: str, scope: str) -> KekId | None:
        versions = self.key_ids(compartment, scope)
        return versions[-1] if versions else None

    def _create_from(self, kek_id: KekId) -> KekId:
        for _ in range(_MAX_SKIPPED_VERSIONS):
            try:
                return self.create(kek_id)
            except KeyDestroyedError:
                kek_id = kek_id.next_version()
        raise UnknownKeyError(f"no version of {kek_id.compartment}/{kek_id.scope} can be made")

    def _load(self, kek_id: KekId) -> bytes:
        destroyed: KeyDestroyedError | None = None
        for provider in self.providers:
            try:
                key = provider.load(kek_id)
            except KeyDestroyedError as error:
                destroyed = destroyed or error
                continue
            if key is not None:
                return key
        if destroyed is not None:
            raise destroyed
        places = ", ".join(p.description for p in self.providers) or "no key provider"
        raise UnknownKeyError(f"no key {kek_id} in {places}")

    def _remove(self, kek_id: KekId, on: date, reason: str) -> None:
        holders = [
            p for p in self.providers if kek_id in p.key_ids(kek_id.compartment, kek_id.scope)
        ]
        # Refuse before destroying anything: a key half-destroyed is not destroyed.
        for provider in holders:
            if not provider.writable:
                provider.destroy(kek_id, on=on, reason=reason)
                raise ReadOnlyKeysError(f"{provider.description} cannot destroy {kek_id}")
        self._ciphers.pop(kek_id, None)
        for provider in holders:
            provider.destroy(kek_id, on=on, reason=reason)
