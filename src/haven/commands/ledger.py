"""`haven ledger …`: export, prove, consistency, verify, audit, checkpoint, rotate-key.

The contract is in docs/contracts.md.

`verify` is pure: it reads an export directory and needs no database, so an outside
verifier can run it on a copy. The others read the site's database.
"""

from __future__ import annotations

import argparse
import base64
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from haven.commands import CommandError
from haven.commands.site import database_error_line, setup_django

if TYPE_CHECKING:
    from haven.web.ledger.selectors import LedgerRangeError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "ledger", help="export, prove and verify the tamper-evident ledger"
    )
    sub = parser.add_subparsers(dest="ledger_command", metavar="SUBCOMMAND", required=True)

    export = sub.add_parser(
        "export", help="write DIR/checkpoint, DIR/vkey, DIR/leaves and the tiles"
    )
    export.add_argument("directory", metavar="DIR", type=Path)
    export.set_defaults(run=export_command)

    prove = sub.add_parser("prove", help="inclusion proof of one entry")
    prove.add_argument("--index", type=int, required=True, help="log position of the entry")
    prove.add_argument("--size", type=int, help="tree size (default: the latest signed checkpoint)")
    prove.add_argument("--json", action="store_true", help="JSON on stdout (default: text)")
    prove.set_defaults(run=prove_command)

    consistency = sub.add_parser("consistency", help="consistency proof between two tree sizes")
    consistency.add_argument("--from", dest="old_size", type=int, required=True, metavar="M")
    consistency.add_argument(
        "--to", dest="new_size", type=int, metavar="N", help="default: the latest signed checkpoint"
    )
    consistency.add_argument("--json", action="store_true", help="JSON on stdout (default: text)")
    consistency.set_defaults(run=consistency_command)

    verify = sub.add_parser(
        "verify",
        help="verify an export against a key you trust: recompute the root, check the "
        "signature and every tile (needs no database)",
    )
    verify.add_argument("directory", metavar="DIR", type=Path)
    verify.add_argument(
        "--vkey",
        metavar="KEY|FILE",
        help="the log's verifier key, pinned out of band, or a file that holds it",
    )
    verify.add_argument(
        "--trust",
        metavar="FILE",
        type=Path,
        help="a trust file: the verifier keys you trust, one a line (default: "
        "HAVEN_LEDGER_TRUST_FILE)",
    )
    verify.add_argument(
        "--trust-export-key",
        action="store_true",
        help="check against DIR/vkey instead: proves only that the export agrees with "
        "itself, so it always exits non-zero",
    )
    verify.add_argument("--json", action="store_true", help="JSON on stdout")
    verify.set_defaults(run=verify_command)

    audit = sub.add_parser(
        "audit",
        help="check the log against the database: the stored tree and head, every sealed "
        "event, every published checkpoint, and every report's event (run daily)",
    )
    audit.add_argument("--json", action="store_true", help="JSON on stdout")
    audit.set_defaults(run=audit_command)

    checkpoint = sub.add_parser("checkpoint", help="sign the current tree head and print it")
    checkpoint.set_defaults(run=checkpoint_command)

    rotate = sub.add_parser(
        "rotate-key", help="replace the checkpoint signing key (docs/ledger.md)"
    )
    rotate.add_argument(
        "--new-key-file",
        type=Path,
        help="where to write the new private key (required when the key comes from HAVEN_LEDGER_SIGNING_KEY)",
    )
    rotate.set_defaults(run=rotate_key_command)


MIGRATE_FIRST = "the database needs migrating first: run `haven migrate`"


