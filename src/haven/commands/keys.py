"""`haven keys …`: the encryption keys that seal personal data (docs/privacy.md)."""

from __future__ import annotations

import argparse

from haven.commands import CommandError
from haven.commands.site import database_error_line, setup_django


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("keys", help="rotate and inspect the data-sealing keys")
    sub = parser.add_subparsers(dest="keys_command", metavar="SUBCOMMAND", required=True)
    rotate = sub.add_parser(
        "rotate",
        help="new key-encryption keys; re-wrap every data key (no data is re-encrypted)",
    )
    rotate.set_defaults(run=rotate_command)
    status = sub.add_parser("status", help="how many records each key-encryption key wraps")
    status.set_defaults(run=status_command)


def rotate_command(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import DatabaseError

    from haven.privacy import PrivacyError
    from haven.web.key_rotation import keys_rotate

    try:
        result = keys_rotate()
    except DatabaseError as error:
        raise CommandError(database_error_line(error)) from None
    except (PrivacyError, RuntimeError) as error:
        raise CommandError(str(error)) from None
    if not result.rotated:
        print("nothing to rotate: no record is sealed yet")
        return 0
    for old, new in result.rotated.items():
        print(f"{old} -> {new} (retired {old})")
    print(f"re-wrapped {result.rows:,} data keys; no field was re-encrypted")
    return 0


def status_command(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import DatabaseError

    from haven.web.key_rotation import kek_usage

    try:
        usage = kek_usage()
    except DatabaseError as error:
        raise CommandError(database_error_line(error)) from None
    if not usage:
        print("no record is sealed yet")
    for kek, rows in sorted(usage.items()):
        print(f"{kek}  {rows:,} records")
    return 0
