"""Making and recognising token strings (no database)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX = "hvn_"
BYTES = 32  # 256 bits
_DOMAIN = b"haven-api-token/1\x00"
MAX_TOKEN_CHARACTERS = 200


def new_token() -> str:
    """A fresh token: `hvn_` and 43 URL-safe characters (256 random bits)."""
    return PREFIX + secrets.token_urlsafe(BYTES)


def token_digest(token: str) -> str:
    """The keyed digest stored for `token` (hex HMAC-SHA256 under the pseudonym key)."""
    from haven.web.ledger.keys import pseudonym_key

    return hmac.new(pseudonym_key(), _DOMAIN + token.encode("utf-8"), hashlib.sha256).hexdigest()


def looks_like_token(text: str) -> bool:
    return text.startswith(PREFIX) and len(text) <= MAX_TOKEN_CHARACTERS
