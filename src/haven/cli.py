"""The `haven` command (the contract is in docs/contracts.md).

Each area registers its own sub-commands from `haven.commands.<area>`; this module
only builds the parser and turns `CommandError` into one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from haven import __version__
from haven.commands import CommandError, ledger, policy, site


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="haven",
        description="Haven: safe reporting, policy decisions and a tamper-evident ledger.",
    )
    parser.add_argument("--version", action="version", version=f"haven {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    site.register(commands)
    policy.register(commands)
    ledger.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args) or 0)
    except CommandError as error:
        print(f"haven: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
