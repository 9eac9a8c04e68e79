"""What can go wrong when opening sealed data; never a cryptography traceback."""

from __future__ import annotations


class PrivacyError(Exception):
    """Base of every error `haven.privacy` raises."""


class MalformedError(PrivacyError, ValueError):
    """Stored bytes are not a sealed value or wrapped key of a known format."""


class TamperedError(PrivacyError):
    """Authentication failed: the bytes were changed, moved to another row or field, or
    opened with the wrong key."""


class UnknownKeyError(PrivacyError):
    """No provider holds the named key-encryption key."""


class KeyDestroyedError(PrivacyError):
    """The key-encryption key was destroyed (crypto-shredding): the data is gone for good."""

    def __init__(self, kek_id: str, destroyed_on: str) -> None:
        self.kek_id = kek_id
        self.destroyed_on = destroyed_on
        super().__init__(f"key {kek_id} was destroyed on {destroyed_on}; the data cannot be read")


class ReadOnlyKeysError(PrivacyError):
    """A provider that cannot create or destroy keys (the environment) was asked to."""


class KeyInUseError(PrivacyError):
    """Refused: destroying an `open` or current key would lose live data."""
