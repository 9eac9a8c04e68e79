"""Key-encryption keys (KEKs): their names, where they live, and which one is current.

A KEK id is `compartment/scope/version`:

- compartment: `personal` (accounts, names, contact details, messages) or `sealed`
  (immigration-related information an officer records). Each has its own KEKs, so a
  leak of the personal keys does not open the sealed compartment.
- scope: `open` for records whose case is not concluded, or a shred date
  `YYYY-MM-DD` for records whose retention ends that day. Destroying a date's KEKs
  crypto-shreds every record wrapped under them.
- version: `v1`, `v2`, … ; rotation adds a version and re-wraps every data key
  under it, after which the older versions are unused.

Keys live with a `KeyProvider`. Two ship: `KeyDirectory` (one 0600 file per KEK under
a 0700 directory, which in production lies outside the data directory holding the
database, so one backup never holds both) and `EnvironmentKeys` (read-only, from a
mapping such as the process environment). A KMS or HSM provider implements the same
four methods (docs/privacy.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import total_ordering
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from haven.keyfiles import b64decode_strict, fsync_directory, write_secret_file
from haven.privacy.errors import (
    KeyDestroyedError,
    KeyInUseError,
    ReadOnlyKeysError,
    UnknownKeyError,
)

COMPARTMENTS: tuple[str, ...] = ("personal", "sealed")
OPEN_SCOPE = "open"
KEK_BYTES = 32
_ID_RE = re.compile(r"(personal|sealed)/(open|\d{4}-\d{2}-\d{2})/v([1-9][0-9]{0,5})")


@total_ordering
@dataclass(frozen=True)
class KekId:
    compartment: str
    scope: str
    version: int

    @classmethod
    def parse(cls, text: str) -> KekId:
        match = _ID_RE.fullmatch(text)
        if match is None:
            raise ValueError(
                f"{text!r} is not a key id: expected compartment/scope/version, e.g. "
                "personal/open/v1 or sealed/2027-05-14/v2"
            )
        compartment, scope, version = match.groups()
        if scope != OPEN_SCOPE:
            date.fromisoformat(scope)  # a real calendar date
        return cls(compartment, scope, int(version))

    def __str__(self) -> str:
        return f"{self.compartment}/{self.scope}/v{self.version}"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, KekId):
            return NotImplemented
        return (self.compartment, self.scope, self.version) < (
            other.compartment,
            other.scope,
            other.version,
        )

    @property
    def shred_date(self) -> date | None:
        return None if self.scope == OPEN_SCOPE else date.fromisoformat(self.scope)


def scope_for(shred_date: date | None) -> str:
    """The scope of a record: `open` until its case concludes, then its shred date."""
    return OPEN_SCOPE if shred_date is None else shred_date.isoformat()


class KeyProvider(Protocol):
    """Where KEKs live. Implement these for a KMS or HSM (docs/privacy.md)."""

    def key_ids(self) -> Iterable[KekId]:
        """Every KEK this provider holds (destroyed ones excluded)."""

    def load(self, kek_id: KekId) -> bytes | None:
        """The 32-byte KEK, or None when this provider does not hold it.

        Raises:
            KeyDestroyedError: the provider holds the tombstone of a destroyed key.
        """

    def create(self, kek_id: KekId) -> bytes:
        """Generate, store and return a new KEK (`ReadOnlyKeysError` when it cannot)."""

    def destroy(self, kek_id: KekId, *, on: date) -> None:
        """Delete the KEK for good, leaving a tombstone saying when (`ReadOnlyKeysError`)."""


class KeyDirectory:
    """KEKs as files: `<root>/<compartment>/<scope>/v<N>.key` (0600), directories 0700.

    A destroyed key's file is overwritten, unlinked and replaced by `v<N>.destroyed`,
    which holds only the date, so reading a shredded record says when it went.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, kek_id: KekId, suffix: str) -> Path:
        return self.root / kek_id.compartment / kek_id.scope / f"v{kek_id.version}{suffix}"

    def key_ids(self) -> Iterable[KekId]:
        for path in sorted(self.root.glob("*/*/v*.key")):
            try:
                yield KekId.parse(f"{path.parent.parent.name}/{path.parent.name}/{path.stem}")
            except ValueError:
                continue  # not ours: ignore rather than guess

    def load(self, kek_id: KekId) -> bytes | None:
        path = self._path(kek_id, ".key")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            tombstone = self._path(kek_id, ".destroyed")
            if tombstone.exists():
                raise KeyDestroyedError(str(kek_id), tombstone.read_text().strip()) from None
            return None
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise PermissionError(f"{path} is readable by others (mode {mode:o}); chmod 600 it")
        if len(data) != KEK_BYTES:
            raise UnknownKeyError(f"{path} does not hold a {KEK_BYTES}-byte key")
        return data

    def create(self, kek_id: KekId) -> bytes:
        key = AESGCM.generate_key(bit_length=256)
        write_secret_file(self._path(kek_id, ".key"), key)
        # Another process may have won the race: everyone uses what is on disk.
        stored = self.load(kek_id)
        if stored is None:
            raise UnknownKeyError(f"could not create {kek_id}")
        return stored

    def destroy(self, kek_id: KekId, *, on: date) -> None:
        path = self._path(kek_id, ".key")
        write_secret_file(self._path(kek_id, ".destroyed"), f"{on.isoformat()}\n".encode())
        try:
            with open(path, "r+b") as file:
                file.write(os.urandom(KEK_BYTES))
                file.flush()
                os.fsync(file.fileno())
        except FileNotFoundError:
            return
        path.unlink()
        fsync_directory(path.parent)


