"""The role the site connects as: it owns no table, and row-level security binds it.

PostgreSQL lets a superuser, a role with BYPASSRLS and (without FORCE) a table's owner
past every policy. So the tables belong to the role that runs the migrations
(`HAVEN_MIGRATE_DATABASE_URL`), and the site connects as another role
(`DATABASE_URL`, `haven_app` in the tests): NOSUPERUSER NOBYPASSRLS, granted only
SELECT, INSERT, UPDATE and DELETE on the tables and USAGE on the sequences, after each
migration (`grant_app_role`).

`python -m haven.web.isolation.roles URL [ROLE]` creates the role on the server at URL
if it is missing (idempotent; `make test-postgres` runs it).
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import connections

APP_ROLE = "haven_app"
"""The role the PostgreSQL test suite runs the site as."""

ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION"


def app_role_ensure(cursor: object, role: str = APP_ROLE) -> None:
    """Create `role` unless it exists, and (again) take away anything that would let it
    past row-level security. `cursor` is a DB-API cursor of a role that may create roles."""
    from psycopg import errors, sql

    name = sql.Identifier(role)
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cursor.fetchone() is None:
        try:
            cursor.execute(sql.SQL("CREATE ROLE {} " + ROLE_ATTRIBUTES).format(name))
        except errors.DuplicateObject:
            pass  # created at the same moment by another process
    cursor.execute(sql.SQL("ALTER ROLE {} " + ROLE_ATTRIBUTES).format(name))


def app_role_grant(cursor: object, role: str) -> None:
    """Grant `role` what the site needs on every table and sequence, and no more: it may
    read `django_migrations` but not write it."""
    from psycopg import sql

    name = sql.Identifier(role)
    for statement in (
        "GRANT USAGE ON SCHEMA public TO {}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}",
        "REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {}",
    ):
        cursor.execute(sql.SQL(statement).format(name))


def grant_app_role(sender: object, using: str, **kwargs: object) -> None:
    """`post_migrate` receiver: grant the site's role the tables a migration created.

    Does nothing on SQLite, without `HAVEN_DATABASE_APP_ROLE`, when the migrating role
    is the site's role itself, or when the role does not exist (a laptop without it).
    """
    role = getattr(settings, "HAVEN_DATABASE_APP_ROLE", "")
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", [role]
        )
        current, exists = cursor.fetchone()
        if current == role or not exists:
            return
        app_role_grant(cursor.cursor, role)


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: python -m haven.web.isolation.roles POSTGRES_URL [ROLE]", file=sys.stderr)
        return 2
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(argv[0])
    with (
        psycopg.connect(
            host=config["HOST"] or "127.0.0.1",
            port=config["PORT"] or 5432,
            user=config["USER"] or "postgres",
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=5,
            autocommit=True,
        ) as db,
        db.cursor() as cursor,
    ):
        app_role_ensure(cursor, argv[1] if len(argv) == 2 else APP_ROLE)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
