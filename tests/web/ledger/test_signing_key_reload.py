"""A running server follows a replaced signing key file (haven ledger rotate-key in
another process) without a restart: it signs with, and publishes, the key installed."""

from __future__ import annotations

import os

from haven.ledger.note import generate_signer
from haven.web.ledger.keys import (
    forget_cached_keys,
    ledger_origin,
    ledger_signer,
    signing_key_path,
)


def test_a_replaced_key_file_is_read_again(settings, tmp_path):
    settings.HAVEN_DATA_DIR = tmp_path
    settings.HAVEN_LEDGER_SIGNING_KEY = ""
    forget_cached_keys()
    try:
        first = ledger_signer()
        assert ledger_signer().verifier.vkey == first.verifier.vkey, "cached while unchanged"
        # Another process installs a new key the way rotate-key does (write, then rename).
        new = generate_signer(ledger_origin())
        staged = signing_key_path().with_name("signing.key.next")
        staged.write_text(new.to_skey() + "\n", encoding="ascii")
        os.replace(staged, signing_key_path())
        assert ledger_signer().verifier.vkey == new.verifier.vkey
    finally:
        forget_cached_keys()


def test_the_published_key_follows_the_file(client, db, settings, tmp_path):
    settings.HAVEN_DATA_DIR = tmp_path
    settings.HAVEN_LEDGER_SIGNING_KEY = ""
    forget_cached_keys()
    try:
        before = client.get("/transparency/log/vkey").content.decode().strip()
        new = generate_signer(ledger_origin())
        staged = signing_key_path().with_name("signing.key.next")
        staged.write_text(new.to_skey() + "\n", encoding="ascii")
        os.replace(staged, signing_key_path())
        after = client.get("/transparency/log/vkey").content.decode().strip()
        assert before != after
        assert after == new.verifier.vkey
    finally:
        forget_cached_keys()
