"""`haven serve`, `haven demo` and `haven migrate`: running the Django site."""

from __future__ import annotations

import argparse
import os

from haven.commands import CommandError


def register(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run the site (default http://127.0.0.1:8000)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.set_defaults(run=serve_command)

    demo = commands.add_parser("demo", help="migrate the database and load demo data (idempotent)")
    demo.set_defaults(run=demo_command)

    migrate = commands.add_parser("migrate", help="create or update the database tables")
    migrate.set_defaults(run=migrate_command)


def setup_django() -> None:
    """Configure Django from the environment, turning configuration problems into one line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.web.settings.local")
    from haven.web.settings.environment import ConfigurationError

    try:
        import django

        django.setup()
    except ConfigurationError as error:
        raise CommandError(str(error)) from None


def database_error_line(error: Exception) -> str:
    """A database failure as one line (drivers put newlines and tabs in their messages)."""
    return "cannot use the database: " + " ".join(str(error).split())


def _migrate() -> None:
    from django.core.management import call_command
    from django.db import DatabaseError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as error:
        raise CommandError(database_error_line(error)) from None


def migrate_command(args: argparse.Namespace) -> int:
    setup_django()
    _migrate()
    print("haven: database is up to date")
    return 0


def demo_command(args: argparse.Namespace) -> int:
    setup_django()
    _migrate()
    from haven.web.demo import DEMO_PASSWORD, demo_load

    summary = demo_load()
    print(
        f"Demo data loaded: {summary.reports_created} new reports ({summary.reports_total} in all)."
    )
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in summary.logins:
        print(f"  {login.username:<20} {login.description}")
    return 0


def serve_command(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise CommandError(f"--port must be between 1 and 65535 (got {args.port})")
    setup_django()
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise CommandError(database_error_line(error)) from None
    if pending:
        raise CommandError(
            "the database needs migrating first: run `haven migrate` (or `haven demo`)"
        )

    import waitress

    from haven.web.wsgi import application

    print(f"Haven is serving on http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    waitress.serve(application, host=args.host, port=args.port, threads=8, ident="haven")
    return 0
