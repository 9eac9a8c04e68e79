"""Promise receipts (docs/receipts.md): what a reporter was promised, signed, with proof.

A receipt is a small file a reporter may keep. It says which policy the force had in
force when it was issued, and which promises that policy was *proven* to keep (the
promise checker's ``holds``, never ``fails`` or ``not_stated``). It carries the
inclusion proof of the report's ``report_received`` event, with the event and the salt
that open its public commitment, so anyone can check it offline, years later, with two
keys pinned out of band: the receipt key and the log's checkpoint key.

The file is exactly the canonical JSON (`haven.ledger.events.canonical_json`) of::

    {"receipt": {...}, "signature": "— <key name> <base64(key ID || Ed25519 signature)>"}

followed by one newline, and nothing else: a file that is not byte for byte in that
form is refused, so no byte of it can change without the change being noticed.
``signature`` is the signature line of a C2SP signed note (`haven.ledger.note`) whose
text is ``canonical_json(receipt) + "\\n"``, made with the receipt key, which is its own
Ed25519 key and never the checkpoint key. Re-assembled, ``text + "\\n" + signature +
"\\n"`` is a signed note that any signed-note verifier checks against the receipt key's
verifier key (``name+hex(key ID)+base64(0x01 || public key)``).

The receipt object, format 1 (`RECEIPT_FORMAT`), holds exactly::

    v           1
    type        "haven/promise-receipt"
    issued_at   when it was signed, UTC, YYYY-MM-DDTHH:MM:SS.mmmZ
    report      the report's pseudonym, report_<32 hex> (never its reference)
    force       {"code", "name"}
    policy      {"id", "version", "sha256"}: the policy in force; version is the
                first 12 hex digits of sha256, the SHA-256 of the policy's text
    promises    [{"id", "language", "text"}]: every promise proven for that policy,
                by id, each text in the language it is written in
    entry       {"index", "leaf", "event", "salt", "size", "proof", "checkpoint"}:
                the log position of the report_received event, its public leaf and
                full event (both JSON objects, canonical), the salt (base64, 32 bytes)
                that opens the leaf's commitment, the tree size, the RFC 9162 inclusion
                proof (base64 hashes) and the signed checkpoint note of that size

`verify_receipt` checks, in this order, and stops at the first thing wrong (`CHECKS`):
the file's form, the receipt's signature against the pinned receipt key, the
checkpoint's signature against the pinned log key, that the checkpoint covers the
entry, the inclusion proof against the checkpoint's root, that the event and salt open
the leaf's commitment, and that the event is the arrival of the receipt's report.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from haven.keyfiles import b64decode_strict, b64encode
from haven.ledger.checkpoint import Checkpoint, open_checkpoint
from haven.ledger.commitments import SALT_BYTES, open_leaf
from haven.ledger.errors import (
    InvalidCheckpointError,
    InvalidEventError,
    InvalidInclusionProofError,
    InvalidNoteError,
    InvalidSignatureError,
    LedgerError,
)
from haven.ledger.events import canonical_json
from haven.ledger.hashing import HASH_SIZE, hash_leaf
from haven.ledger.note import (
    ED25519_SIGNATURE_SIZE,
    KEY_ID_SIZE,
    SIGNATURE_LINE_PREFIX,
    NoteSigner,
    NoteVerifier,
)
from haven.ledger.proofs import verify_inclusion

RECEIPT_FORMAT = 1
RECEIPT_TYPE = "haven/promise-receipt"
REPORT_RECEIVED = "report_received"
MAX_RECEIPT_BYTES = 64 * 1024
"""The largest receipt file accepted: a real one is a few kilobytes."""
MAX_PROOF_HASHES = 64
MAX_PROMISE_TEXT = 1000
MAX_CHECKPOINT_NOTE = 8192

CHECKS: tuple[tuple[str, str], ...] = (
    ("format", "the file is a promise receipt in format 1, byte for byte"),
    ("signature", "the receipt is signed by the pinned receipt key"),
    ("checkpoint", "the log checkpoint in it is signed by the pinned log key"),
    ("coverage", "that checkpoint covers the report's entry"),
    ("inclusion", "the inclusion proof leads from the entry to the checkpoint's root"),
    ("opening", "the event and salt open the entry's public commitment"),
    ("event", "the event records the arrival of this receipt's report at this force"),
)
"""Every check `verify_receipt` makes, in order: (name, what it establishes)."""
CHECK_NAMES: tuple[str, ...] = tuple(name for name, _ in CHECKS)

_TOP_KEYS = frozenset({"receipt", "signature"})
_RECEIPT_KEYS = frozenset(
    {"v", "type", "issued_at", "report", "force", "policy", "promises", "entry"}
)
_FORCE_KEYS = frozenset({"code", "name"})
_POLICY_KEYS = frozenset({"id", "version", "sha256"})
_PROMISE_KEYS = frozenset({"id", "language", "text"})
_ENTRY_KEYS = frozenset({"index", "leaf", "event", "salt", "size", "proof", "checkpoint"})

_REPORT_RE = re.compile(r"report_[0-9a-f]{32}")
_FORCE_CODE_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_POLICY_ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_HEX12_RE = re.compile(r"[0-9a-f]{12}")
_HEX64_RE = re.compile(r"[0-9a-f]{64}")
_PROMISE_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_LANGUAGE_RE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}")
_ISSUED_AT_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_KEY_NAME_RE = re.compile(r"[^\s+]+")


class ReceiptError(LedgerError):
    """A receipt is malformed or does not verify.

    Attributes:
        check: the name of the check that failed (one of `CHECK_NAMES`).
    """

    def __init__(self, check: str, message: str) -> None:
        if check not in CHECK_NAMES:
            raise ValueError(f"unknown receipt check {check!r}")
        super().__init__(message)
        self.check = check


def _malformed(message: str) -> ReceiptError:
    return ReceiptError("format", f"the file is not a valid promise receipt: {message}")


@dataclass(frozen=True)
class ReceiptPromise:
    """One proven promise: its catalogue id, and its text in the language named."""

    id: str
    language: str
    text: str


@dataclass(frozen=True)
class ReceiptEntry:
    """The report's ``report_received`` entry, its opening and its inclusion proof."""

    index: int
    leaf: bytes
    """The public leaf, canonical JSON."""
    event: bytes
    """The full event, canonical JSON."""
    salt: bytes
    size: int
    proof: tuple[bytes, ...]
    checkpoint: str
    """The signed checkpoint note of the tree of ``size``."""

    def document(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "leaf": json.loads(self.leaf.decode("utf-8")),
            "event": json.loads(self.event.decode("utf-8")),
            "salt": b64encode(self.salt),
            "size": self.size,
            "proof": [b64encode(node) for node in self.proof],
            "checkpoint": self.checkpoint,
        }