def uses_the_site(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Set up Django for a command that reads the site's database and ledger keys.

    A database that cannot be reached or is not migrated, and a ledger key that does not
    parse, are each one line and exit 2, checked before the command does anything.
    """

    @functools.wraps(run)
    def command(args: argparse.Namespace) -> int:
        setup_django()
        from django.db import DatabaseError, connection
        from django.db.migrations.executor import MigrationExecutor

        from haven.web.ledger.keys import LedgerKeyError, ledger_signer

        try:
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                raise CommandError(MIGRATE_FIRST)
            ledger_signer()
            return run(args)
        except DatabaseError as error:
            raise CommandError(database_error_line(error)) from None
        except LedgerKeyError as error:
            raise CommandError(str(error)) from None

    return command


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


@uses_the_site
def export_command(args: argparse.Namespace) -> int:
    from haven.web.ledger.exports import LedgerExportError, ledger_export

    try:
        written = ledger_export(args.directory)
    except LedgerExportError as error:
        raise CommandError(str(error)) from None
    print(f"exported {written.size} entries to {args.directory} (checkpoint, vkey, leaves, tile/)")
    return 0


def _flag(parameter: str) -> str:
    return f"--{parameter}"


def _range_error(error: LedgerRangeError) -> CommandError:
    from haven.web.ledger.selectors import NoCheckpointError

    if isinstance(error, NoCheckpointError):
        return CommandError(
            "no checkpoint has been published yet, so there is no default size: sign one "
            "with `haven ledger checkpoint`, or name a size"
        )
    return CommandError(error.message(_flag))


@uses_the_site
def prove_command(args: argparse.Namespace) -> int:
    from haven.web.ledger.selectors import LedgerRangeError, inclusion_proof_document

    try:
        document = inclusion_proof_document(index=args.index, size=args.size)
    except LedgerRangeError as error:
        raise _range_error(error) from None
    if args.json:
        print(json.dumps(document))
        return 0
    print(
        f"inclusion proof (RFC 9162) of entry {document['index']} in the tree of size "
        f"{document['size']}: {_hashes(document['proof'])}"
    )
    for node in document["proof"]:
        print(f"  {node}")
    return 0


@uses_the_site
def consistency_command(args: argparse.Namespace) -> int:
    from haven.web.ledger.selectors import LedgerRangeError, consistency_proof_document

    try:
        document = consistency_proof_document(old_size=args.old_size, new_size=args.new_size)
    except LedgerRangeError as error:
        raise _range_error(error) from None
    if args.json:
        print(json.dumps(document))
        return 0
    print(
        f"consistency proof (RFC 9162) from size {document['from']} to size "
        f"{document['to']}: {_hashes(document['proof'])}"
    )
    print(f"old root: {document['old_root']}")
    print(f"new root: {document['new_root']}")
    for node in document["proof"]:
        print(f"  {node}")
    return 0


def _hashes(proof: list) -> str:
    return "no hashes" if not proof else "1 hash" if len(proof) == 1 else f"{len(proof)} hashes"


NO_TRUSTED_KEY = (
    "no trusted key: pin the log's verifier key with --vkey KEY|FILE or --trust FILE "
    "(or set HAVEN_LEDGER_TRUST_FILE), taking it from the operator, not from the export; "
    "--trust-export-key checks the export only against itself"
)
SELF_CONSISTENT_ONLY = (
    "WARNING: checked against the export's own key (DIR/vkey), so this proves only that "
    "the export agrees with itself, not that it is the log you meant to check: anyone "
    "can write a self-consistent export; pin the log's key with --vkey or --trust"
)
SELF_CONSISTENT_STATUS = 1
"""`--trust-export-key` on an export that agrees with itself: not an error, not a pass."""


def _read_key_file(path: Path, what: str) -> list:
    from haven.ledger.errors import InvalidNoteError
    from haven.ledger.export import parse_trusted_keys

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {what} {path}: {_os_reason(error)}") from None
    try:
        return parse_trusted_keys(text, source=str(path))
    except InvalidNoteError as error:
        raise CommandError(f"{what} {path}: {error}") from None


def _os_reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)


def trusted_keys(args: argparse.Namespace) -> list:
    """The verifier keys `verify` trusts: --vkey, --trust, else HAVEN_LEDGER_TRUST_FILE."""
    from haven.ledger.errors import InvalidNoteError
    from haven.ledger.note import parse_vkey
    from haven.web.settings.environment import ledger_trust_file

    keys = []
    if args.vkey is not None:
        if Path(args.vkey).is_file():
            keys += _read_key_file(Path(args.vkey), "--vkey file")
        else:
            try:
                keys.append(parse_vkey(args.vkey.strip()))
            except (InvalidNoteError, ValueError) as error:
                raise CommandError(
                    f"--vkey is neither a verifier key (name+id+key) nor a file: {error}"
                ) from None
    if args.trust is not None:
        keys += _read_key_file(args.trust, "trust file")
    if not keys and not args.trust_export_key:
        default = ledger_trust_file()
        if default is not None:
            keys += _read_key_file(default, "trust file (HAVEN_LEDGER_TRUST_FILE)")
    return keys


def _check_export_directory(directory: Path) -> None:
    """One line, before any file is read, when DIR is not a directory at all."""
    if not directory.exists():
        raise CommandError(
            f"{directory} does not exist: give the directory `haven ledger export` wrote"
        )
    if not directory.is_dir():
        raise CommandError(
            f"{directory} is a file, not an export directory: give the directory "
            "`haven ledger export` wrote (unpack an archive first)"
        )


def _print_failure(args: argparse.Namespace, error: Exception, **extra: object) -> None:
    if args.json:
        document = {
            "verified": False,
            "reason": getattr(error, "reason", None) or type(error).__name__,
            "position": getattr(error, "position", None),
            "error": str(error),
        }
        document.update(extra)
        if getattr(error, "tile", None) is not None:
            document["tile"] = error.tile
        print(json.dumps(document))


def verify_command(args: argparse.Namespace) -> int:
    from haven.ledger.errors import LedgerError, LogVerificationError, RetiredKeyError
    from haven.ledger.export import verify_export

    if args.trust_export_key and (args.vkey is not None or args.trust is not None):
        raise CommandError(
            "--trust-export-key checks the export against its own key: give it without "
            "--vkey and --trust"
        )
    keys = trusted_keys(args)
    if not keys and not args.trust_export_key:
        raise CommandError(NO_TRUSTED_KEY)
    _check_export_directory(args.directory)
    try:
        checkpoint = verify_export(
            args.directory, vkey=keys or None, trust_export_key=args.trust_export_key
        )
    except FileNotFoundError as error:
        raise CommandError(
            f"{args.directory} is not a complete export: {error.filename} is missing"
        ) from None
    except OSError as error:
        raise CommandError(
            f"cannot read the export in {args.directory}: {_os_reason(error)}"
            + (f" ({error.filename})" if error.filename else "")
        ) from None
    except LogVerificationError as error:
        _print_failure(args, error)
        raise CommandError(f"verification failed: {error}") from None
    except RetiredKeyError as error:
        _print_failure(
            args,
            error,
            reason="retired_key",
            position=None,
            key_id=error.key_id,
            rotation_position=error.position,
            new_key_id=error.new_key_id,
            new_vkey=error.new_vkey,
        )
        raise CommandError(f"verification failed: {error}") from None
    except (LedgerError, ValueError) as error:
        _print_failure(args, error)
        raise CommandError(f"verification failed: {error}") from None
    summary = {
        "origin": checkpoint.origin,
        "size": checkpoint.size,
        "root": _b64(checkpoint.root_hash),
    }
    if args.trust_export_key:
        print(f"haven: {SELF_CONSISTENT_ONLY}", file=sys.stderr)
        if args.json:
            print(
                json.dumps(
                    {
                        "verified": False,
                        "reason": "key_not_pinned",
                        "position": None,
                        "error": SELF_CONSISTENT_ONLY,
                        "self_consistent": True,
                        **summary,
                    }
                )
            )
        else:
            print(
                f"self-consistent only: {checkpoint.size} entries of {checkpoint.origin}, "
                f"root {summary['root']}, signed by the export's own key"
            )
        return SELF_CONSISTENT_STATUS
    if args.json:
        print(json.dumps({"verified": True, **summary}))
    else:
        print(f"verified: {checkpoint.size} entries of {checkpoint.origin}, root {summary['root']}")
    return 0


AUDIT_FAILED_STATUS = 1
"""`haven ledger audit` ran and found something wrong (2: it could not run)."""


@uses_the_site
def audit_command(args: argparse.Namespace) -> int:
    from haven.web.ledger.audit import ledger_audit

    result = ledger_audit()
    finding = result.finding
    if args.json:
        print(
            json.dumps(
                {
                    "ok": result.ok,
                    "problem": result.problem,
                    "check": finding and finding.check,
                    "position": finding and finding.position,
                    "reference": finding and finding.reference,
                    "entries": result.entries,
                    "nodes": result.nodes,
                    "sealed": result.sealed,
                    "public": result.public,
                    "checkpoints": result.checkpoints,
                    "covered": result.covered,
                }
            )
        )
    if finding is not None:
        print(f"haven: ledger audit failed: {finding.message}", file=sys.stderr)
        return AUDIT_FAILED_STATUS
    if not args.json:
        print(result.summary())
    return 0


@uses_the_site
def checkpoint_command(args: argparse.Namespace) -> int:
    from haven.web.ledger.services import checkpoint_sign

    print(checkpoint_sign().note, end="")
    return 0


@uses_the_site
def rotate_key_command(args: argparse.Namespace) -> int:
    from haven.web.ledger.services import signing_key_rotate

    try:
        rotation = signing_key_rotate(new_key_file=args.new_key_file)
    except ValueError as error:
        raise CommandError(str(error)) from None
    print(f"old verifier key: {rotation.old_vkey}")
    print(f"new verifier key: {rotation.new_vkey}")
    print(
        f"announced at log position {rotation.position}; new private key in {rotation.new_key_file}"
    )
    return 0
