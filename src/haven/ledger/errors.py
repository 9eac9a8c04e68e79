"""Named exceptions for the ledger library, one per failure class.

Every integrity failure is an exception (never a boolean), and every message says
what was expected and what was found. Messages never include leaf contents: a
leaf is an event, and the caller decides what may be shown.
"""

from __future__ import annotations


class LedgerError(Exception):
    """Root of every error raised by :mod:`haven.ledger`."""


class InvalidProofError(LedgerError):
    """A Merkle proof does not verify."""


class InvalidInclusionProofError(InvalidProofError):
    """An RFC 9162 §2.1.3 inclusion proof does not verify."""


class InvalidConsistencyProofError(InvalidProofError):
    """An RFC 9162 §2.1.4 consistency proof does not verify."""


class InvalidNoteError(LedgerError):
    """A signed note or a verifier key is malformed (C2SP signed-note)."""


class InvalidSignatureError(LedgerError):
    """A signed note carries no valid signature from a known key."""


class InvalidCheckpointError(LedgerError):
    """A checkpoint body is malformed or names the wrong origin (C2SP tlog-checkpoint)."""


class InvalidTileError(LedgerError):
    """A tile or entry bundle is malformed, missing or does not match (C2SP tlog-tiles)."""


class EntryTooLargeError(LedgerError, ValueError):
    """A log entry exceeds the 65,535 bytes an entry bundle can carry."""


class InvalidEventError(LedgerError, ValueError):
    """An event is not a valid Haven ledger event."""


class PersonalDataError(InvalidEventError):
    """An event payload has a key that looks like personal data."""


class LogVerificationError(LedgerError):
    """Whole-log verification failed.

    Attributes:
        reason: a short machine-readable failure class, one of ``leaf_mismatch``,
            ``missing_leaves``, ``extra_leaves``, ``root_mismatch``,
            ``malformed_leaf``, or, for an export's tiles, ``tile_mismatch``,
            ``extra_tile`` or ``missing_tile``.
        position: the index of the first leaf that is wrong, missing or extra, or
            ``None`` when the position cannot be located (no usable tiles) or the
            failure is in a tile.
        tile: the export path of the tile at fault (``tile/0/001.p/44``), or None.
    """

    def __init__(
        self, message: str, *, reason: str, position: int | None, tile: str | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.position = position
        self.tile = tile


class RetiredKeyError(InvalidSignatureError):
    """The checkpoint is not signed by the trusted key, and the log says that key was retired.

    Attributes:
        key_id: hex key ID of the trusted key that was retired.
        position: log position of the ``key_rotation`` entry that retired it.
        new_key_id: hex key ID it announced.
        new_vkey: the verifier key it announced.
        current_key_id: hex key ID at the end of the chain of rotations in the export.
    """

    def __init__(
        self,
        message: str,
        *,
        key_id: str,
        position: int,
        new_key_id: str,
        new_vkey: str,
        current_key_id: str,
    ) -> None:
        super().__init__(message)
        self.key_id = key_id
        self.position = position
        self.new_key_id = new_key_id
        self.new_vkey = new_vkey
        self.current_key_id = current_key_id
