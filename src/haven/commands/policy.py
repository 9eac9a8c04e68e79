"""`haven policy …`: list, show, decide, diff, check, notice, report, publish
(docs/contracts.md).

Each sub-command is one `_register_<name>` function (parser) and one `run_<name>`
function (behaviour). Library errors (`PolicyError`, `InvalidCaseError`) become
`CommandError`, which `haven` prints as one line on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from haven.commands import CommandError
from haven.policy import (
    CompiledPolicy,
    InvalidCaseError,
    Policy,
    PolicyError,
    load_compiled_policy,
    load_policy,
    shipped_policy_ids,
    validate_case,
)
from haven.policy.obligations import describe_obligation

POLICY_HELP = "a shipped policy id (see `haven policy list`) or a path to a .cedar file"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("policy", help="inspect, decide and compare data-sharing policies")
    parser.set_defaults(run=lambda _args: _print_usage(parser))
    subcommands = parser.add_subparsers(dest="policy_command", metavar="SUBCOMMAND")
    _register_list(subcommands)
    _register_show(subcommands)
    _register_decide(subcommands)
    _register_diff(subcommands)
    _register_check(subcommands)
    _register_notice(subcommands)
    _register_report(subcommands)
    _register_publish(subcommands)


# --- shared helpers -------------------------------------------------------------


def open_policy(spec: str) -> Policy:
    """Load POLICY, turning a refusal into a `CommandError` that says what to fix."""
    try:
        return load_policy(spec)
    except PolicyError as error:
        raise CommandError(f"policy {spec}: {error}") from error


def open_compiled_policy(spec: str) -> CompiledPolicy:
    """Load and compile POLICY (using the compile cache), errors as `CommandError`."""
    try:
        return load_compiled_policy(spec)
    except PolicyError as error:
        raise CommandError(f"policy {spec}: {error}") from error


def print_json(document: Any) -> None:
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _print_usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


# --- haven policy list -------------------------------------------------------------


def _register_list(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("list", help="list the shipped policies")
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.set_defaults(run=run_list)


def run_list(args: argparse.Namespace) -> int:
    entries: list[dict[str, Any]] = []
    for policy_id in shipped_policy_ids():
        try:
            # Compiling (cached) also catches rules that error somewhere in the space.
            policy = load_compiled_policy(policy_id).policy
        except PolicyError as error:
            # One broken file must not hide the others; say what is wrong with it.
            entries.append({"id": policy_id, "error": str(error)})
            continue
        entries.append(
            {
                "id": policy.id,
                "version": policy.version,
                "kind": policy.kind,
                "title": policy.title,
                "rules": len(policy.rules),
            }
        )
    if args.json:
        print_json({"policies": entries})
        return 0
    if not entries:
        print("No shipped policies found.")
        return 0
    width = max(len(entry["id"]) for entry in entries)
    for entry in entries:
        if "error" in entry:
            print(f"{entry['id']:<{width}}  REFUSED: {entry['error']}")
        else:
            practice = " [practice as found: a baseline, never a force's policy]"
            print(
                f"{entry['id']:<{width}}  {entry['version']}  {entry['rules']:>2} rules  "
                f"{entry['title']}{practice if entry['kind'] == 'practice' else ''}"
            )
    return 0


# --- haven policy show -------------------------------------------------------------


def _register_show(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("show", help="show a policy's rules with their citations")
    parser.add_argument("policy", metavar="POLICY", help=POLICY_HELP)
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.set_defaults(run=run_show)


def policy_document(policy: Policy) -> dict[str, Any]:
    """The JSON form of `haven policy show --json`."""
    return {
        "policy": policy.id,
        "version": policy.version,
        "title": policy.title,
        "rules": [
            {
                "id": rule.id,
                "effect": rule.effect,
                "summary": rule.summary,
                "source": rule.source,
                "obligations": list(rule.obligations),
                "line": rule.line,
                "text": rule.text,
            }
            for rule in policy.rules
        ],
    }


def run_show(args: argparse.Namespace) -> int:
    policy = open_policy(args.policy)
    if args.json:
        print_json(policy_document(policy))
        return 0
    print(f"{policy.id}: {policy.title}")
    print(f"version {policy.version}, {len(policy.rules)} rules")
    if policy.describes_practice:
        print("Practice as found: describes what forces did; never a force's active policy.")
    for number, rule in enumerate(policy.rules, start=1):
        verb = "FORBID" if rule.effect == "forbid" else "PERMIT"
        print()
        print(f"{number}. {verb}  {rule.id}")
        print(_fill(rule.summary, indent="   ", subsequent="   "))
        print(_fill(f"Source: {rule.source}", indent="   ", subsequent="   "))
        if rule.obligations:
            duties = "; ".join(f"{o} ({describe_obligation(o)})" for o in rule.obligations)
            print(_fill(f"Obligations: {duties}", indent="   ", subsequent="   "))
        if rule.text:
            print(textwrap.indent(_without_annotations(rule.text), "     | "))
    return 0


def _without_annotations(text: str) -> str:
    """The rule's Cedar text from `permit`/`forbid` on (annotations are shown above)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("permit", "forbid")):
            return "\n".join(lines[index:])
    return text


