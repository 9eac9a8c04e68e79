"""`haven tasks run`: the worker for scheduled jobs (checkpoints, retention, audits)."""

from __future__ import annotations

import argparse

from haven.commands import CommandError
from haven.commands.site import database_error_line, setup_django


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("tasks", help="run the scheduled jobs")
    sub = parser.add_subparsers(dest="tasks_command", metavar="SUBCOMMAND", required=True)
    run = sub.add_parser(
        "run",
        help="book the periodic jobs (hourly checkpoint, daily retention and audit), "
        "then work through them",
    )
    run.add_argument(
        "--once",
        action="store_true",
        help="run every job that is due now, then exit (for cron or a test)",
    )
    run.set_defaults(run=run_command)


def run_command(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command
    from django.db import DatabaseError

    from haven.web.scheduling.services import schedule_all

    try:
        booked = schedule_all()
    except DatabaseError as error:
        raise CommandError(database_error_line(error)) from None
    for name in booked:
        print(f"booked {name}")
    options = {"batch": True} if args.once else {}
    call_command("db_worker", verbosity=1, startup_delay=False, reload=False, **options)
    return 0
