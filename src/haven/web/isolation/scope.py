"""The settings the row-level security policies read, and who sets them.

On PostgreSQL every force-scoped table (`registry.py`) shows a transaction only the rows
its settings allow:

- a web request: `RowScopeMiddleware` sets them with `set_config(…, true)` (`SET LOCAL`)
  at the start of the request's transaction, from the user's memberships and the
  portal's session, and they end with it. Where a request learns a force only as it
  goes (a portal submission into the force the reporter chose, a receipt code typed on
  the follow-up page), the code that learns it calls `force_admit` or
  `receipt_digest_admit`;
- a site-wide process (`haven demo`, `haven migrate`, `haven tasks run`, `haven keys`,
  `haven ledger`): `declare_site_process` sets `haven.scope = 'site'` on each of its
  connections. `haven serve` never declares it, so a web request is always scoped.

On SQLite all of this does nothing: there the selectors' filters are the only rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from haven.web.isolation.sql import AUDIT_FORCE_IDS, FORCE_IDS, ORGANISATION_IDS, SCOPE, SITE


class RowScopeOutsideTransactionError(RuntimeError):
    """A request scope was set outside a transaction, where `SET LOCAL` would not hold."""


@dataclass(frozen=True)
class RowScope:
    """What one transaction may see: forces for case work, forces it audits (reports'
    codes only), and advocate organisations (their own reports)."""

    force_ids: frozenset[int] = field(default_factory=frozenset)
    audit_force_ids: frozenset[int] = field(default_factory=frozenset)
    organisation_ids: frozenset[int] = field(default_factory=frozenset)


NOTHING = RowScope()


def _ids(values: Iterable[int]) -> str:
    # Integers only (never text from a request), joined for haven_ids() to split.
    return ",".join(str(int(value)) for value in sorted(values))


def _enforced(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


Previous = tuple[str, str, str, str]
"""The four settings as they were before `scope_apply` (to put back, see `scope_restore`)."""

_SETTINGS = (SCOPE, FORCE_IDS, AUDIT_FORCE_IDS, ORGANISATION_IDS)


def _pairs(values: tuple[str, ...]) -> list[str]:
    """Each setting's name followed by its value, for `set_config(%s, %s, true)` x 4."""
    return [item for pair in zip(_SETTINGS, values, strict=True) for item in pair]


def scope_apply(scope: RowScope, *, using: str = DEFAULT_DB_ALIAS) -> Previous:
    """Set `scope` for the rest of the current transaction (`SET LOCAL`); PostgreSQL only.

    Returns the settings as they were, read in the same statement.

    Raises:
        RowScopeOutsideTransactionError: no transaction is open (the setting would last
            for one statement, then leave the connection unscoped).
    """
    connection = connections[using]
    if not _enforced(connection):
        return ("", "", "", "")
    if not connection.in_atomic_block:
        raise RowScopeOutsideTransactionError("a row scope is set inside a transaction")
    values = ("", _ids(scope.force_ids), _ids(scope.audit_force_ids), _ids(scope.organisation_ids))
    with connection.cursor() as cursor:
        # The old values are read before the new ones are set (a select list runs in order).
        cursor.execute(
            "SELECT "
            + ", ".join(["coalesce(current_setting(%s, true), '')"] * 4)
            + ", "
            + ", ".join(["set_config(%s, %s, true)"] * 4),
            [*_SETTINGS, *_pairs(values)],
        )
        row = cursor.fetchone()
    return (row[0], row[1], row[2], row[3])


def scope_restore(previous: Previous, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Put back the settings `scope_apply` replaced (inside an enclosing transaction)."""
    connection = connections[using]
    if not _enforced(connection) or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * 4),
            _pairs(previous),
        )


def force_admit(force_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Add one force to the current transaction's case-work forces.

    For a request that learns its force as it goes: an anonymous submission into the
    force the reporter chose. Outside a transaction (a site-wide command) it does nothing.
    """
    connection = connections[using]
    if not _enforced(connection) or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, concat_ws(',', nullif(current_setting(%s, true), ''), "
            "%s::bigint::text), true)",
            [FORCE_IDS, FORCE_IDS, int(force_id)],
        )


def _lookup_admit(function: str, argument: object, using: str) -> None:
    connection = connections[using]
    if not _enforced(connection) or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [argument])  # noqa: S608 - names from this module
        row = cursor.fetchone()
    if row is not None and row[0] is not None:
        force_admit(row[0], using=using)


def receipt_digest_admit(digest: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Admit the force of the report whose live receipt code has `digest`, if any.

    The follow-up page must find a code among every force's reports before it knows
    the force: the one cross-force read a web request makes. It goes through
    `haven_receipt_digest_force`, a SECURITY DEFINER function that returns the force id
    and nothing else, so the request never holds a scope wider than that one force, and
    a wrong code admits nothing.
    """
    _lookup_admit("haven_receipt_digest_force", digest, using)


def portal_session_admit(
    *, receipt_code_id: int | None, report_id: int | None, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Admit the forces of the report a portal session holds: the live receipt code it
    entered, or the report it has just submitted (ids the server itself put there)."""
    if receipt_code_id is not None:
        _lookup_admit("haven_receipt_code_force", int(receipt_code_id), using)
    if report_id is not None:
        _lookup_admit("haven_submitted_report_force", int(report_id), using)


# --- site-wide processes ------------------------------------------------------------------

_site_process = False


def declare_site_process() -> None:
    """This process works across every force (a command or the job runner, never the
    web server): each of its PostgreSQL connections gets `haven.scope = 'site'`."""
    global _site_process
    _site_process = True
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            _set_site(connection)


def site_scope_on_connect(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: object
) -> None:
    """`connection_created` receiver: a site process's new connections are site-wide."""
    if _site_process:
        _set_site(connection)


def _set_site(connection: BaseDatabaseWrapper) -> None:
    if _enforced(connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, false)", [SCOPE, SITE])


@contextmanager
def site_scope(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Site-wide for the rest of this block, inside the current transaction (tests, and
    a site-wide step inside code that is otherwise scoped)."""
    connection = connections[using]
    if not _enforced(connection):
        yield
        return
    if not connection.in_atomic_block:
        raise RowScopeOutsideTransactionError("a row scope is set inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), set_config(%s, %s, true)",
            [SCOPE, SCOPE, SITE],
        )
        previous = cursor.fetchone()[0]
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [SCOPE, previous])
