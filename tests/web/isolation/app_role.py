"""The PostgreSQL suite runs the site as `haven_app`, the role production connects as.

After pytest-django has created and migrated the test database (as the server's
superuser, which owns the tables), every later connection assumes `haven_app`
(Django's `assume_role`: `SET ROLE` on connect). Test code that prepares rows works
across forces, as a command does (`haven.scope = 'site'` on each connection); each
request made in a test is scoped by `RowScopeMiddleware` exactly as in production, so
every page and endpoint tested on PostgreSQL is tested under row-level security.
"""

from __future__ import annotations

from django.db import connections

from haven.web.isolation.roles import APP_ROLE, app_role_ensure, app_role_grant
from haven.web.isolation.scope import declare_site_process


def suite_as_app_role_begin() -> None:
    """Later connections run as the site's role (after the database is set up)."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        if cursor.fetchone() is None:  # `make test-postgres` creates it beforehand
            app_role_ensure(cursor.cursor, APP_ROLE)
        app_role_grant(cursor.cursor, APP_ROLE)
        # Transactional tests end with a flush (TRUNCATE), which the site itself never does.
        cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    connection.close()
    connection.settings_dict.setdefault("OPTIONS", {})["assume_role"] = APP_ROLE
    declare_site_process()


def suite_as_app_role_end() -> None:
    """The superuser again, for the teardown that drops the test database."""
    connection = connections["default"]
    connection.close()
    connection.settings_dict.get("OPTIONS", {}).pop("assume_role", None)
