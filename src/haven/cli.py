"""The `haven` command (the contract is in docs/contracts.md).

Each area registers its own sub-commands from `haven.commands.<area>`; this module
only builds the parser and turns `CommandError` into one line on stderr and exit 2.
Output into a pipe that closed early (`haven … | head -1`) ends quietly with status
141, as if killed by SIGPIPE like other command-line tools, for every sub-command.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from haven import __version__
from haven.commands import (
    CommandError,
    keys,
    ledger,
    policy,
    receipt,
    site,
    stats,
    tasks,
    tokens,
)

BROKEN_PIPE_STATUS = 128 + 13  # 128 + SIGPIPE, what a shell reports for `yes | head -1`


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
    receipt.register(commands)
    keys.register(commands)
    tasks.register(commands)
    tokens.register(commands)
    stats.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            return _run(argv)
        finally:
            # Inside the try: a reader that went away shows up here at the latest,
            # not as "Exception ignored" when the interpreter flushes at exit.
            sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        return BROKEN_PIPE_STATUS


def _run(argv: Sequence[str] | None) -> int:
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


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the final flush at exit has nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout replaced by an object without a descriptor
        pass


if __name__ == "__main__":
    sys.exit(main())
