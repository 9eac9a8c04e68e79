"""`haven ledger …`: export, prove, consistency, verify, checkpoint (DESIGN.md §6)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("ledger", help="export, prove and verify the tamper-evident ledger")
    parser.add_subparsers(dest="ledger_command", metavar="SUBCOMMAND")
