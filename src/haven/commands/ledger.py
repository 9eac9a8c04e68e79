"""`haven ledger …`: export, prove, consistency, verify, checkpoint (docs/contracts.md).

`verify` is pure: it reads an export directory and needs no database, so an outside
verifier can run it on a copy. The others read the site's database.
"""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path

from haven.commands import CommandError
from haven.commands.site import setup_django


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

    prove = sub.add_parser("prove", help="inclusion proof of one entry (JSON)")
    prove.add_argument("--index", type=int, required=True, help="log position of the entry")
    prove.add_argument("--size", type=int, help="tree size (default: the latest signed checkpoint)")
    prove.add_argument("--json", action="store_true", help="JSON on stdout (the only format)")
    prove.set_defaults(run=prove_command)

    consistency = sub.add_parser(
        "consistency", help="consistency proof between two tree sizes (JSON)"
    )
    consistency.add_argument("--from", dest="old_size", type=int, required=True, metavar="M")
    consistency.add_argument(
        "--to", dest="new_size", type=int, metavar="N", help="default: the latest signed checkpoint"
    )
    consistency.add_argument("--json", action="store_true", help="JSON on stdout (the only format)")
    consistency.set_defaults(run=consistency_command)

    verify = sub.add_parser(
        "verify", help="verify an export: recompute the root, check the signature"
    )
    verify.add_argument("directory", metavar="DIR", type=Path)
    verify.add_argument(
        "--vkey",
        help="the trusted verifier key (default: DIR/vkey, which only proves self-consistency)",
    )
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(run=verify_command)

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


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def export_command(args: argparse.Namespace) -> int:
    setup_django()
    from haven.ledger.export import write_export
    from haven.web.ledger.selectors import checkpoint_latest, leaves_upto, ledger_vkey

    # The published checkpoint, never a fresh signature: exports reveal no more than the
    # scheduled checkpoints do about when entries arrived.
    checkpoint = checkpoint_latest()
    if checkpoint is None:
        raise CommandError(
            "no checkpoint has been published yet: the task worker signs one every hour "
            "(`haven tasks run`), or sign one now with `haven ledger checkpoint`"
        )
    try:
        written = write_export(
            args.directory,
            leaves=leaves_upto(size=checkpoint.size),
            checkpoint_note=checkpoint.note,
            vkey=ledger_vkey(),
            entry_bundles=True,
        )
    except FileExistsError as error:
        raise CommandError(f"{error}; choose a new or empty directory") from None
    print(f"exported {written.size} entries to {args.directory} (checkpoint, vkey, leaves, tile/)")
    return 0


def prove_command(args: argparse.Namespace) -> int:
    setup_django()
    from haven.web.ledger.selectors import LedgerRangeError, inclusion_proof_document

    try:
        print(json.dumps(inclusion_proof_document(index=args.index, size=args.size)))
    except LedgerRangeError as error:
        raise CommandError(str(error)) from None
    return 0


def consistency_command(args: argparse.Namespace) -> int:
    setup_django()
    from haven.web.ledger.selectors import LedgerRangeError, consistency_proof_document

    try:
        print(
            json.dumps(consistency_proof_document(old_size=args.old_size, new_size=args.new_size))
        )
    except LedgerRangeError as error:
        raise CommandError(str(error)) from None
    return 0


def verify_command(args: argparse.Namespace) -> int:
    from haven.ledger.errors import LedgerError, LogVerificationError
    from haven.ledger.export import verify_export

    vkey = args.vkey
    if vkey is not None and Path(vkey).is_file():
        vkey = Path(vkey).read_text(encoding="utf-8")
    try:
        checkpoint = verify_export(args.directory, vkey=vkey)
    except FileNotFoundError as error:
        raise CommandError(
            f"{args.directory} is not a complete export: {error.filename} is missing"
        ) from None
    except LogVerificationError as error:
        if args.json:
            print(
                json.dumps(
                    {
                        "verified": False,
                        "reason": error.reason,
                        "position": error.position,
                        "error": str(error),
                    }
                )
            )
        raise CommandError(f"verification failed: {error}") from None
    except (LedgerError, ValueError) as error:
        if args.json:
            print(
                json.dumps(
                    {
                        "verified": False,
                        "reason": type(error).__name__,
                        "position": None,
                        "error": str(error),
                    }
                )
            )
        raise CommandError(f"verification failed: {error}") from None
    if args.json:
        print(
            json.dumps(
                {
                    "verified": True,
                    "origin": checkpoint.origin,
                    "size": checkpoint.size,
                    "root": _b64(checkpoint.root_hash),
                }
            )
        )
    else:
        print(
            f"verified: {checkpoint.size} entries of {checkpoint.origin}, root {_b64(checkpoint.root_hash)}"
        )
    return 0


def checkpoint_command(args: argparse.Namespace) -> int:
    setup_django()
    from haven.web.ledger.services import checkpoint_sign

    print(checkpoint_sign().note, end="")
    return 0


def rotate_key_command(args: argparse.Namespace) -> int:
    setup_django()
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
