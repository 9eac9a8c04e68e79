"""What can go wrong when sealing or opening data; never a cryptography traceback.

Messages name tables, rows, fields and key ids, never plaintext or key material.
"""

from __future__ import annotations

from datetime import date

RETENTION = "retention"
"""A tombstone's reason: a shred-date key destroyed when its records' retention ended."""

ROTATION = "rotation"
"""A tombstone's reason: a superseded version retired after rotation re-wrapped its keys."""


class PrivacyError(Exception):
    """Base of every error `haven.privacy` raises."""


class MalformedError(PrivacyError, ValueError):
    """Bytes or a key id are not in a known format (truncated, unknown version, garbage)."""


class TamperedError(PrivacyError):
    """Authentication failed: the bytes were changed, moved to another row or field, or
    opened with the wrong key."""


class CompartmentError(PrivacyError):
    """Refused: a data key would move between the personal and sealed compartments."""


class UnknownKeyError(PrivacyError):
    """No provider holds the named key-encryption key (never created, or not configured)."""


class KeyDestroyedError(PrivacyError):
    """The key-encryption key was destroyed: every record wrapped under it is gone for good.

    `reason` is `retention` when its shred date came (crypto-shredding) and `rotation`
    when a superseded version was retired (a record rotation missed).
    """

    def __init__(self, kek_id: str, destroyed_on: str, reason: str = RETENTION) -> None:
        self.kek_id = kek_id
        self.destroyed_on = destroyed_on
        self.reason = reason
        why = (
            "under the retention schedule"
            if reason == RETENTION
            else "when rotation retired it (this record was not re-wrapped)"
        )
        super().__init__(
            f"key {kek_id} was destroyed {why} on {destroyed_on}; the data cannot be read"
        )

    @property
    def shred_date(self) -> date | None:
        """The shred date of the key's scope, or None for an `open` key."""
        scope = self.kek_id.split("/")[1] if self.kek_id.count("/") == 2 else ""
        try:
            return date.fromisoformat(scope)
        except ValueError:
            return None


class ReadOnlyKeysError(PrivacyError):
    """A provider that cannot create or destroy keys (the environment) was asked to."""


class KeyInUseError(PrivacyError):
    """Refused: destroying an `open` key, a shred-date key before its date, or the current
    version of a scope would lose data that is still kept."""


class KeyStoreError(PrivacyError):
    """Where keys are kept is unusable: a key file others can read, a file that holds no
    key, or a `HAVEN_KEK_*` variable that is misnamed or not a key."""