@dataclass(frozen=True)
class Receipt:
    """The signed content of a promise receipt (format 1)."""

    issued_at: str
    """UTC, ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (`haven.ledger.events.format_timestamp`)."""
    report: str
    force_code: str
    force_name: str
    policy_id: str
    policy_version: str
    policy_sha256: str
    promises: tuple[ReceiptPromise, ...]
    entry: ReceiptEntry

    def document(self) -> dict[str, Any]:
        """The ``receipt`` object of the file."""
        return {
            "v": RECEIPT_FORMAT,
            "type": RECEIPT_TYPE,
            "issued_at": self.issued_at,
            "report": self.report,
            "force": {"code": self.force_code, "name": self.force_name},
            "policy": {
                "id": self.policy_id,
                "version": self.policy_version,
                "sha256": self.policy_sha256,
            },
            "promises": [
                {"id": promise.id, "language": promise.language, "text": promise.text}
                for promise in self.promises
            ],
            "entry": self.entry.document(),
        }

    @property
    def issued(self) -> datetime:
        return datetime.fromisoformat(self.issued_at)


@dataclass(frozen=True)
class SignedReceipt:
    """A receipt file taken apart: the receipt, its signature line and the signed text."""

    receipt: Receipt
    signature: str
    """The C2SP signature line, ``— <key name> <base64(key ID || signature)>``."""
    text: bytes
    """What the signature covers: ``canonical_json(receipt) + b"\\n"``."""

    @property
    def note(self) -> str:
        """The receipt as a C2SP signed note, for any signed-note verifier."""
        return self.text.decode("utf-8") + "\n" + self.signature + "\n"


