"""File modes for Haven's data: the data directory is 0700 and SQLite's files are 0600.

The data directory holds the SQLite database, generated keys and caches, so nobody but
Haven's own user may list or read it. `private_directory` runs when settings load;
`restrict_sqlite_files` runs on every new database connection (`connection_created`,
connected in `haven.web.accounts.apps`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from haven.web.settings.environment import ConfigurationError

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def private_directory(path: Path, *, variable: str = "HAVEN_DATA_DIR") -> Path:
    """Create `path` with mode 0700, or set an existing one's mode to 0700."""
    try:
        path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & stat.S_ISVTX:
            raise ConfigurationError(
                f"{variable} ({path}) is a shared directory (sticky bit, like /tmp); "
                "name a directory of Haven's own, such as /var/lib/haven"
            )
        if mode != DIRECTORY_MODE:
            path.chmod(DIRECTORY_MODE)
    except OSError as error:
        raise ConfigurationError(
            f"{variable} ({path}) cannot be made private to this user (mode 0700): {error.strerror}"
        ) from None
    return path


def restrict_sqlite_files(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Mode 0600 for an SQLite database and its -wal, -shm and -journal files.

    SQLite creates the database with the process umask, and its -wal and -shm files
    with the database's mode; once the database is 0600, new ones are 0600 too.
    """
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in SQLITE_SUFFIXES:
        try:
            os.chmod(name + suffix, FILE_MODE)
        except FileNotFoundError:
            continue
