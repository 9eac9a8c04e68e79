"""Each web request runs in one transaction that carries its row scope (PostgreSQL only).

The policies read settings that last only for the transaction (`SET LOCAL`), so the
request's work, its templates' lazy reads included, happens inside one transaction
opened here, after the session, the user and the second factor are known. Services'
own `transaction.atomic` blocks become savepoints inside it, so their rollbacks behave
as before. A response of 500 or more rolls the transaction back.

The request is also one `ledger_batch`: its events are checked when recorded and
appended after the view has returned, just before the commit. The log's head lock, which
every append takes and holds until commit, is then held for the append and the commit
only, not while the page renders; an event recorded in a savepoint that was rolled back
is still dropped with its rows. Within the request an event has no position yet (the
page a request renders shows the events of earlier requests).

On SQLite the middleware does nothing: no transaction is opened, so SQLite's single
writer is not taken for reads.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse

from haven.web.accounts.permissions import Capability, forces_where
from haven.web.isolation.scope import (
    RowScope,
    portal_session_admit,
    scope_apply,
    scope_restore,
)
from haven.web.ledger.services import ledger_batch


def request_scope(request: HttpRequest) -> RowScope:
    """The forces and organisations a request's user works for (permissions.py decides)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return RowScope()
    return RowScope(
        force_ids=frozenset(
            forces_where(user=user, capability=Capability.VIEW_REPORTS).values_list("pk", flat=True)
        ),
        audit_force_ids=frozenset(
            forces_where(user=user, capability=Capability.VERIFY_LEDGER).values_list(
                "pk", flat=True
            )
        ),
        organisation_ids=frozenset(user.advocate_organisations.values_list("pk", flat=True)),
    )


def _portal_session(request: HttpRequest) -> None:
    """The report a portal browser follows up or has just submitted (session ids only)."""
    from haven.web.portal.selectors import FOLLOWUP_SESSION_KEY, SUBMITTED_SESSION_KEY

    session = getattr(request, "session", None)
    if session is None or not request.COOKIES:
        return  # no cookie, no session to read (and no query for it)
    code_id = session.get(FOLLOWUP_SESSION_KEY)
    report_id = session.get(SUBMITTED_SESSION_KEY)
    if code_id is not None or report_id is not None:
        portal_session_admit(receipt_code_id=code_id, report_id=report_id)


class RowScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if connection.vendor != "postgresql":
            return self.get_response(request)
        with transaction.atomic(), ledger_batch():
            previous = scope_apply(request_scope(request))
            _portal_session(request)
            try:
                response = self.get_response(request)
            finally:
                # The transaction's end clears the settings. Inside an enclosing one (a
                # test's), the settings from before the request are put back.
                if len(connection.atomic_blocks) > 1 and not connection.needs_rollback:
                    scope_restore(previous)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response
