"""`haven stats release`: publish a quarter's differentially private statistics
(docs/statistics.md)."""

from __future__ import annotations

import argparse

from haven.commands import CommandError
from haven.commands.site import database_error_line, setup_django


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("stats", help="publish differentially private statistics")
    sub = parser.add_subparsers(dest="stats_command", metavar="SUBCOMMAND", required=True)
    release = sub.add_parser(
        "release",
        help="release a quarter's noisy counts for every force, spending privacy budget",
    )
    release.add_argument("--quarter", required=True, help="the quarter, e.g. 2026Q3")
    release.add_argument(
        "--epsilon",
        help="the ε each force's release spends (default: a quarter of the yearly budget)",
    )
    release.set_defaults(run=release_command)


def release_command(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import DatabaseError

    from haven.privacy.statistics import StatisticsError
    from haven.web.statistics.services import statistics_release

    try:
        releases = statistics_release(args.quarter, epsilon=args.epsilon)
    except StatisticsError as error:
        raise CommandError(f"refused, nothing released: {error}") from None
    except DatabaseError as error:
        raise CommandError(database_error_line(error)) from None
    first = releases[0]
    print(
        f"released {first.quarter} for {len(releases)} forces: ε = {first.epsilon.normalize()} "
        f"each, {first.mechanism} noise, scale {first.scale:g}, 95% interval ±{first.interval}"
    )
    print(f"key set {first.key_set}; each release is recorded in the ledger")
    return 0
