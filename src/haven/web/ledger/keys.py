"""The ledger's two keys: the checkpoint signing key and the pseudonym key.

Each comes from the settings of the same name, which `settings/environment.py` reads from
the environment (production keeps them in a secret store); when a setting is empty the
key is generated on first use under `HAVEN_DATA_DIR/ledger/` with mode 0600. First use
is race-free across processes: the key is written to a temporary file and hard-linked
into place, so exactly one generated key wins and everyone reads it.

- `HAVEN_LEDGER_SIGNING_KEY`: a note signer key, `PRIVATE+KEY+<name>+<keyid>+<base64>`.
- `HAVEN_PSEUDONYM_KEY`: at least 32 bytes, hex-encoded.
- `HAVEN_LEDGER_ORIGIN`: the checkpoint origin line and key name (default below).
"""

from __future__ import annotations

import secrets
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings

from haven.keyfiles import write_secret_file
from haven.ledger.errors import LedgerError
from haven.ledger.events import MIN_PSEUDONYM_KEY_BYTES
from haven.ledger.note import NoteSigner, generate_signer, parse_skey

DEFAULT_ORIGIN = "haven.localhost/ledger/v2"


def _setting(name: str) -> str:
    return getattr(settings, name, "") or ""


def ledger_origin() -> str:
    return _setting("HAVEN_LEDGER_ORIGIN") or DEFAULT_ORIGIN


def _key_dir() -> Path:
    return Path(settings.HAVEN_DATA_DIR) / "ledger"


def _create_once(path: Path, content: bytes) -> None:
    """Put `content` at `path` (0600) unless another process got there first."""
    write_secret_file(path, content)


def replace_key_file(path: Path, content: bytes) -> None:
    """Atomically put `content` at `path` (mode 0600), replacing any key there."""
    write_secret_file(path, content, replace=True)


def signing_key_from_environment() -> bool:
    """Whether the signing key is configured (`HAVEN_LEDGER_SIGNING_KEY`), not a key file."""
    return bool(_setting("HAVEN_LEDGER_SIGNING_KEY"))


def signing_key_path() -> Path:
    return _key_dir() / "signing.key"


class LedgerKeyError(ValueError):
    """A ledger key is configured but unusable; the message names where it came from."""


def _signer(text: str, source: str) -> NoteSigner:
    try:
        return parse_skey(text.strip())
    except (LedgerError, ValueError) as error:
        raise LedgerKeyError(
            f"{source} is not a note signer key (PRIVATE+KEY+<name>+<id>+<key>): {error}"
        ) from None


def ledger_signer() -> NoteSigner:
    """The checkpoint signing key.

    A key file is read again when it is replaced (a new inode or modification time), so
    a running server signs and publishes the new key as soon as `haven ledger
    rotate-key` has installed it, without a restart. A key from the environment changes
    only with a restart.

    Raises:
        LedgerKeyError: the configured key, or the key file, does not parse.
    """
    configured = _setting("HAVEN_LEDGER_SIGNING_KEY")
    if configured:
        return configured_signer(configured, "HAVEN_LEDGER_SIGNING_KEY")
    return key_file_signer(signing_key_path(), ledger_origin(), "the signing key file")


@cache
def configured_signer(text: str, setting: str) -> NoteSigner:
    """The signer key given as `text` by the setting named `setting`.

    Raises:
        LedgerKeyError: naming `setting`, when `text` does not parse.
    """
    return _signer(text, setting)


def key_file_signer(path: Path, key_name: str, what: str) -> NoteSigner:
    """The signer key in `path`, created on first use (race-free, 0600) with a fresh key
    named `key_name`; read again whenever the file is replaced. `what` names the file in
    errors ("the signing key file", "the receipt key file").

    Raises:
        LedgerKeyError: the file cannot be read or does not parse.
    """
    if not path.exists():
        _create_once(path, generate_signer(key_name).to_skey().encode("ascii") + b"\n")
    try:
        status = path.stat()
    except OSError as error:
        raise LedgerKeyError(f"cannot read the ledger key file {path}: {error}") from None
    return _file_signer(path, status.st_ino, status.st_mtime_ns, what)


@lru_cache(maxsize=8)
def _file_signer(path: Path, inode: int, modified_ns: int, what: str) -> NoteSigner:
    """The key in `path` as it was at (`inode`, `modified_ns`): the cache's key."""
    return _signer(_read_key_file(path), f"{what} {path}")


def _read_key_file(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise LedgerKeyError(f"cannot read the ledger key file {path}: {error}") from None


@cache
def pseudonym_key() -> bytes:
    """The pseudonym (HMAC) key.

    Raises:
        LedgerKeyError: the configured key, or the key file, is not hex of 32 bytes or more.
    """
    configured = _setting("HAVEN_PSEUDONYM_KEY")
    if configured:
        text, source = configured, "HAVEN_PSEUDONYM_KEY"
    else:
        path = _key_dir() / "pseudonym.key"
        if not path.exists():
            _create_once(path, secrets.token_hex(32).encode("ascii") + b"\n")
        text, source = _read_key_file(path), f"the pseudonym key file {path}"
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise LedgerKeyError(f"{source} must be hex-encoded") from None
    if len(key) < MIN_PSEUDONYM_KEY_BYTES:
        raise LedgerKeyError(
            f"{source} must hold at least {MIN_PSEUDONYM_KEY_BYTES} bytes "
            f"({2 * MIN_PSEUDONYM_KEY_BYTES} hex digits); it holds {len(key)}"
        )
    return key


def forget_cached_keys() -> None:
    """Drop keys cached in this process (after rotation, and between tests)."""
    configured_signer.cache_clear()
    _file_signer.cache_clear()
    pseudonym_key.cache_clear()
