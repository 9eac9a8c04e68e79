"""Writes of API tokens: creating and revoking, each ledgered in the same transaction.

A token's reads of personal data are decided and ledgered in `disclosure.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from haven.ledger.kinds import ApiTokenChanged
from haven.web.accounts.models import Force, User
from haven.web.accounts.permissions import Capability, can
from haven.web.accounts.services import staff_pseudonym
from haven.web.apitokens.models import ApiToken
from haven.web.apitokens.scopes import SCOPE_CAPABILITIES, Scope
from haven.web.apitokens.tokens import new_token, token_digest
from haven.web.ledger.services import ledger_pseudonym, ledger_record

MAX_NAME_CHARACTERS = 120
REVOKERS = (Capability.APPROVE_DECISIONS, Capability.MANAGE_POLICY)
"""Besides its maker, a force's supervisors and data-protection officers revoke its tokens."""


def token_pseudonym(token: ApiToken) -> str:
    """How a token appears in the ledger."""
    return ledger_pseudonym(kind="api_token", value=str(token.pk))


def _ledger_change(token: ApiToken, change: str, by: User) -> None:
    ledger_record(
        ApiTokenChanged(
            credential=token_pseudonym(token),
            force=token.force.code,
            change=change,
            scopes=tuple(token.scopes),
            by=staff_pseudonym(by),
        )
    )


def _checked_scopes(scopes: Iterable[str], force: Force, by: User) -> list[str]:
    chosen: list[str] = []
    known = ", ".join(scope.value for scope in Scope)
    for text in scopes:
        try:
            scope = Scope(text.strip())
        except ValueError:
            raise ValidationError(
                {"scopes": f"Unknown scope {text!r}: choose from {known}."}
            ) from None
        if not any(
            can(user=by, capability=capability, force=force)
            for capability in SCOPE_CAPABILITIES[scope]
        ):
            raise PermissionDenied(
                f"{by.username} may not grant {scope.value} in {force.name}: "
                "a token can do no more than the person who makes it."
            )
        if scope.value not in chosen:
            chosen.append(scope.value)
    if not chosen:
        raise ValidationError({"scopes": f"Give at least one scope: {known}."})
    return chosen


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str
    """The token itself: shown once, never stored."""


@transaction.atomic
def api_token_create(*, force: Force, name: str, scopes: Iterable[str], by: User) -> CreatedToken:
    """Make a token for `force` with `scopes`, acting on behalf of `by`.

    Raises:
        ValidationError: no name, or an unknown or missing scope (nothing is made).
        PermissionDenied: `by` does not hold, in `force`, the capability a scope needs.
    """
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARACTERS:
        raise ValidationError(
            {"name": f"Name the token (what uses it), up to {MAX_NAME_CHARACTERS} characters."}
        )
    chosen = _checked_scopes(scopes, force, by)
    secret = new_token()
    token = ApiToken.objects.create(
        force=force, name=name, scopes=chosen, digest=token_digest(secret), created_by=by
    )
    _ledger_change(token, "created", by)
    return CreatedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token at once; revoking twice changes nothing.

    Raises:
        PermissionDenied: `by` holds no role in the token's force that any scope needs
            (its creator, or a supervisor or DPO of the force, may revoke it).
    """
    token = ApiToken.objects.select_for_update().select_related("force").get(pk=token.pk)
    if by.pk != token.created_by_id and not any(
        can(user=by, capability=capability, force=token.force) for capability in REVOKERS
    ):
        raise PermissionDenied(
            f"{by.username} may not revoke tokens of {token.force.name}: its maker, a "
            "supervisor or the force's data-protection officer can."
        )
    if token.revoked is not None:
        return token
    token.revoked = timezone.now()
    token.save(update_fields=["revoked"])
    _ledger_change(token, "revoked", by)
    return token