class EnvironmentKeys:
    """Read-only KEKs from a mapping: `HAVEN_KEK_<COMPARTMENT>_<SCOPE>_V<N>` = base64.

    The scope's dashes become underscores (`HAVEN_KEK_PERSONAL_OPEN_V1`). It cannot
    create keys for new shred dates or destroy any, so it suits the fixed `open` keys
    of a deployment whose secrets come from its platform; date keys need a directory.
    """

    PREFIX = "HAVEN_KEK_"

    def __init__(self, variables: Mapping[str, str]) -> None:
        self._keys: dict[KekId, bytes] = {}
        for name, value in variables.items():
            if not name.startswith(self.PREFIX):
                continue
            kek_id = self._id(name)
            key = b64decode_strict(value.strip(), name)
            if len(key) != KEK_BYTES:
                raise ValueError(f"{name} must hold {KEK_BYTES} bytes, base64-encoded")
            self._keys[kek_id] = key

    def _id(self, name: str) -> KekId:
        parts = name[len(self.PREFIX) :].lower().split("_")
        if len(parts) < 3:
            raise ValueError(f"{name}: expected {self.PREFIX}<COMPARTMENT>_<SCOPE>_V<N>")
        compartment, version, scope = parts[0], parts[-1], "-".join(parts[1:-1])
        return KekId.parse(f"{compartment}/{scope}/{version}")

    def key_ids(self) -> Iterable[KekId]:
        return sorted(self._keys)

    def load(self, kek_id: KekId) -> bytes | None:
        return self._keys.get(kek_id)

    def create(self, kek_id: KekId) -> bytes:
        raise ReadOnlyKeysError(
            f"cannot create {kek_id} in the environment: configure a key directory "
            "(HAVEN_KEY_DIR) for keys Haven creates"
        )

    def destroy(self, kek_id: KekId, *, on: date) -> None:
        raise ReadOnlyKeysError(
            f"{kek_id} comes from the environment: Haven cannot destroy it; remove it from "
            "the environment and every copy of it"
        )


class Keyring:
    """The KEKs Haven can use: providers in order (the first that holds a key wins);
    keys are created in the first provider that can."""

    def __init__(self, providers: Iterable[KeyProvider]) -> None:
        self.providers = tuple(providers)
        self._ciphers: dict[KekId, AESGCM] = {}

    def cipher(self, kek_id: KekId) -> AESGCM:
        """The AES-GCM object for a KEK (cached: rewrapping a million keys reuses it).

        Raises:
            KeyDestroyedError: the key was destroyed.
            UnknownKeyError: no provider holds it.
        """
        cipher = self._ciphers.get(kek_id)
        if cipher is not None:
            return cipher
        for provider in self.providers:
            key = provider.load(kek_id)
            if key is not None:
                cipher = AESGCM(key)
                self._ciphers[kek_id] = cipher
                return cipher
        raise UnknownKeyError(f"no key {kek_id} in any key provider")

    def key_ids(self) -> list[KekId]:
        return sorted({kek_id for p in self.providers for kek_id in p.key_ids()})

    def current(self, compartment: str, scope: str) -> KekId:
        """The newest version of (compartment, scope), created when there is none."""
        if compartment not in COMPARTMENTS:
            raise ValueError(f"compartment must be one of {', '.join(COMPARTMENTS)}")
        versions = [k for k in self.key_ids() if k.compartment == compartment and k.scope == scope]
        if versions:
            return max(versions)
        return self.create(KekId(compartment, scope, 1))

    def create(self, kek_id: KekId) -> KekId:
        refusal = ReadOnlyKeysError(f"no key provider can create {kek_id}")
        for provider in self.providers:
            try:
                provider.create(kek_id)
            except ReadOnlyKeysError as error:
                refusal = error
                continue
            return kek_id
        raise refusal

    def add_version(self, compartment: str, scope: str) -> KekId:
        """A new, current version of (compartment, scope): the first step of rotation."""
        current = self.current(compartment, scope)
        return self.create(KekId(compartment, scope, current.version + 1))

    def destroy(self, kek_id: KekId, *, on: date) -> None:
        """Crypto-shred: destroy a shred-date KEK in every provider that holds it.

        Raises:
            KeyInUseError: `open` keys hold live data and are never destroyed this way.
        """
        if kek_id.scope == OPEN_SCOPE:
            raise KeyInUseError(f"{kek_id} wraps open cases; only shred-date keys are destroyed")
        self._ciphers.pop(kek_id, None)
        for provider in self.providers:
            try:
                held = provider.load(kek_id)
            except KeyDestroyedError:
                continue
            if held is not None:
                provider.destroy(kek_id, on=on)

    def retire(self, kek_id: KekId, *, on: date) -> None:
        """Destroy a superseded version once rotation re-wrapped everything under it.

        Raises:
            KeyInUseError: it is still the current version of its scope.
        """
        if self.current(kek_id.compartment, kek_id.scope) == kek_id:
            raise KeyInUseError(f"{kek_id} is the current key of its scope")
        self._ciphers.pop(kek_id, None)
        for provider in self.providers:
            if provider.load(kek_id) is not None:
                provider.destroy(kek_id, on=on)
