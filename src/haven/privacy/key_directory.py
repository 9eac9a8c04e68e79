"""KEKs as files in a directory of their own (`HAVEN_KEY_DIR`).

Layout: `<root>/<compartment>/<scope>/v<N>.key`, each file the 32 raw key bytes, mode
0600, in directories of mode 0700. In production the root lies outside the data
directory that holds the database, so one backup never holds both the rows and the
keys that open them.

A key is created race-free: it is written and fsynced under a temporary name, then
linked into place (`haven.keyfiles.write_secret_file`), so readers never see half a key
and two processes creating the same id both end up using the first.

A key is destroyed by first writing its tombstone, `v<N>.destroyed` (the date and the
reason, nothing secret), then overwriting the key file with random bytes, fsyncing it,
unlinking it and fsyncing the directory. The tombstone comes first so that a crash
half-way leaves a key Haven already treats as destroyed, and the next run finishes
the job; it stays so that reading a shredded record says when it went, and so that
the id is never used again.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from haven.keyfiles import (
    SECRET_DIRECTORY_MODE,
    fsync_directory,
    make_private_directory,
    write_secret_file,
)
from haven.privacy.errors import (
    RETENTION,
    ROTATION,
    KeyDestroyedError,
    KeyStoreError,
    MalformedError,
)
from haven.privacy.names import COMPARTMENTS, KekId
from haven.privacy.providers import KEK_BYTES

_KEY_FILE = re.compile(r"v([1-9][0-9]{0,5})\.key")
_KEY_SUFFIX = ".key"
_TOMBSTONE_SUFFIX = ".destroyed"


class KeyDirectory:
    """A `KeyProvider` keeping one 0600 file per KEK (see the module docstring)."""

    writable = True

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.description = f"key directory {self.root}"

    def key_ids(self, compartment: str | None = None, scope: str | None = None) -> list[KekId]:
        found: list[KekId] = []
        for name in (compartment,) if compartment else COMPARTMENTS:
            scopes = (scope,) if scope else _listdir(self.root / name)
            for scope_name in scopes:
                files = set(_listdir(self.root / name / scope_name))
                for file in files:
                    match = _KEY_FILE.fullmatch(file)
                    if match is None or f"v{match[1]}{_TOMBSTONE_SUFFIX}" in files:
                        continue  # not a key, or a destruction a crash left unfinished
                    try:
                        found.append(KekId(name, scope_name, int(match[1])))
                    except MalformedError:
                        continue  # not ours: ignored rather than guessed at
        return sorted(found)

    def load(self, kek_id: KekId) -> bytes | None:
        self._raise_if_destroyed(kek_id)
        path = self._path(kek_id, _KEY_SUFFIX)
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise KeyStoreError(f"{path} cannot be read: {error.strerror}") from None
        with os.fdopen(descriptor, "rb") as file:
            # The mode of the file actually opened, not of whatever the path names later.
            mode = stat.S_IMODE(os.fstat(file.fileno()).st_mode)
            if mode & 0o077:
                raise KeyStoreError(
                    f"{path} can be read or written by others (mode {mode:o}); run chmod 600 {path}"
                )
            key = file.read(KEK_BYTES + 1)
        if len(key) != KEK_BYTES:
            raise KeyStoreError(f"{path} does not hold a {KEK_BYTES}-byte key")
        return key

    def create(self, kek_id: KekId) -> bytes:
        self._raise_if_destroyed(kek_id)
        self._make_private(kek_id)
        write_secret_file(self._path(kek_id, _KEY_SUFFIX), os.urandom(KEK_BYTES))
        # Another process may have won the race: everyone uses what is on disk.
        stored = self.load(kek_id)
        if stored is None:
            raise KeyStoreError(f"{kek_id} was written to {self.root} but cannot be found there")
        return stored

    def destroy(self, kek_id: KekId, *, on: date, reason: str = RETENTION) -> None:
        if reason not in (RETENTION, ROTATION):
            raise ValueError(f"reason must be {RETENTION!r} or {ROTATION!r}, not {reason!r}")
        self._make_private(kek_id)
        # An earlier tombstone (a run that crashed after writing it) is kept as it is.
        write_secret_file(self._path(kek_id, _TOMBSTONE_SUFFIX), f"{on} {reason}\n".encode())
        path = self._path(kek_id, _KEY_SUFFIX)
        try:
            descriptor = os.open(path, os.O_WRONLY)
        except FileNotFoundError:
            return
        with os.fdopen(descriptor, "wb") as file:
            # Overwrite in place before unlinking, so the bytes do not simply linger in
            # free blocks. Journals, snapshots and SSD wear levelling may still keep
            # copies: docs/privacy.md says what the operator must do about those.
            file.write(os.urandom(max(KEK_BYTES, os.fstat(file.fileno()).st_size)))
            file.flush()
            os.fsync(file.fileno())
        path.unlink()
        fsync_directory(path.parent)

    def _path(self, kek_id: KekId, suffix: str) -> Path:
        return self.root / kek_id.compartment / kek_id.scope / f"v{kek_id.version}{suffix}"

    def _raise_if_destroyed(self, kek_id: KekId) -> None:
        try:
            words = self._path(kek_id, _TOMBSTONE_SUFFIX).read_text(encoding="ascii").split()
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError):
            words = []
        if not words:
            raise KeyStoreError(f"the tombstone of {kek_id} in {self.root} is unreadable")
        # Tombstones written before reasons were recorded hold only the date.
        raise KeyDestroyedError(str(kek_id), words[0], words[1] if len(words) > 1 else RETENTION)

    def _make_private(self, kek_id: KekId) -> None:
        """The root and the key's directories exist with mode 0700 (narrowed if wider)."""
        for directory in (
            self.root,
            self.root / kek_id.compartment,
            self.root / kek_id.compartment / kek_id.scope,
        ):
            try:
                make_private_directory(directory)
                if stat.S_IMODE(directory.stat().st_mode) != SECRET_DIRECTORY_MODE:
                    directory.chmod(SECRET_DIRECTORY_MODE)
            except OSError as error:
                raise KeyStoreError(
                    f"{directory} cannot be made private to this user (mode 700): {error.strerror}"
                ) from None


def _listdir(directory: Path) -> Iterable[str]:
    try:
        return sorted(name for name in os.listdir(directory) if not name.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        return ()