@dataclass(frozen=True)
class VerifiedReceipt:
    """A receipt that passed every check, with what the checks established."""

    receipt: Receipt
    signed_by: NoteVerifier
    """The pinned receipt key that signed it."""
    checkpoint: Checkpoint
    event: dict[str, Any]
    """The opened ``report_received`` event."""

    @property
    def received_at(self) -> datetime:
        return datetime.fromisoformat(str(self.event["at"]))


# --- writing --------------------------------------------------------------------------


def sign_receipt(receipt: Receipt, signer: NoteSigner) -> bytes:
    """The receipt file: canonical JSON of the receipt and its signature, and a newline.

    The result is read back with `parse_receipt` and must give the same receipt, so a
    receipt that would not parse (a bad field, a leaf or event that is not canonical, a
    file over `MAX_RECEIPT_BYTES`) is never produced.

    Raises:
        ReceiptError: the receipt is malformed (check ``format``), naming the field.
    """
    try:
        text = canonical_json(receipt.document()) + b"\n"
    except (TypeError, ValueError, UnicodeError) as error:
        raise _malformed(f"the receipt has no canonical form: {error}") from None
    signature = signer.signature_line(text)
    data = canonical_json({"receipt": receipt.document(), "signature": signature}) + b"\n"
    if parse_receipt(data).receipt != receipt:
        raise _malformed("its leaf or event is not canonical JSON, so it would not read back")
    return data


# --- reading --------------------------------------------------------------------------