# --- haven policy decide -------------------------------------------------------------


def _register_decide(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("decide", help="decide one case under a policy")
    parser.add_argument("policy", metavar="POLICY", help=POLICY_HELP)
    parser.add_argument(
        "--case",
        required=True,
        metavar="FILE",
        help="a JSON file holding one case (docs/decision-space.md), or - for standard input",
    )
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.set_defaults(run=run_decide)


def read_case(source: str) -> Any:
    """The JSON value in FILE (or standard input for `-`), errors as `CommandError`."""
    name = "standard input" if source == "-" else repr(source)
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read the case file {name}: {error}") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"the case in {name} is not valid JSON (line {error.lineno}, column "
            f"{error.colno}: {error.msg}); expected one object with the 11 keys of the "
            f"decision space"
        ) from error


def run_decide(args: argparse.Namespace) -> int:
    try:
        # Check the case before compiling, so a typo costs nothing.
        case = validate_case(read_case(args.case))
    except InvalidCaseError as error:
        raise CommandError(f"{error} (in {args.case})") from error
    result = open_compiled_policy(args.policy).decide(case)
    if args.json:
        print_json(result.to_json())
        return 0
    # The explanation already quotes each rule's summary: below it come only what it
    # does not say (each rule's source, the obligation codes), never the text again.
    print(f"{result.decision.upper()} under {result.policy} (version {result.version})")
    print(_fill(result.explanation))
    if result.reasons:
        print("Sources:")
        for reason in result.reasons:
            print(_fill(f"{reason.id}: {reason.source}", indent="  - ", subsequent="    "))
    if result.obligations:
        print(_fill("Obligation codes: " + ", ".join(result.obligations)))
    return 0


def _fill(text: str, *, indent: str = "", subsequent: str = "") -> str:
    """Wrap at 88 columns without ever breaking inside a hyphenated rule id."""
    return textwrap.fill(
        text,
        width=88,
        initial_indent=indent,
        subsequent_indent=subsequent,
        break_on_hyphens=False,
        break_long_words=False,
    )


# --- haven policy diff / check / notice / report (haven.policy.diff, promises, notice) ---


def _register_diff(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "diff", help="the exact regions where two policies decide differently"
    )
    parser.add_argument("a", metavar="A", help=POLICY_HELP)
    parser.add_argument("b", metavar="B", help=POLICY_HELP)
    parser.add_argument(
        "--outcomes",
        action="store_true",
        help="partition every outcome change (rules, obligations), not only decision changes",
    )
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.set_defaults(run=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    from haven.policy.diff import diff
    from haven.policy.render import render_diff

    result = diff(
        open_compiled_policy(args.a), open_compiled_policy(args.b), outcomes=args.outcomes
    )
    if args.json:
        print_json(result.to_json())
    else:
        sys.stdout.write(render_diff(result))
    return 0


def _register_check(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "check",
        help="check promises against a policy (exit 0 even when one fails; see --strict)",
    )
    parser.add_argument("policy", metavar="POLICY", help=POLICY_HELP)
    parser.add_argument(
        "--promise",
        metavar="ID|FILE",
        action="append",
        help="a catalogue promise id or a promise JSON file (repeatable; default: the catalogue)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when any promise fails")
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    """Exit 0 with the results, pass or fail; 1 with --strict when one fails; 2 on error."""
    from haven.policy.promises import PromiseError, check, load_promise, load_promises
    from haven.policy.render import check_document, render_check

    try:
        promises = (
            [load_promise(spec) for spec in args.promise] if args.promise else load_promises()
        )
    except PromiseError as error:
        raise CommandError(str(error)) from error
    compiled = open_compiled_policy(args.policy)
    results = check(compiled, promises)
    if args.json:
        print_json(check_document(results))
    else:
        sys.stdout.write(render_check(compiled, results))
    return 1 if args.strict and not all(result.holds for result in results) else 0


def _register_notice(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "notice", help="what can happen to a reporter's data under a policy, in plain English"
    )
    parser.add_argument("policy", metavar="POLICY", help=POLICY_HELP)
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.set_defaults(run=run_notice)


def run_notice(args: argparse.Namespace) -> int:
    from haven.policy.notice import notice, render_notice
    from haven.policy.promises import PromiseError

    compiled = open_compiled_policy(args.policy)
    try:
        document = notice(compiled)
    except PromiseError as error:
        raise CommandError(str(error)) from error
    if args.json:
        print_json(document.to_json())
    else:
        sys.stdout.write(render_notice(document))
    return 0


def _register_report(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "report", help="write the comparison of all shipped policies and promises (Markdown)"
    )
    parser.add_argument(
        "--output",
        default="docs/policy-comparison.md",
        metavar="FILE",
        help="where to write it (default: docs/policy-comparison.md)",
    )
    parser.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    from haven.policy.comparison import comparison_report
    from haven.policy.promises import PromiseError, load_promises

    try:
        promises = load_promises()
    except PromiseError as error:
        raise CommandError(str(error)) from error
    policies = [open_compiled_policy(policy_id) for policy_id in shipped_policy_ids()]
    output = Path(args.output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(comparison_report(policies, promises), encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot write the report to {str(output)!r}: {error}") from error
    print(f"wrote {output} ({len(policies)} policies, {len(promises)} promises)")
    return 0


# --- publish --------------------------------------------------------------------------


def _register_publish(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "publish",
        help="store a .cedar file as a new draft version of a force's policy, for its DPOs "
        "to review and sign off on the governance pages",
    )
    parser.add_argument("file", metavar="FILE", help="the Cedar text of the new version")
    parser.add_argument("--force", required=True, metavar="CODE", help="the force's code")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run_publish)


def run_publish(args: argparse.Namespace) -> int:
    """Draft, never more: sign-off needs two signed-in DPOs (docs/governance.md)."""
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {args.file!r}: {error}") from None
    from haven.commands.site import database_error_line, setup_django

    setup_django()
    from django.db import DatabaseError

    from haven.web.accounts.models import Force
    from haven.web.governance.selectors import force_active_version
    from haven.web.governance.services import PolicyTextError, version_draft_create

    try:
        force = Force.objects.filter(code=args.force).first()
        if force is None:
            raise CommandError(f"no force has the code {args.force!r}")
        base = "" if force_active_version(force=force) else force.active_policy
        version = version_draft_create(force=force, text=text, by=None, base_policy=base)
    except PolicyTextError as error:
        where = f"{args.file}:{error.line}: " if error.line else f"{args.file}: "
        raise CommandError(f"refused, nothing stored: {where}{error.text_message}") from None
    except DatabaseError as error:
        raise CommandError(database_error_line(error)) from None
    document = {
        "force": force.code,
        "version": version.number,
        "digest": version.digest,
        "status": version.status,
        "sign_off": f"/governance/{force.code}/{version.number}/",
    }
    if args.json:
        print_json(document)
    else:
        print(
            f"{force.code} version {version.number} stored as a draft "
            f"(sha256 {version.digest}); sign it off at {document['sign_off']}"
        )
    return 0
