"""Envelope encryption of database records: a fresh data key per record, wrapped by a KEK.

A record (one database row) gets a random 256-bit data key. Each of its secret fields
is encrypted with AES-256-GCM under that key, with a fresh 96-bit nonce and associated
data naming the (table, row, field), so a ciphertext copied into another field, row or
table fails to open. The data key is itself encrypted (wrapped) with AES-256-GCM under
a key-encryption key (`haven.privacy.keys`), with associated data naming the KEK and
the (table, row): a wrapped key moved to another row fails to open too.

What a row stores (compact, versioned bytes for a binary column):

    wrapped key   b"HK1" | len(kek id) | kek id | nonce (12) | AES-GCM(data key) (48)
    sealed field  b"HF1" | nonce (12) | AES-GCM(plaintext)

Rotation (`rewrap`) and crypto-shredding (moving a record to a shred-date KEK, then
destroying that KEK) change only the wrapped key: field ciphertexts stay as they are.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from haven.privacy.errors import MalformedError, TamperedError
from haven.privacy.keys import KekId, Keyring

NONCE_BYTES = 12
DATA_KEY_BYTES = 32
_WRAPPED_MAGIC = b"HK1"
_FIELD_MAGIC = b"HF1"
_WRAPPED_KEY_BYTES = DATA_KEY_BYTES + 16


@dataclass(frozen=True)
class Binding:
    """Which row a record is: the table and a row id fixed before the row is saved."""

    table: str
    row: str

    def __post_init__(self) -> None:
        for part in (self.table, self.row):
            if not part or "\0" in part:
                raise ValueError("a binding's table and row must be non-empty, without NUL")

    def key_context(self, kek_id: KekId) -> bytes:
        return b"\0".join([b"haven-key/1", str(kek_id).encode(), *self._parts()])

    def field_context(self, field: str) -> bytes:
        if not field or "\0" in field:
            raise ValueError("a field name must be non-empty, without NUL")
        return b"\0".join([b"haven-field/1", *self._parts(), field.encode()])

    def _parts(self) -> list[bytes]:
        return [self.table.encode(), self.row.encode()]


class RecordKey:
    """An open data key and the wrapped form the row stores.

    A plain slotted class, not a frozen dataclass: one is built for every row read, and
    a frozen dataclass costs twice as much to build.
    """

    __slots__ = ("binding", "data_key", "wrapped")

    def __init__(self, binding: Binding, data_key: AESGCM, wrapped: bytes) -> None:
        self.binding = binding
        self.data_key = data_key
        self.wrapped = wrapped

    def seal(self, field: str, plaintext: str | bytes) -> bytes:
        """Encrypt one field of this record."""
        data = plaintext.encode("utf-8") if isinstance(plaintext, str) else bytes(plaintext)
        nonce = os.urandom(NONCE_BYTES)
        context = self.binding.field_context(field)
        return _FIELD_MAGIC + nonce + self.data_key.encrypt(nonce, data, context)

    def unseal(self, field: str, sealed: bytes) -> bytes:
        """Decrypt one field of this record.

        Raises:
            MalformedError: not a sealed field.
            TamperedError: changed, or sealed for another field, row or table.
        """
        sealed = bytes(sealed)
        if not sealed.startswith(_FIELD_MAGIC) or len(sealed) < 3 + NONCE_BYTES + 16:
            raise MalformedError(f"{field}: not a sealed value")
        nonce, body = sealed[3 : 3 + NONCE_BYTES], sealed[3 + NONCE_BYTES :]
        try:
            return self.data_key.decrypt(nonce, body, self.binding.field_context(field))
        except InvalidTag:
            raise TamperedError(
                f"{field} of {self.binding.table} {self.binding.row} does not open: changed, "
                "or copied from another field or row"
            ) from None

    def unseal_text(self, field: str, sealed: bytes) -> str:
        return self.unseal(field, sealed).decode("utf-8")


def new_record_key(keyring: Keyring, binding: Binding, kek_id: KekId) -> RecordKey:
    """A fresh data key for a new record, wrapped under `kek_id`."""
    data_key = AESGCM.generate_key(bit_length=256)
    return RecordKey(binding, AESGCM(data_key), _wrap(keyring, binding, kek_id, data_key))


def open_record_key(keyring: Keyring, binding: Binding, wrapped: bytes) -> RecordKey:
    """The data key of a stored record.

    Raises:
        MalformedError: `wrapped` is not a wrapped key.
        TamperedError: changed, moved from another row, or the KEK is not the one used.
        KeyDestroyedError: the record was crypto-shredded.
        UnknownKeyError: no provider holds its KEK.
    """
    wrapped = wrapped if type(wrapped) is bytes else bytes(wrapped)
    return RecordKey(binding, AESGCM(_unwrap(keyring, binding, wrapped)), wrapped)


def wrapped_kek_id(wrapped: bytes) -> KekId:
    """The KEK a wrapped key names (without opening it)."""
    return _parse_wrapped(bytes(wrapped))[0]


def rewrap(keyring: Keyring, binding: Binding, wrapped: bytes, to: KekId) -> bytes:
    """The same data key, wrapped under `to` instead: fields stay as they are."""
    return _wrap(keyring, binding, to, _unwrap(keyring, binding, bytes(wrapped)))


def rewrap_many(keyring: Keyring, items: Iterable[tuple[Binding, bytes]], to: KekId) -> list[bytes]:
    """`rewrap` for many records (the KEK objects are looked up once)."""
    return [rewrap(keyring, binding, wrapped, to) for binding, wrapped in items]


def _wrap(keyring: Keyring, binding: Binding, kek_id: KekId, data_key: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    body = keyring.cipher(kek_id).encrypt(nonce, data_key, binding.key_context(kek_id))
    name = str(kek_id).encode("ascii")
    return _WRAPPED_MAGIC + bytes([len(name)]) + name + nonce + body


def _parse_wrapped(wrapped: bytes) -> tuple[KekId, bytes, bytes]:
    if not wrapped.startswith(_WRAPPED_MAGIC) or len(wrapped) < 4:
        raise MalformedError("not a wrapped data key")
    length = wrapped[3]
    name, rest = wrapped[4 : 4 + length], wrapped[4 + length :]
    if len(rest) != NONCE_BYTES + _WRAPPED_KEY_BYTES:
        raise MalformedError("a wrapped data key of the wrong length")
    return _kek_named(name), rest[:NONCE_BYTES], rest[NONCE_BYTES:]


@lru_cache(maxsize=1024)
def _kek_named(name: bytes) -> KekId:
    """The KEK id a wrapped key names (a handful of distinct ids: parsed once each)."""
    try:
        return KekId.parse(name.decode("ascii"))
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedError("a wrapped data key naming no valid key") from error


def _unwrap(keyring: Keyring, binding: Binding, wrapped: bytes) -> bytes:
    kek_id, nonce, body = _parse_wrapped(wrapped)
    cipher = keyring.cipher(kek_id)
    try:
        return cipher.decrypt(nonce, body, binding.key_context(kek_id))
    except InvalidTag:
        raise TamperedError(
            f"the data key of {binding.table} {binding.row} does not open under {kek_id}: "
            "changed, or moved from another row"
        ) from None
