"""Envelope encryption of database records: a fresh data key per record, wrapped by a KEK.

A record (one database row) gets a random 256-bit data key. Each of its secret fields
is encrypted with AES-256-GCM under that key, with a fresh random 96-bit nonce and
associated data naming the (table, row, field), so a ciphertext copied into another
field, row or table fails to open. The data key is itself encrypted (wrapped) with
AES-256-GCM under a key-encryption key (`haven.privacy.keyring`), with associated data
naming the KEK and the (table, row): a wrapped key moved to another row, or relabelled
with another KEK's id, fails to open too.

What a row stores (compact, versioned bytes for a binary column):

    wrapped key   b"HK1" | len(kek id) (1) | kek id (ASCII) | nonce (12) | AES-GCM(data key) (48)
    sealed field  b"HF1" | nonce (12) | AES-GCM(plaintext) (plaintext length + 16)

A wrapped key is 3 + 1 + (≤ 27) + 12 + 48 ≤ 91 bytes; a sealed field adds 31 bytes to
its plaintext. A future format gets a new magic (`HK2`, `HF2`); readers refuse magics
they do not know with `MalformedError`.

Rotation (`rewrap`) and crypto-shredding (re-wrapping under a shred date's KEK, then
destroying that KEK) change only the wrapped key: field ciphertexts stay as they are.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from haven.privacy.errors import CompartmentError, MalformedError, TamperedError
from haven.privacy.keyring import Keyring
from haven.privacy.names import KekId

NONCE_BYTES = 12
DATA_KEY_BYTES = 32
TAG_BYTES = 16
WRAPPED_KEY_MAGIC = b"HK1"
SEALED_FIELD_MAGIC = b"HF1"
_WRAPPED_BODY_BYTES = NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES
_FIELD_HEADER_BYTES = len(SEALED_FIELD_MAGIC) + NONCE_BYTES


@dataclass(frozen=True)
class Binding:
    """Which row a record is: its table and a row id fixed before the row is saved.

    Both are bound into every ciphertext of the row. Neither may be empty or hold NUL,
    which separates the parts of the associated data.
    """

    table: str
    row: str
    _row: bytes = dataclasses.field(init=False, repr=False, compare=False)
    _field_prefix: bytes = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for part in (self.table, self.row):
            if not isinstance(part, str) or not part or "\0" in part:
                raise MalformedError("a binding's table and row must be non-empty, without NUL")
        # Every field of a row is opened with the same prefix: built once, not per field.
        row = self.table.encode() + b"\0" + self.row.encode()
        object.__setattr__(self, "_row", row)
        object.__setattr__(self, "_field_prefix", b"haven-field/1\0" + row + b"\0")

    def key_context(self, kek_id: KekId) -> bytes:
        """The associated data of this row's wrapped data key under `kek_id`."""
        return b"haven-key/1\0" + str(kek_id).encode() + b"\0" + self._row

    def field_context(self, field: str) -> bytes:
        """The associated data of field `field` of this row."""
        if not field or "\0" in field:
            raise MalformedError("a field name must be non-empty, without NUL")
        return self._field_prefix + field.encode()


class RecordKey:
    """A record's open data key, with the wrapped form its row stores.

    A plain slotted class, not a frozen dataclass: one is built for every row read, and
    a frozen dataclass costs twice as much to build.
    """

    __slots__ = ("binding", "data_key", "wrapped")

    def __init__(self, binding: Binding, data_key: AESGCM, wrapped: bytes) -> None:
        self.binding = binding
        self.data_key = data_key
        self.wrapped = wrapped

    def __repr__(self) -> str:
        return f"RecordKey({self.binding.table} {self.binding.row}, {wrapped_kek_id(self.wrapped)})"

    def seal(self, field: str, plaintext: str | bytes) -> bytes:
        """Encrypt one field of this record (text is stored as UTF-8)."""
        data = plaintext.encode("utf-8") if isinstance(plaintext, str) else bytes(plaintext)
        nonce = os.urandom(NONCE_BYTES)
        context = self.binding.field_context(field)
        return SEALED_FIELD_MAGIC + nonce + self.data_key.encrypt(nonce, data, context)

    def unseal(self, field: str, sealed: bytes | bytearray | memoryview) -> bytes:
        """Decrypt one field of this record.

        Raises:
            MalformedError: not a sealed field.
            TamperedError: changed, or sealed for another field, row or table.
        """
        if type(sealed) is not bytes:
            sealed = bytes(sealed)
        if len(sealed) < _FIELD_HEADER_BYTES + TAG_BYTES or sealed[:3] != SEALED_FIELD_MAGIC:
            raise MalformedError(
                f"{field} of {self.binding.table} {self.binding.row}: not a sealed value"
            )
        try:
            return self.data_key.decrypt(
                sealed[3:_FIELD_HEADER_BYTES],
                sealed[_FIELD_HEADER_BYTES:],
                self.binding.field_context(field),
            )
        except InvalidTag:
            raise TamperedError(
                f"{field} of {self.binding.table} {self.binding.row} does not open: changed, "
                "or copied from another field or row"
            ) from None

    def unseal_text(self, field: str, sealed: bytes | bytearray | memoryview) -> str:
        """`unseal`, as text.

        Raises:
            MalformedError: not a sealed field, or not UTF-8 inside.
            TamperedError: as for `unseal`.
        """
        try:
            return self.unseal(field, sealed).decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedError(
                f"{field} of {self.binding.table} {self.binding.row} is not text"
            ) from None


