"""`haven serve`, `haven demo` and `haven migrate`: running the Django site."""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from typing import Any

from haven.commands import CommandError

SWITCH_INTERVAL_SECONDS = 0.0005


def register(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run the site (default http://127.0.0.1:8000)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--workers", type=int, default=2, help="server processes (gunicorn workers; default 2)"
    )
    serve.add_argument("--threads", type=int, default=4, help="threads in each process (default 4)")
    serve.add_argument(
        "--behind-proxy",
        action="store_true",
        help="a reverse proxy terminates TLS in front of Haven: believe its X-Forwarded-Proto "
        "and X-Forwarded-For (the same as HAVEN_TRUSTED_PROXY=1)",
    )
    serve.set_defaults(run=serve_command)

    demo = commands.add_parser("demo", help="migrate the database and load demo data (idempotent)")
    demo.set_defaults(run=demo_command)

    migrate = commands.add_parser("migrate", help="create or update the database tables")
    migrate.set_defaults(run=migrate_command)


def setup_django(*, site_wide: bool = True) -> None:
    """Configure Django from the environment, turning configuration problems into one line.

    A command works across every force, so on PostgreSQL its connections get the site
    scope of row-level security (`haven.web.isolation.scope`); `haven serve` passes
    `site_wide=False`: its workers scope each request to the user's forces.
    """
    from haven.web.settings.environment import ConfigurationError, settings_module

    settings_module()

    try:
        import django

        django.setup()
    except ConfigurationError as error:
        raise CommandError(str(error)) from None
    if site_wide:
        from haven.web.isolation.scope import declare_site_process

        declare_site_process()


def setup_django_as_owner() -> None:
    """As `setup_django`, connected as the tables' owner (`HAVEN_MIGRATE_DATABASE_URL`,
    when set): migrations create tables, which the site's role must not own."""
    from haven.web.settings.environment import declare_owner_connection

    declare_owner_connection()
    setup_django()


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
    setup_django_as_owner()
    _migrate()
    print("haven: database is up to date")
    return 0


_DEMO_REFUSED = (
    "haven demo refuses to run under production settings: it creates users with a "
    "published password and a published second-factor secret"
)


def demo_command(args: argparse.Namespace) -> int:
    from haven.web.settings.environment import PRODUCTION_SETTINGS_MODULE, settings_module

    if settings_module() == PRODUCTION_SETTINGS_MODULE:
        raise CommandError(_DEMO_REFUSED)
    setup_django_as_owner()
    from django.conf import settings

    if settings.HAVEN_PRODUCTION:  # a deployment's own module built on production
        raise CommandError(_DEMO_REFUSED)
    _migrate()
    from haven.web.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_load

    summary = demo_load()
    print(
        f"Demo data loaded: {summary.reports_created} new reports ({summary.reports_total} in all)."
    )
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in summary.logins:
        print(f"  {login.username:<20} {login.description}")
    print(f"Second step for all: a code from the demo TOTP secret {DEMO_TOTP_SECRET}")
    print("  (add it to an authenticator app, or run: oathtool --totp -b " + DEMO_TOTP_SECRET + ")")
    return 0


def serve_command(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise CommandError(f"--port must be between 1 and 65535 (got {args.port})")
    if not 0 < args.workers <= 64:
        raise CommandError(f"--workers must be between 1 and 64 (got {args.workers})")
    if not 0 < args.threads <= 64:
        raise CommandError(f"--threads must be between 1 and 64 (got {args.threads})")
    if args.behind_proxy:
        from haven.web.settings import environment

        environment.declare_trusted_proxy()
    setup_django(site_wide=False)
    from django.conf import settings
    from django.db import DatabaseError, connection, connections
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
    # The workers are forked from this process: none of them may inherit its connection.
    connections.close_all()
    listener = listen(args.host, args.port)

    from haven.web.wsgi import application

    shown = f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}"
    proxy = " behind a trusted proxy" if settings.HAVEN_TRUSTED_PROXY else ""
    print(f"Haven is serving on http://{shown}/{proxy} (Ctrl-C to stop)", flush=True)
    # The workers inherit this. A thread holding the database's write lock (SQLite) or
    # the ledger's head (PostgreSQL) gives up the interpreter at each round trip; with
    # Python's default 5 ms switch interval it can wait that long, per round trip, for
    # its worker's other threads to hand it back, and every request queued behind the
    # lock waits with it.
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    server = _gunicorn(
        application,
        bind=f"fd://{listener.fileno()}",
        workers=args.workers,
        threads=args.threads,
    )
    server.run()
    listener.close()
    return 0


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or one line saying why not.

    Haven binds the socket itself and hands gunicorn its descriptor, so a busy port or
    an impossible host is refused here, once, instead of in gunicorn's retry loop.
    """
    try:
        family, kind, protocol, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError):
        raise CommandError(
            f"--host {host} is not an address or host name this machine can resolve "
            "(for example 127.0.0.1, ::1 or 0.0.0.0)"
        ) from None
    listener = socket.socket(family, kind, protocol)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise CommandError(
                f"port {port} on {host} is already in use: stop what is using it, "
                "or choose another --port"
            ) from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise CommandError(
                f"--host {host} is not an address of this machine, so nothing can be "
                "served there (for example 127.0.0.1, ::1 or 0.0.0.0)"
            ) from None
        if error.errno == errno.EACCES:
            raise CommandError(
                f"port {port} needs privileges this user does not have: choose a port "
                "above 1023, or put a proxy in front"
            ) from None
        raise CommandError(f"cannot listen on {host} port {port}: {error.strerror}") from None
    listener.set_inheritable(True)
    return listener


def _gunicorn(application: object, *, bind: str, workers: int, threads: int) -> Any:
    """A gunicorn arbiter for `application`, configured here and nowhere else.

    Gunicorn itself believes no forwarding header from anyone (`forwarded_allow_ips`
    empty, no secure-scheme headers): Django alone decides, from HAVEN_TRUSTED_PROXY.
    No access log is written, no control socket is opened, and the error log passes
    through a filter that blanks IP addresses (gunicorn names the peer of a bad request).
    """
    from gunicorn.app.base import BaseApplication
    from gunicorn.glogging import Logger

    from haven.web.settings.redaction import AddressRedactingFilter

    class RedactingLogger(Logger):
        def setup(self, cfg: object) -> None:
            super().setup(cfg)
            self.error_log.addFilter(AddressRedactingFilter())

    options = {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "proc_name": "haven",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "logger_class": RedactingLogger,
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "control_socket_disable": True,
    }

    class HavenServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> object:
            return application

    return HavenServer()
