"""`haven receipt verify FILE`: check a promise receipt offline, against pinned keys.

The contract is in docs/receipts.md. It needs no database and no site settings: the
receipt key and the log key are pinned by whoever verifies (a verifier key string, or a
file holding verifier keys one a line), never taken from the receipt or the site.

Exit status (docs/contracts.md): 0 valid, with a summary on stdout; 2 for every error,
a receipt that does not verify included (one line on stderr naming the failed check),
as `haven ledger verify` does for a log that does not verify.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from haven.commands import CommandError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("receipt", help="check a promise receipt (docs/receipts.md)")
    sub = parser.add_subparsers(dest="receipt_command", metavar="SUBCOMMAND", required=True)
    verify = sub.add_parser(
        "verify",
        help="verify a promise receipt offline against pinned keys (needs no database)",
    )
    verify.add_argument("file", metavar="FILE", type=Path)
    verify.add_argument(
        "--receipt-key",
        metavar="KEY|FILE",
        action="append",
        help="the site's receipt verifier key (from /receipts/key, taken from a source you "
        "trust), or a file of them; may be repeated",
    )
    verify.add_argument(
        "--log-key",
        metavar="KEY|FILE",
        action="append",
        help="the log's checkpoint verifier key (/transparency/log/vkey), or a file of "
        "them; may be repeated",
    )
    verify.add_argument("--origin", help="also require the checkpoint to name this log origin")
    verify.add_argument("--json", action="store_true", help="JSON on stdout")
    verify.set_defaults(run=verify_command)


def _pinned(values: list[str] | None, flag: str) -> list:
    from haven.ledger.errors import InvalidNoteError
    from haven.ledger.export import parse_trusted_keys
    from haven.ledger.note import parse_vkey

    if not values:
        raise CommandError(
            f"no {flag} given: pin the key you trust (a verifier key, or a file of them), "
            "taken from the site or its operator, never from the receipt"
        )
    keys = []
    for value in values:
        path = Path(value)
        if path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"cannot read the {flag} file {path}: {error}") from None
            try:
                keys += parse_trusted_keys(text, source=str(path))
            except InvalidNoteError as error:
                raise CommandError(f"{flag} file {path}: {error}") from None
            continue
        try:
            keys.append(parse_vkey(value.strip()))
        except (InvalidNoteError, ValueError) as error:
            raise CommandError(
                f"{flag} is neither a verifier key (name+id+key) nor a file: {error}"
            ) from None
    return keys


def verify_command(args: argparse.Namespace) -> int:
    from haven.ledger.receipts import (
        MAX_RECEIPT_BYTES,
        ReceiptError,
        receipt_summary,
        verify_receipt,
    )

    receipt_keys = _pinned(args.receipt_key, "--receipt-key")
    log_keys = _pinned(args.log_key, "--log-key")
    try:
        with args.file.open("rb") as file:
            data = file.read(MAX_RECEIPT_BYTES + 1)
    except OSError as error:
        raise CommandError(
            f"cannot read {args.file}: {getattr(error, 'strerror', None) or error}"
        ) from None
    try:
        verified = verify_receipt(
            data, receipt_keys=receipt_keys, log_keys=log_keys, origin=args.origin
        )
    except ReceiptError as error:
        reason = " ".join(str(error).split())  # one line, whatever the message held
        if args.json:
            print(json.dumps({"verified": False, "check": error.check, "error": reason}))
        raise CommandError(f"the receipt does not verify ({error.check}): {reason}") from None
    summary = receipt_summary(verified)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, sort_keys=True))
        return 0
    receipt = verified.receipt
    print(f"valid: a promise receipt for {receipt.report}")
    print(f"force: {receipt.force_name} ({receipt.force_code})")
    print(
        f"policy: {receipt.policy_id} version {receipt.policy_version} (sha256 {receipt.policy_sha256})"
    )
    print(f"received: {summary['received_at']}")
    print(f"issued: {receipt.issued_at}")
    print(
        f"in the log: entry {receipt.entry.index} of {summary['size']} "
        f"({summary['origin']}, root {summary['root']})"
    )
    print(f"promises proven ({len(receipt.promises)}):")
    for promise in receipt.promises:
        print(f"  - [{promise.language}] {promise.text}")
    return 0
