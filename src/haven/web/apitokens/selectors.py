"""Reads of API tokens: recognising one, and listing a force's."""

from __future__ import annotations

from django.db.models import QuerySet

from haven.web.accounts.models import Force
from haven.web.apitokens.models import ApiToken
from haven.web.apitokens.tokens import looks_like_token, token_digest


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The active token whose digest matches `secret`, or None (compared by digest:
    the lookup is by a keyed hash, so timing reveals nothing about stored tokens)."""
    if not looks_like_token(secret):
        return None
    return (
        ApiToken.objects.select_related("force", "created_by")
        .filter(digest=token_digest(secret), revoked__isnull=True)
        .first()
    )


def api_token_list(*, force: Force | None = None) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.select_related("force", "created_by")
    return tokens.filter(force=force) if force is not None else tokens
