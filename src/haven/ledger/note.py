"""C2SP signed-note with Ed25519 signatures (signature type 0x01).

A signed note is UTF-8 text ending in a newline, a blank line, then one or more
lines ``— <key name> base64(key ID || signature)``. The key ID is
``SHA-256(key name || 0x0A || 0x01 || public key)[:4]`` and a verifier key is
written ``<name>+<hex key ID>+base64(0x01 || public key)``, as in Go's
``golang.org/x/mod/sumdb/note``. Signer keys serialise the same way as
``PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || seed)`` or as PKCS#8 PEM.

Verification follows the spec: signatures from unknown keys are ignored, a
signature from a known key that fails rejects the whole note, and a note with no
verified signature from a known key is rejected.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from haven.keyfiles import b64decode_strict, b64encode, write_secret_file
from haven.ledger.errors import InvalidNoteError, InvalidSignatureError

ED25519_SIGNATURE_TYPE = b"\x01"
"""C2SP signed-note signature type identifier for Ed25519."""

SIGNATURE_LINE_PREFIX = "\u2014 "
"""Every signature line starts with an em dash (U+2014) and a space."""

SIGNER_KEY_PREFIX = "PRIVATE+KEY+"
"""Prefix of a serialised signer key (the Go ``note`` package's format)."""

KEY_ID_SIZE = 4
ED25519_KEY_SIZE = 32
ED25519_SIGNATURE_SIZE = 64
MAX_SIGNATURES = 100
"""The spec requires accepting at least 16 signatures; more than this is refused."""

PRIVATE_KEY_FILE_MODE = 0o600


_b64encode = b64encode


def _b64decode_strict(text: str, what: str) -> bytes:
    """Decode canonical standard base64 (`haven.keyfiles`), as a note error."""
    try:
        return b64decode_strict(text, what)
    except ValueError as error:
        raise InvalidNoteError(str(error)) from error


def _check_key_name(name: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"key name must be str, got {type(name).__name__}")
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise InvalidNoteError(f"key name {name!r} must be non-empty with no spaces and no '+'")
    if any(ord(ch) < 0x20 for ch in name):
        raise InvalidNoteError("key name must not contain control characters")


def key_id(name: str, public_key: bytes) -> bytes:
    """Return the 4-byte key ID ``SHA-256(name || 0x0A || 0x01 || public_key)[:4]``."""
    _check_key_name(name)
    digest = hashlib.sha256(
        name.encode("utf-8") + b"\n" + ED25519_SIGNATURE_TYPE + public_key
    ).digest()
    return digest[:KEY_ID_SIZE]


@dataclass(frozen=True)
class NoteVerifier:
    """An Ed25519 note verifier: a key name and a public key."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        _check_key_name(self.name)
        if len(self.public_key) != ED25519_KEY_SIZE:
            raise InvalidNoteError(
                f"Ed25519 public key is {len(self.public_key)} bytes, expected 32"
            )

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID."""
        return key_id(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        """The verifier key string ``name+hex(keyid)+base64(0x01 || pubkey)``."""
        return (
            f"{self.name}+{self.key_id.hex()}+"
            f"{_b64encode(ED25519_SIGNATURE_TYPE + self.public_key)}"
        )

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Return whether ``signature`` (without key ID) is this key's over ``text``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)
        except InvalidSignature:
            return False
        return True


def parse_vkey(vkey: str) -> NoteVerifier:
    """Parse ``name+hex(keyid)+base64(0x01 || pubkey)``.

    Raises:
        InvalidNoteError: if malformed, not Ed25519, or the key ID does not match.
    """
    if not isinstance(vkey, str):
        raise TypeError(f"vkey must be str, got {type(vkey).__name__}")
    vkey = vkey.strip()
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise InvalidNoteError("verifier key must have the form name+keyid+base64key")
    name, hex_id, b64 = parts
    _check_key_name(name)
    if len(hex_id) != 2 * KEY_ID_SIZE or hex_id != hex_id.lower():
        raise InvalidNoteError(f"verifier key ID {hex_id!r} must be 8 lowercase hex digits")
    try:
        claimed_id = bytes.fromhex(hex_id)
    except ValueError as exc:
        raise InvalidNoteError(f"verifier key ID {hex_id!r} is not hex") from exc
    raw = _b64decode_strict(b64, "verifier key")
    if len(raw) != 1 + ED25519_KEY_SIZE or raw[:1] != ED25519_SIGNATURE_TYPE:
        raise InvalidNoteError("verifier key is not an Ed25519 (type 0x01) key")
    verifier = NoteVerifier(name=name, public_key=raw[1:])
    if verifier.key_id != claimed_id:
        raise InvalidNoteError(
            f"verifier key ID is {hex_id}, expected {verifier.key_id.hex()} for this key"
        )
    return verifier


class NoteSigner:
    """An Ed25519 note signer: a key name and a private key."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        _check_key_name(name)
        if not isinstance(private_key, Ed25519PrivateKey):
            raise TypeError("private_key must be an Ed25519PrivateKey")
        self.name = name
        self._key = private_key

    @property
    def verifier(self) -> NoteVerifier:
        """The matching verifier."""
        public = self._key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return NoteVerifier(name=self.name, public_key=public)

    def signature_line(self, text: bytes) -> str:
        """Return ``— name base64(keyid || sig)`` for ``text`` (no trailing newline)."""
        sig = self._key.sign(text)
        return f"{SIGNATURE_LINE_PREFIX}{self.name} {_b64encode(self.verifier.key_id + sig)}"

    def to_skey(self) -> str:
        """Serialise as ``PRIVATE+KEY+name+hex(keyid)+base64(0x01 || seed)``. Secret."""
        seed = self._key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return (
            f"{SIGNER_KEY_PREFIX}{self.name}+{self.verifier.key_id.hex()}+"
            f"{_b64encode(ED25519_SIGNATURE_TYPE + seed)}"
        )

    def to_pem(self) -> bytes:
        """Serialise the private key as unencrypted PKCS#8 PEM (the name is not kept). Secret."""
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def __repr__(self) -> str:
        return f"NoteSigner(name={self.name!r}, key_id={self.verifier.key_id.hex()})"


def generate_signer(name: str) -> NoteSigner:
    """Generate a fresh Ed25519 signer called ``name``."""
    return NoteSigner(name, Ed25519PrivateKey.generate())


def parse_skey(skey: str) -> NoteSigner:
    """Parse a ``PRIVATE+KEY+…`` signer key.

    Raises:
        InvalidNoteError: if malformed or the key ID does not match.
    """
    skey = skey.strip()
    if not skey.startswith(SIGNER_KEY_PREFIX):
        raise InvalidNoteError(f"signer key must start with {SIGNER_KEY_PREFIX!r}")
    parts = skey[len(SIGNER_KEY_PREFIX) :].split("+", 2)
    if len(parts) != 3:
        raise InvalidNoteError("signer key must have the form PRIVATE+KEY+name+keyid+base64")
    name, hex_id, b64 = parts
    raw = _b64decode_strict(b64, "signer key")
    if len(raw) != 1 + ED25519_KEY_SIZE or raw[:1] != ED25519_SIGNATURE_TYPE:
        raise InvalidNoteError("signer key is not an Ed25519 (type 0x01) key")
    signer = NoteSigner(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.verifier.key_id.hex() != hex_id:
        raise InvalidNoteError(
            f"signer key ID is {hex_id}, expected {signer.verifier.key_id.hex()} for this key"
        )
    return signer


def signer_from_pem(name: str, pem: bytes) -> NoteSigner:
    """Load a PKCS#8 PEM Ed25519 private key as a signer called ``name``.

    Raises:
        InvalidNoteError: if the PEM is not an unencrypted Ed25519 private key.
    """
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidNoteError("PEM is not an unencrypted private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidNoteError(f"PEM holds a {type(key).__name__}, expected Ed25519")
    return NoteSigner(name, key)


def write_signer(path: str | os.PathLike[str], signer: NoteSigner) -> None:
    """Write ``signer`` as a ``PRIVATE+KEY+…`` line to a new file with mode 0600.

    Raises:
        FileExistsError: if ``path`` exists (keys are never silently replaced).
    """
    if not write_secret_file(Path(path), (signer.to_skey() + "\n").encode("ascii")):
        raise FileExistsError(f"{path} exists already; keys are never silently replaced")


def read_signer(path: str | os.PathLike[str]) -> NoteSigner:
    """Read a signer written by :func:`write_signer`.

    Raises:
        PermissionError: if the file is readable or writable by group or others.
        InvalidNoteError: if the file does not hold a signer key.
    """
    mode = stat.S_IMODE(Path(path).stat().st_mode)
    if mode & 0o077:
        raise PermissionError(
            f"signer key file {os.fspath(path)} has mode {mode:o}, expected 600: "
            f"run chmod 600 on it"
        )
    return parse_skey(Path(path).read_text(encoding="ascii"))


def _check_text(text: str, what: str) -> None:
    if not text.endswith("\n"):
        raise InvalidNoteError(f"{what} must end with a newline")
    for ch in text:
        if ord(ch) < 0x20 and ch != "\n":
            raise InvalidNoteError(
                f"{what} contains control character U+{ord(ch):04X}; only newline is allowed"
            )


def sign_note(text: str, signers: Iterable[NoteSigner]) -> str:
    """Return ``text`` signed by every signer, as a C2SP signed note.

    Raises:
        InvalidNoteError: if ``text`` does not end with a newline or has control
            characters, or no signer is given.
    """
    _check_text(text, "note text")
    body = text.encode("utf-8")
    lines = [signer.signature_line(body) for signer in signers]
    if not lines:
        raise InvalidNoteError("a signed note needs at least one signer")
    return text + "\n" + "".join(line + "\n" for line in lines)


@dataclass(frozen=True)
class OpenedNote:
    """A note whose signature verified: its text and the keys that verified it."""

    text: str
    verified_by: tuple[NoteVerifier, ...]


def open_note(note: str | bytes, verifiers: Sequence[NoteVerifier]) -> OpenedNote:
    """Verify a signed note against known keys and return its text.

    Raises:
        InvalidNoteError: if the note is malformed.
        InvalidSignatureError: if a known key's signature fails, or no known key
            signed the note.
    """
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidNoteError("note is not valid UTF-8") from exc
    _check_text(note, "note")
    split = note.rfind("\n\n")
    if split < 0:
        raise InvalidNoteError("note has no blank line before its signatures")
    text, sig_block = note[: split + 1], note[split + 2 :]
    lines = sig_block.split("\n")[:-1]  # sig_block ends with "\n"
    if not lines:
        raise InvalidNoteError("note has no signature lines")
    if len(lines) > MAX_SIGNATURES:
        raise InvalidNoteError(f"note has {len(lines)} signatures, at most {MAX_SIGNATURES}")
    known = {(v.name, v.key_id): v for v in verifiers}
    body = text.encode("utf-8")
    verified: list[NoteVerifier] = []
    for number, line in enumerate(lines, start=1):
        if not line.startswith(SIGNATURE_LINE_PREFIX):
            raise InvalidNoteError(f"signature line {number} does not start with an em dash")
        fields = line[len(SIGNATURE_LINE_PREFIX) :].split(" ")
        if len(fields) != 2 or not fields[0] or not fields[1]:
            raise InvalidNoteError(f"signature line {number} must be '— name signature'")
        name, b64 = fields
        _check_key_name(name)
        raw = _b64decode_strict(b64, f"signature line {number}")
        if len(raw) <= KEY_ID_SIZE:
            raise InvalidNoteError(f"signature line {number} is too short")
        verifier = known.get((name, raw[:KEY_ID_SIZE]))
        if verifier is None:
            continue  # unknown keys are ignored
        signature = raw[KEY_ID_SIZE:]
        if len(signature) != ED25519_SIGNATURE_SIZE or not verifier.verify(body, signature):
            raise InvalidSignatureError(
                f"signature by known key {verifier.name}+{verifier.key_id.hex()} "
                f"does not verify (line {number})"
            )
        verified.append(verifier)
    if not verified:
        expected = ", ".join(f"{v.name}+{v.key_id.hex()}" for v in verifiers) or "(none)"
        found = ", ".join(line[len(SIGNATURE_LINE_PREFIX) :].split(" ")[0] for line in lines)
        raise InvalidSignatureError(
            f"no signature from a known key: expected one of {expected}, found {found}"
        )
    return OpenedNote(text=text, verified_by=tuple(verified))
