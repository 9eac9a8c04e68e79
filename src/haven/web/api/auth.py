"""Who is calling: a signed-in console session, or a force's API token.

A session is the console's own (signed in with the second factor, which
`SecondFactorMiddleware` has already checked); unsafe methods need the CSRF token,
as ninja's `django_auth` asks. A token is sent as `Authorization: Bearer hvn_…` and
recognised by its keyed digest. It acts for its force, on behalf of the member of staff
who made it, and only within its scopes (`apitokens.scopes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from haven.web.accounts.models import User
from haven.web.accounts.permissions import Capability, capabilities_by_force
from haven.web.apitokens.models import ApiToken
from haven.web.apitokens.scopes import Scope
from haven.web.apitokens.selectors import api_token_for_secret
from haven.web.isolation.scope import force_admit


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_token_for_secret(token)
        if found is None or not found.created_by.is_active:
            return None
        # Authenticated after RowScopeMiddleware: admit the token's force for this
        # request's transaction, or row-level security hides its rows (PostgreSQL).
        force_admit(found.force_id)
        return found


class ConsoleSession(SessionAuth):
    """The console's session (CSRF checked for unsafe methods, as `django_auth`)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None

    def __call__(self, request: HttpRequest) -> Any:
        # A caller that sent a token is not a console session: a token that was not
        # recognised is answered 401 ("send an API token"), not with the session's CSRF
        # refusal, which would send them looking in the wrong place.
        if request.headers.get("Authorization"):
            return None
        return super().__call__(request)


SIGNED_IN = [TokenAuth(), ConsoleSession()]


@dataclass(frozen=True)
class Caller:
    """The member of staff a request acts for, and the token it came with, if any."""

    user: User
    token: ApiToken | None = None

    def force_ids(self, scope: Scope, *capabilities: Capability) -> list[int]:
        """The ids of the forces where the caller may do what `scope` (for a token) and
        any of `capabilities` allow. A token reaches only its own force. Ids, not a
        query: a filter on a list of ids is a simpler query than one on a subquery.

        Raises:
            HttpError: 403 when the caller may do it nowhere, or the token lacks `scope`.
        """
        if self.token is not None and scope.value not in self.token.scopes:
            raise HttpError(403, f"This token does not have the scope {scope.value}.")
        ids = sorted(
            force_id
            for force_id, granted in capabilities_by_force(user=self.user).items()
            if granted.intersection(capabilities)
            and (self.token is None or force_id == self.token.force_id)
        )
        if not ids:
            who = "This token's maker" if self.token is not None else "Your role"
            raise HttpError(403, f"{who} may not do this in any force.")
        return ids


def caller(request: HttpRequest) -> Caller:
    auth: Any = request.auth  # type: ignore[attr-defined]
    if isinstance(auth, ApiToken):
        return Caller(user=auth.created_by, token=auth)
    return Caller(user=auth)
