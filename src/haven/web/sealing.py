"""Personal data sealed at rest: the site's keyring and the model mixin every secret row uses.

A model that holds personal data inherits `SealedRecord`. Each row then has its own
data key (`haven.privacy`), wrapped under the current KEK of its compartment and scope,
and each secret field is a binary column holding the sealed bytes. Views and selectors
never see ciphertext: they call `unseal_text`, and services call `seal_text` before
saving. Nothing else in the site touches keys.

The compartment is `personal` unless a model says `sealed` (the immigration-related
notes officers record, which only the gateway may open). The scope is `open` until a
case concludes; the retention service then moves the row under its shred date's KEK.
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import cache
from typing import ClassVar

from django.conf import settings
from django.db import models

from haven.privacy import (
    OPEN_SCOPE,
    Binding,
    EnvironmentKeys,
    KeyDirectory,
    Keyring,
    RecordKey,
    new_record_key,
    open_record_key,
    rewrap,
    scope_for,
    wrapped_kek_id,
)

SEALED_COMPARTMENT = "sealed"


class SealedCompartmentError(PermissionError):
    """Code outside the gateway tried to open the sealed compartment."""


def open_sealed_field(row: SealedRecord, field: str) -> str:
    """Open a field of the sealed compartment. Only `haven.web.sharing` may call this,
    inside a decided request (tests/test_architecture.py enforces it)."""
    return row._unseal(field)


@cache
def site_keyring() -> Keyring:
    """The environment's keys first (read-only), then the key directory."""
    variables = getattr(settings, "HAVEN_ENVIRONMENT_KEKS", {})
    return Keyring([EnvironmentKeys(variables), KeyDirectory(settings.HAVEN_KEY_DIR)])


def forget_site_keyring() -> None:
    """Drop the cached keyring (after rotation or shredding in another process, and in tests)."""
    site_keyring.cache_clear()


class SealedRecord(models.Model):
    """Abstract base of every row with sealed fields (see the module docstring)."""

    COMPARTMENT: ClassVar[str] = "personal"
    KEY_OWNER: ClassVar[str | None] = None
    """A foreign key whose row's data key this row shares (the people of a report use the
    report's key): one unwrap opens a whole report, and one re-wrap moves it. Each field
    stays bound to its own table, row and field, so nothing moves between rows unseen."""

    seal_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    wrapped_key = models.BinaryField(default=b"", editable=False)

    class Meta:
        abstract = True

    @property
    def binding(self) -> Binding:
        return Binding(self._meta.db_table, str(self.seal_id))

    def record_key(self) -> RecordKey:
        """This row's data key: opened from `wrapped_key`, or new for a new row.

        Raises:
            PrivacyError: the stored key does not open (tampered, destroyed, unknown).
        """
        cached: RecordKey | None = getattr(self, "_record_key", None)
        if self.KEY_OWNER is not None:
            owner = getattr(self, self.KEY_OWNER).record_key()
            if cached is None or cached.wrapped is not owner.wrapped:
                cached = RecordKey(self.binding, owner.data_key, owner.wrapped)
                self._record_key = cached
            return cached
        if cached is not None and cached.wrapped is self.wrapped_key:
            return cached
        keyring = site_keyring()
        if self.wrapped_key:
            # Keep the bytes the key opened, so the identity check above finds it again.
            self.wrapped_key = bytes(self.wrapped_key)
            key = open_record_key(keyring, self.binding, self.wrapped_key)
        else:
            kek = keyring.current(self.COMPARTMENT, OPEN_SCOPE)
            key = new_record_key(keyring, self.binding, kek)
            self.wrapped_key = key.wrapped
        self._record_key = key
        return key

    def seal_text(self, field: str, text: str) -> None:
        """Set binary column `field` to `text`, sealed ("" stays empty: nothing to hide)."""
        setattr(self, field, self.record_key().seal(field, text) if text else b"")

    def unseal_text(self, field: str) -> str:
        """The plaintext of a sealed field.

        Raises:
            SealedCompartmentError: the row is in the sealed compartment, which only the
                gateway opens (`open_sealed_field`).
        """
        if self.COMPARTMENT == SEALED_COMPARTMENT:
            raise SealedCompartmentError(
                f"{self._meta.label} is in the sealed compartment: only the gateway opens it"
            )
        return self._unseal(field)

    def _unseal(self, field: str) -> str:
        value = getattr(self, field)
        return self.record_key().unseal_text(field, value) if value else ""

    def move_to_scope(self, shred_date: date | None) -> None:
        """Re-wrap this row's data key under the KEK of `shred_date` (None: open)."""
        keyring = site_keyring()
        target = keyring.current(self.COMPARTMENT, scope_for(shred_date))
        if self.wrapped_key and wrapped_kek_id(bytes(self.wrapped_key)) != target:
            self.wrapped_key = rewrap(keyring, self.binding, bytes(self.wrapped_key), target)
            self._record_key = None