def new_record_key(keyring: Keyring, binding: Binding, kek_id: KekId) -> RecordKey:
    """A fresh random data key for a new record, wrapped under `kek_id`."""
    data_key = AESGCM.generate_key(bit_length=256)
    return RecordKey(
        binding, AESGCM(data_key), _wrap(keyring.cipher(kek_id), binding, kek_id, data_key)
    )


def open_record_key(
    keyring: Keyring, binding: Binding, wrapped: bytes | bytearray | memoryview
) -> RecordKey:
    """The data key of a stored record.

    Raises:
        MalformedError: `wrapped` is not a wrapped key.
        TamperedError: changed, moved from another row, or the KEK is not the one used.
        KeyDestroyedError: the record was crypto-shredded (or its KEK retired).
        UnknownKeyError: no provider holds its KEK.
    """
    wrapped = wrapped if type(wrapped) is bytes else bytes(wrapped)
    return RecordKey(binding, AESGCM(_open(keyring, binding, wrapped)[1]), wrapped)


def wrapped_kek_id(wrapped: bytes | bytearray | memoryview) -> KekId:
    """The KEK a wrapped key names, read without opening it (for indexes and rotation).

    Raises:
        MalformedError: `wrapped` is not a wrapped key.
    """
    return _parse_wrapped(bytes(wrapped))[0]


def wrapped_prefix(kek_id: KekId) -> bytes:
    """The bytes every data key wrapped under `kek_id` starts with.

    Lets a database select the rows a KEK wraps without sending each wrapped key to
    Python (rotation's second pass and its final check).
    """
    name = str(kek_id).encode("ascii")
    return WRAPPED_KEY_MAGIC + bytes([len(name)]) + name


def rewrap(
    keyring: Keyring, binding: Binding, wrapped: bytes | bytearray | memoryview, to: KekId
) -> bytes:
    """The same data key, wrapped under `to` instead; the row's fields stay as they are.

    Used for rotation (`to` a new version of the same scope) and for moving a record
    between scopes (`open` to its shred date when its case concludes, and back).

    Raises:
        CompartmentError: `to` is in the other compartment.
        and whatever `open_record_key` raises.
    """
    return rewrap_many(keyring, [(binding, wrapped)], to)[0]


def rewrap_many(
    keyring: Keyring,
    items: Iterable[tuple[Binding, bytes | bytearray | memoryview]],
    to: KekId,
) -> list[bytes]:
    """`rewrap` for many records, in order: the target KEK is looked up once.

    Raises on the first record that does not open, naming its row; nothing is returned
    for the others, so a caller writing a batch back writes all of it or none.
    """
    target = keyring.cipher(to)
    rewrapped = []
    for binding, wrapped in items:
        old, data_key = _open(keyring, binding, bytes(wrapped))
        if old.compartment != to.compartment:
            raise CompartmentError(
                f"the data key of {binding.table} {binding.row} is in the {old.compartment} "
                f"compartment and cannot move under {to}"
            )
        rewrapped.append(_wrap(target, binding, to, data_key))
    return rewrapped


def _wrap(kek: AESGCM, binding: Binding, kek_id: KekId, data_key: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    body = kek.encrypt(nonce, data_key, binding.key_context(kek_id))
    return wrapped_prefix(kek_id) + nonce + body


def _parse_wrapped(wrapped: bytes) -> tuple[KekId, bytes, bytes]:
    if not wrapped.startswith(WRAPPED_KEY_MAGIC) or len(wrapped) < 4:
        raise MalformedError("not a wrapped data key")
    end = 4 + wrapped[3]
    if len(wrapped) != end + _WRAPPED_BODY_BYTES:
        raise MalformedError("a wrapped data key of the wrong length")
    return (
        _kek_named(wrapped[4:end]),
        wrapped[end : end + NONCE_BYTES],
        wrapped[end + NONCE_BYTES :],
    )


@lru_cache(maxsize=1024)
def _kek_named(name: bytes) -> KekId:
    """The KEK id a wrapped key names (a handful of distinct ids: each parsed once)."""
    try:
        return KekId.parse(name.decode("ascii"))
    except (UnicodeDecodeError, MalformedError):
        raise MalformedError("a wrapped data key naming no valid key") from None


def _open(keyring: Keyring, binding: Binding, wrapped: bytes) -> tuple[KekId, bytes]:
    """The KEK a wrapped key names, and the data key it wraps."""
    kek_id, nonce, body = _parse_wrapped(wrapped)
    kek = keyring.cipher(kek_id)
    try:
        return kek_id, kek.decrypt(nonce, body, binding.key_context(kek_id))
    except InvalidTag:
        raise TamperedError(
            f"the data key of {binding.table} {binding.row} does not open under {kek_id}: "
            "changed, moved from another row, or that key is not the one it was wrapped under"
        ) from None
