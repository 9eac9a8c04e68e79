"""The promise receipt key: its own Ed25519 note key, never the checkpoint key.

A receipt is signed with this key and checked against it (docs/receipts.md). It is kept
apart from the log's checkpoint key so that either can be rotated, or revoked after a
compromise, without touching the other, and so that a leaked receipt key cannot forge
checkpoints (nor a leaked checkpoint key receipts).

It comes from `HAVEN_RECEIPT_SIGNING_KEY` (`PRIVATE+KEY+<name>+<keyid>+<base64>`, what
production keeps in its secret store); when that setting is empty the key is generated
on first use as `HAVEN_DATA_DIR/receipts/signing.key` (mode 0600), race-free across
processes exactly like the checkpoint key (`haven.web.ledger.keys`). Its verifier key is
published at `/receipts/key`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from haven.ledger.note import NoteSigner, NoteVerifier
from haven.web.ledger.keys import (
    LedgerKeyError,
    configured_signer,
    key_file_signer,
    ledger_origin,
)

RECEIPT_KEY_FILE = "signing.key"
RECEIPT_KEY_DIRECTORY = "receipts"
RECEIPT_KEY_SETTING = "HAVEN_RECEIPT_SIGNING_KEY"


def receipt_key_name() -> str:
    """The receipt key's name: the log origin's host with ``/receipts`` (never the origin
    itself, so a receipt signature can never be mistaken for a checkpoint's)."""
    host = ledger_origin().split("/", 1)[0]
    return f"{host}/receipts"


def receipt_key_path() -> Path:
    return Path(settings.HAVEN_DATA_DIR) / RECEIPT_KEY_DIRECTORY / RECEIPT_KEY_FILE


@cache
def receipt_signer() -> NoteSigner:
    """The receipt signing key.

    Raises:
        LedgerKeyError: the configured key, or the key file, does not parse.
    """
    configured = getattr(settings, RECEIPT_KEY_SETTING, "") or ""
    if configured:
        return configured_signer(configured, RECEIPT_KEY_SETTING)
    return key_file_signer(receipt_key_path(), receipt_key_name(), "the receipt key file")


def receipt_verifier() -> NoteVerifier:
    return receipt_signer().verifier


def receipt_vkey() -> str:
    """The receipt key's verifier key, ``name+hex(key ID)+base64(0x01 || public key)``."""
    return receipt_verifier().vkey


def forget_receipt_key() -> None:
    """Drop the key cached in this process (after rotation, and between tests)."""
    receipt_signer.cache_clear()


__all__ = [
    "LedgerKeyError",
    "forget_receipt_key",
    "receipt_key_name",
    "receipt_key_path",
    "receipt_signer",
    "receipt_verifier",
    "receipt_vkey",
]
