"""Secret files and strict base64: one implementation each, for every part of Haven.

Pure (no Django): the ledger, the privacy library and the site all write keys and read
encoded keys through these helpers.

- `write_secret_file` creates a file that only its owner can read (0600), in a
  directory only its owner can enter (0700), race-free: the content is written and
  fsynced under a temporary name, then linked into place, so a reader never sees a
  half-written key and two processes creating the same key keep the first.
- `b64decode_strict` decodes standard base64 and refuses anything that does not
  re-encode identically (whitespace, missing padding, stray characters), so one key
  has exactly one spelling.
"""

from __future__ import annotations

import base64
import binascii
import os
import tempfile
from pathlib import Path

SECRET_FILE_MODE = 0o600
SECRET_DIRECTORY_MODE = 0o700


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode_strict(text: str, what: str) -> bytes:
    """Decode canonical standard base64.

    Raises:
        ValueError: naming `what`, when the text is not base64 or not canonical.
    """
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as error:
        raise ValueError(f"{what} is not valid base64") from error
    if b64encode(data) != text:
        raise ValueError(f"{what} is not canonical base64")
    return data


def write_secret_file(path: Path, content: bytes, *, replace: bool = False) -> bool:
    """Create `path` (mode 0600, parents 0700) holding `content`.

    Without `replace`, an existing file is kept and False is returned (another process
    got there first); with it, the file is replaced atomically (rename). Returns True
    when this call's content is now at `path`.
    """
    path = Path(path)
    make_private_directory(path.parent)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        os.fchmod(descriptor, SECRET_FILE_MODE)
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
            temporary = ""
        else:
            try:
                os.link(temporary, path)
            except FileExistsError:
                return False
        fsync_directory(path.parent)
        return True
    finally:
        if temporary:
            Path(temporary).unlink(missing_ok=True)


def make_private_directory(directory: Path) -> None:
    """Create `directory` and any missing parents as 0700 (whatever the umask)."""
    missing = []
    for candidate in [Path(directory), *Path(directory).parents]:
        if candidate.exists():
            break
        missing.append(candidate)
    for created in reversed(missing):
        try:
            created.mkdir(mode=SECRET_DIRECTORY_MODE)
        except FileExistsError:
            continue
        os.chmod(created, SECRET_DIRECTORY_MODE)


def fsync_directory(directory: Path) -> None:
    """Make a rename or unlink in `directory` durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
