"""C2SP tlog-checkpoint: the signed tree head ``origin\\nsize\\nbase64(root)\\n[extensions]``.

A checkpoint is the text of a C2SP signed note (:mod:`haven.ledger.note`). The
origin names the log; the size is decimal without leading zeros; the root hash is
standard base64 of 32 bytes; optional extension lines follow and are kept but not
interpreted.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field

from haven.keyfiles import b64decode_strict
from haven.ledger.errors import InvalidCheckpointError
from haven.ledger.hashing import HASH_SIZE
from haven.ledger.note import NoteSigner, NoteVerifier, open_note, sign_note


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's origin, its size and its root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise InvalidCheckpointError("origin must be a non-empty single line")
        if any(ord(ch) < 0x20 for ch in self.origin):
            raise InvalidCheckpointError("origin must not contain control characters")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise InvalidCheckpointError(f"size must be a non-negative int, got {self.size!r}")
        if len(self.root_hash) != HASH_SIZE:
            raise InvalidCheckpointError(
                f"root hash is {len(self.root_hash)} bytes, expected {HASH_SIZE}"
            )
        for ext in self.extensions:
            if not ext or "\n" in ext or any(ord(ch) < 0x20 for ch in ext):
                raise InvalidCheckpointError("extension lines must be non-empty single lines")

    def to_text(self) -> str:
        """Return the checkpoint body (the note text), ending in a newline."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode("ascii")]
        return "".join(line + "\n" for line in [*lines, *self.extensions])


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body strictly.

    Raises:
        InvalidCheckpointError: naming the line that is wrong.
    """
    if not text.endswith("\n"):
        raise InvalidCheckpointError("checkpoint must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise InvalidCheckpointError(
            f"checkpoint has {len(lines)} lines, expected origin, size and root hash"
        )
    origin, size_text, root_text, *extensions = lines
    if not size_text.isascii() or not size_text.isdigit():
        raise InvalidCheckpointError(f"checkpoint size {size_text!r} is not a decimal number")
    if len(size_text) > 1 and size_text[0] == "0":
        raise InvalidCheckpointError(f"checkpoint size {size_text!r} has leading zeros")
    try:
        root = b64decode_strict(root_text, "checkpoint root hash")
    except ValueError as exc:
        raise InvalidCheckpointError(str(exc)) from None
    return Checkpoint(
        origin=origin, size=int(size_text), root_hash=root, extensions=tuple(extensions)
    )


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    """Return ``checkpoint`` as a signed note."""
    return sign_note(checkpoint.to_text(), [signer])


def open_checkpoint(
    note: str | bytes,
    verifiers: NoteVerifier | Sequence[NoteVerifier],
    *,
    origin: str | None = None,
) -> Checkpoint:
    """Verify a signed checkpoint and return it.

    Args:
        note: the signed note.
        verifiers: the trusted key(s).
        origin: if given, the checkpoint must name this origin.

    Raises:
        InvalidNoteError: if the note is malformed.
        InvalidSignatureError: if no trusted key signed it.
        InvalidCheckpointError: if the body is malformed or names another origin.
    """
    opened = open_note(note, [verifiers] if isinstance(verifiers, NoteVerifier) else verifiers)
    checkpoint = parse_checkpoint(opened.text)
    if origin is not None and checkpoint.origin != origin:
        raise InvalidCheckpointError(
            f"checkpoint origin is {checkpoint.origin!r}, expected {origin!r}"
        )
    return checkpoint
