"""Receipt codes: 80 random bits a reporter can read aloud and type.

Four groups of four characters from the same unambiguous 32-character alphabet as report
references (no I, O, 0 or 1), so each character carries 5 bits: 16 x 5 = 80 bits. A code
is accepted in any case, with or without spaces or dashes. Only its keyed hash is kept:
HMAC-SHA256 under the site's pseudonym key (`HAVEN_PSEUDONYM_KEY`), domain-separated
from ledger pseudonyms. At 80 random bits a slow hash adds nothing: nobody can try 2^80
codes against the site, and without the key nobody can test guesses against a stolen hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from haven.web.reporting.models import _REFERENCE_ALPHABET

ALPHABET = _REFERENCE_ALPHABET
GROUPS = 4
GROUP_LENGTH = 4
LENGTH = GROUPS * GROUP_LENGTH
BITS = LENGTH * 5
_DOMAIN = b"haven-receipt-code/1\x00"

assert len(set(ALPHABET)) == 32  # the 80-bit claim rests on it


def new_code() -> str:
    """A fresh code in its canonical form (16 characters, no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """`K7QM2XRT9HVB4PLD` -> `K7QM 2XRT 9HVB 4PLD`: four groups, for reading aloud."""
    return " ".join(code[i : i + GROUP_LENGTH] for i in range(0, LENGTH, GROUP_LENGTH))


def normalise(text: str) -> str | None:
    """The canonical code a reporter typed, or None if it cannot be one.

    Case, spaces and dashes (of any kind) do not matter; anything else outside the
    alphabet, or the wrong length, is not a code.
    """
    if len(text) > 64:
        return None
    kept = "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-‐‑‒–—_.")
    if len(kept) != LENGTH or any(ch not in ALPHABET for ch in kept):
        return None
    return kept


def digest(code: str) -> str:
    """The keyed hash stored for a canonical code (hex HMAC-SHA256)."""
    from haven.web.ledger.keys import pseudonym_key

    return hmac.new(pseudonym_key(), _DOMAIN + code.encode("ascii"), hashlib.sha256).hexdigest()