def parse_receipt(data: bytes) -> SignedReceipt:
    """Take a receipt file apart, refusing anything not exactly in format 1.

    Checks the form only: no signature, proof or opening is checked here.

    Raises:
        ReceiptError: with check ``format``, naming what is wrong.
    """
    if not isinstance(data, bytes | bytearray):
        raise TypeError(f"a receipt is bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_RECEIPT_BYTES:
        raise _malformed(f"it is {len(data)} bytes, more than the {MAX_RECEIPT_BYTES} allowed")
    if not data.endswith(b"\n"):
        raise _malformed("it must end with one newline")
    body = data[:-1]
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise _malformed("it is not UTF-8 JSON") from None
    if not isinstance(document, dict):
        raise _malformed("it must be a JSON object")
    try:
        canonical = canonical_json(document)
    except (TypeError, ValueError, UnicodeError):
        raise _malformed("it holds a value with no canonical JSON form") from None
    if canonical != body:
        raise _malformed(
            "it is not in canonical form (sorted keys, no spaces, UTF-8, one line, then a newline)"
        )
    _keys(document, _TOP_KEYS, "the file")
    signature = _signature_line(document["signature"])
    receipt = _receipt(document["receipt"])
    text = canonical_json(document["receipt"]) + b"\n"
    return SignedReceipt(receipt=receipt, signature=signature, text=text)


def _keys(value: Any, expected: frozenset[str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _malformed(f"{where} must be a JSON object")
    missing = sorted(expected - set(value))
    if missing:
        raise _malformed(f"{where} has no {', '.join(repr(key) for key in missing)}")
    unknown = sorted(set(value) - expected)
    if unknown:
        raise _malformed(f"{where} has unknown {', '.join(repr(key) for key in unknown)}")
    return value


def _string(
    value: Any, where: str, pattern: re.Pattern[str] | None = None, limit: int = 256
) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise _malformed(f"{where} must be a non-empty string of at most {limit} characters")
    if pattern is not None and not pattern.fullmatch(value):
        raise _malformed(f"{where} is not in the expected form")
    return value


def _integer(value: Any, where: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _malformed(f"{where} must be a whole number of at least {minimum}")
    if value >= 2**63:
        raise _malformed(f"{where} is too large")
    return value


def _base64(value: Any, where: str, size: int) -> bytes:
    if not isinstance(value, str):
        raise _malformed(f"{where} must be a base64 string")
    try:
        decoded = b64decode_strict(value, where)
    except ValueError as error:
        raise _malformed(str(error)) from None
    if len(decoded) != size:
        raise _malformed(f"{where} is {len(decoded)} bytes, expected {size}")
    return decoded


def _signature_line(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(SIGNATURE_LINE_PREFIX):
        raise _malformed('"signature" must be a signed-note signature line, "— name signature"')
    fields = value[len(SIGNATURE_LINE_PREFIX) :].split(" ")
    if len(fields) != 2 or not _KEY_NAME_RE.fullmatch(fields[0]) or len(fields[0]) > 256:
        raise _malformed('"signature" must be "— <key name> <base64 signature>"')
    if any(ord(ch) < 0x20 for ch in fields[0]):
        raise _malformed('"signature" names a key with control characters')
    _base64(fields[1], "the signature", KEY_ID_SIZE + ED25519_SIGNATURE_SIZE)
    return value


def _receipt(value: Any) -> Receipt:
    document = _keys(value, _RECEIPT_KEYS, '"receipt"')
    version = document["v"]
    if isinstance(version, bool) or version != RECEIPT_FORMAT:
        raise _malformed(
            f"it is in format {version!r}; this verifier reads format {RECEIPT_FORMAT}"
        )
    if document["type"] != RECEIPT_TYPE:
        raise _malformed(f'"type" must be {RECEIPT_TYPE!r}')
    issued_at = _string(document["issued_at"], '"issued_at"', _ISSUED_AT_RE)
    try:
        datetime.fromisoformat(issued_at)
    except ValueError:
        raise _malformed('"issued_at" is not a real time') from None
    force = _keys(document["force"], _FORCE_KEYS, '"force"')
    policy = _keys(document["policy"], _POLICY_KEYS, '"policy"')
    version_text = _string(policy["version"], '"policy.version"', _HEX12_RE)
    sha256 = _string(policy["sha256"], '"policy.sha256"', _HEX64_RE)
    if not sha256.startswith(version_text):
        raise _malformed('"policy.version" must be the first 12 digits of "policy.sha256"')
    return Receipt(
        issued_at=issued_at,
        report=_string(document["report"], '"report"', _REPORT_RE),
        force_code=_string(force["code"], '"force.code"', _FORCE_CODE_RE),
        force_name=_string(force["name"], '"force.name"'),
        policy_id=_string(policy["id"], '"policy.id"', _POLICY_ID_RE),
        policy_version=version_text,
        policy_sha256=sha256,
        promises=_promises(document["promises"]),
        entry=_entry(document["entry"]),
    )


def _promises(value: Any) -> tuple[ReceiptPromise, ...]:
    if not isinstance(value, list):
        raise _malformed('"promises" must be a list')
    promises = []
    seen: set[str] = set()
    for number, item in enumerate(value):
        where = f'"promises[{number}]"'
        document = _keys(item, _PROMISE_KEYS, where)
        promise = ReceiptPromise(
            id=_string(document["id"], f"{where}.id", _PROMISE_ID_RE),
            language=_string(document["language"], f"{where}.language", _LANGUAGE_RE),
            text=_string(document["text"], f"{where}.text", limit=MAX_PROMISE_TEXT),
        )
        if promise.id in seen:
            raise _malformed(f"promise {promise.id!r} appears twice")
        seen.add(promise.id)
        promises.append(promise)
    return tuple(promises)


def _entry(value: Any) -> ReceiptEntry:
    document = _keys(value, _ENTRY_KEYS, '"entry"')
    index = _integer(document["index"], '"entry.index"', 0)
    size = _integer(document["size"], '"entry.size"', 1)
    leaf, event = document["leaf"], document["event"]
    if not isinstance(leaf, dict) or not isinstance(event, dict):
        raise _malformed('"entry.leaf" and "entry.event" must be JSON objects')
    proof = document["proof"]
    if not isinstance(proof, list) or len(proof) > MAX_PROOF_HASHES:
        raise _malformed(f'"entry.proof" must be a list of at most {MAX_PROOF_HASHES} hashes')
    checkpoint = document["checkpoint"]
    if not isinstance(checkpoint, str) or not 0 < len(checkpoint) <= MAX_CHECKPOINT_NOTE:
        raise _malformed('"entry.checkpoint" must be a signed checkpoint note')
    return ReceiptEntry(
        index=index,
        leaf=canonical_json(leaf),
        event=canonical_json(event),
        salt=_base64(document["salt"], '"entry.salt"', SALT_BYTES),
        size=size,
        proof=tuple(
            _base64(node, f'"entry.proof[{number}]"', HASH_SIZE)
            for number, node in enumerate(proof)
        ),
        checkpoint=checkpoint,
    )


# --- verifying ------------------------------------------------------------------------


def verify_receipt(
    data: bytes,
    *,
    receipt_keys: NoteVerifier | Sequence[NoteVerifier],
    log_keys: NoteVerifier | Sequence[NoteVerifier],
    origin: str | None = None,
) -> VerifiedReceipt:
    """Check a receipt file against pinned keys, offline; return what it establishes.

    Args:
        data: the receipt file, every byte of it.
        receipt_keys: the receipt key(s) you trust, obtained out of band (never from a
            receipt); one of them must have signed it.
        log_keys: the log's checkpoint key(s) you trust, likewise.
        origin: if given, the checkpoint must name this log.

    Raises:
        ValueError: no receipt key or no log key was given.
        ReceiptError: naming the first check that failed (`CHECKS` order) and why.
    """
    receipt_verifiers = _verifiers(receipt_keys, "receipt key")
    log_verifiers = _verifiers(log_keys, "log key")
    signed = parse_receipt(data)
    signer = _check_signature(signed, receipt_verifiers)
    receipt = signed.receipt
    entry = receipt.entry
    try:
        checkpoint = open_checkpoint(entry.checkpoint, log_verifiers, origin=origin)
    except (InvalidNoteError, InvalidSignatureError, InvalidCheckpointError) as error:
        raise ReceiptError(
            "checkpoint",
            f"the log checkpoint in the receipt does not verify with the pinned log key: {error}",
        ) from None
    if entry.index >= checkpoint.size:
        raise ReceiptError(
            "coverage",
            f"the checkpoint (a log of {checkpoint.size} entries) does not cover the report's "
            f"entry at log position {entry.index}",
        )
    if entry.size != checkpoint.size:
        raise ReceiptError(
            "coverage",
            f"the inclusion proof is for a log of {entry.size} entries, the checkpoint's "
            f"log has {checkpoint.size}",
        )
    try:
        verify_inclusion(
            hash_leaf(entry.leaf), entry.index, entry.size, entry.proof, checkpoint.root_hash
        )
    except InvalidInclusionProofError as error:
        raise ReceiptError(
            "inclusion",
            f"the report's entry is not in the checkpoint's log: the inclusion proof does not "
            f"lead to the checkpoint's root ({error})",
        ) from None
    try:
        event = open_leaf(entry.leaf, entry.event, entry.salt)
    except InvalidEventError as error:
        raise ReceiptError(
            "opening", f"the event and salt do not open the entry's leaf: {error}"
        ) from None
    _check_event(receipt, event)
    return VerifiedReceipt(receipt=receipt, signed_by=signer, checkpoint=checkpoint, event=event)


def _verifiers(keys: NoteVerifier | Sequence[NoteVerifier], what: str) -> list[NoteVerifier]:
    verifiers = [keys] if isinstance(keys, NoteVerifier) else list(keys)
    if not verifiers:
        raise ValueError(f"no {what} pinned: a receipt is checked only against keys you trust")
    for verifier in verifiers:
        if not isinstance(verifier, NoteVerifier):
            raise TypeError(f"a {what} is a NoteVerifier, got {type(verifier).__name__}")
    return verifiers


def _check_signature(signed: SignedReceipt, verifiers: Sequence[NoteVerifier]) -> NoteVerifier:
    name, encoded = signed.signature[len(SIGNATURE_LINE_PREFIX) :].split(" ")
    raw = base64.b64decode(encoded)
    key_id, signature = raw[:KEY_ID_SIZE], raw[KEY_ID_SIZE:]
    for verifier in verifiers:
        if verifier.name == name and verifier.key_id == key_id:
            if not verifier.verify(signed.text, signature):
                raise ReceiptError(
                    "signature",
                    f"the receipt's signature does not verify with the pinned receipt key "
                    f"{verifier.name}+{verifier.key_id.hex()}: the receipt was changed after "
                    "it was signed",
                )
            return verifier
    pinned = ", ".join(f"{v.name}+{v.key_id.hex()}" for v in verifiers)
    raise ReceiptError(
        "signature",
        f"the receipt is signed by the key {name}+{key_id.hex()}, not by the pinned receipt "
        f"key ({pinned})",
    )


def _check_event(receipt: Receipt, event: Mapping[str, Any]) -> None:
    if event.get("kind") != REPORT_RECEIVED:
        raise ReceiptError(
            "event",
            f"the entry records a {event.get('kind')!r} event, not the arrival of a report "
            f"({REPORT_RECEIVED!r})",
        )
    payload = event.get("payload")
    payload = payload if isinstance(payload, dict) else {}
    if payload.get("report") != receipt.report:
        raise ReceiptError(
            "event",
            f"the event is about {payload.get('report')!r}, the receipt about {receipt.report!r}",
        )
    if payload.get("force") != receipt.force_code:
        raise ReceiptError(
            "event",
            f"the event names the force {payload.get('force')!r}, the receipt "
            f"{receipt.force_code!r}",
        )


def receipt_summary(verified: VerifiedReceipt) -> dict[str, Any]:
    """What a verified receipt establishes, as JSON (`haven receipt verify --json`)."""
    receipt = verified.receipt
    return {
        "verified": True,
        "report": receipt.report,
        "force": {"code": receipt.force_code, "name": receipt.force_name},
        "policy": {
            "id": receipt.policy_id,
            "version": receipt.policy_version,
            "sha256": receipt.policy_sha256,
        },
        "promises": [
            {"id": p.id, "language": p.language, "text": p.text} for p in receipt.promises
        ],
        "issued_at": receipt.issued_at,
        "received_at": verified.event["at"],
        "index": receipt.entry.index,
        "size": verified.checkpoint.size,
        "origin": verified.checkpoint.origin,
        "root": b64encode(verified.checkpoint.root_hash),
        "receipt_key": verified.signed_by.vkey,
        "checks": list(CHECK_NAMES),
    }


__all__ = [
    "CHECKS",
    "CHECK_NAMES",
    "MAX_RECEIPT_BYTES",
    "RECEIPT_FORMAT",
    "RECEIPT_TYPE",
    "Receipt",
    "ReceiptEntry",
    "ReceiptError",
    "ReceiptPromise",
    "SignedReceipt",
    "VerifiedReceipt",
    "parse_receipt",
    "receipt_summary",
    "sign_receipt",
    "verify_receipt",
]
