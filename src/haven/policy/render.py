"""Text renderings of the analysis: what `haven policy diff` and `check` print.

`render_diff` and `render_check` are the readable forms of `haven policy diff` and
`haven policy check` (without `--json`); the formatting helpers here also serve the
comparison report (`haven.policy.comparison`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from haven.policy.compiled import CompiledPolicy
from haven.policy.diff import DiffRegion, PolicyDiff
from haven.policy.promises import PromiseResult
from haven.policy.space import Value

NOT_STATED_SHOWN = 12
"""How many not-stated regions the text of `haven policy diff` lists (`--json` has all)."""


def plural(count: int, noun: str) -> str:
    """`1 region`, `2 regions`."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def format_value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def format_when(when: Mapping[str, Sequence[Value]]) -> str:
    """`action=disclose, status_concern=suspected|confirmed`; "everywhere" when empty."""
    if not when:
        return "everywhere"
    return ", ".join(
        f"{name}={'|'.join(format_value(v) for v in values)}" for name, values in when.items()
    )


def format_rules(rule_ids: Sequence[str]) -> str:
    return ", ".join(rule_ids) if rule_ids else "(default deny)"


def format_case(case: Mapping[str, Value]) -> str:
    return ", ".join(f"{name}={format_value(value)}" for name, value in case.items())


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%"


# --- haven policy diff ----------------------------------------------------------------


def render_diff(result: PolicyDiff) -> str:
    """The readable table `haven policy diff A B` prints.

    Real changes (both policies state the point) come first; points one side leaves
    to its default deny follow under their own heading, never mixed with changes.
    """
    lines = [
        f"{result.a} ({result.a_version}) -> {result.b} ({result.b_version})",
        f"{result.changed:,} of {result.total:,} points change decision "
        f"({_percent(result.changed, result.total)}) where both policies state it; "
        f"{result.outcome_changed:,} change outcome (decision, rules or obligations).",
        f"{result.not_stated:,} points are stated by one policy only "
        "(the other decides them by its default deny): listed apart, not as changes.",
    ]
    what = "outcome changes" if result.compare == "outcome" else "changed points"
    if not result.regions:
        lines.append(f"No {what}.")
        if result.compare != "outcome" and result.outcome_changed:
            lines.append(
                f"Reasons or obligations change at {result.outcome_changed:,} points: "
                "add --outcomes to see where."
            )
    else:
        lines.append(f"The {what} form {plural(len(result.regions), 'region')} (each exact):")
        lines.append("")
        lines += _region_lines(result.regions)
    if result.not_stated_regions:
        shown = result.not_stated_regions[:NOT_STATED_SHOWN]
        lines += [
            "",
            f"Not stated by one side ({len(result.not_stated_regions)} regions"
            + (
                f", the {len(shown)} largest shown; --json lists all"
                if len(shown) < len(result.not_stated_regions)
                else ""
            )
            + "):",
            "",
        ]
        lines += _region_lines(shown, names=(result.a, result.b))
    return "\n".join(lines) + "\n"


def _region_lines(
    regions: Sequence[DiffRegion], *, names: tuple[str, str] | None = None
) -> list[str]:
    lines = []
    width = len(str(len(regions)))
    pad = " " * (width + 2)
    for number, region in enumerate(regions, start=1):
        silent = ""
        if names is not None and region.silent is not None:
            silent = f"  [{names[0] if region.silent == 'a' else names[1]} is silent]"
        lines.append(
            f"{number:>{width}}. {region.from_decision} -> {region.to_decision}  "
            f"{region.count:>9,} points  where {format_when(region.when)}{silent}"
        )
        lines.append(
            f"{pad}rules: {format_rules(region.rules_from)} -> {format_rules(region.rules_to)}"
        )
        if region.obligations_from != region.obligations_to:
            lines.append(
                f"{pad}obligations: {', '.join(region.obligations_from) or '(none)'} -> "
                f"{', '.join(region.obligations_to) or '(none)'}"
            )
    return lines


# --- haven policy check ---------------------------------------------------------------


def render_check(policy: CompiledPolicy, results: Sequence[PromiseResult]) -> str:
    """The readable list `haven policy check POLICY` prints."""
    lines = [f"{policy.id} ({policy.version}): promises checked over the whole decision space"]
    if not results:
        lines.append("No promises to check.")
    for result in results:
        promise = result.promise
        if result.holds:
            lines.append(
                f"HOLDS       {promise.id}  ({promise.size:,} points, all "
                f"{promise.guarantee}, each by a rule)"
            )
            continue
        if result.status == "fails":
            lines.append(
                f"FAILS       {promise.id}  ({result.failing:,} of {promise.size:,} points "
                f"are not {promise.guarantee})"
            )
            lines.append(
                f"            first counterexample: {format_case(result.counterexample or {})}"
            )
        else:
            lines.append(
                f"NOT STATED  {promise.id}  (kept, but at {result.silent:,} of "
                f"{promise.size:,} points only by the default deny: the policy is silent)"
            )
            lines.append(
                f"            first silent point: {format_case(result.counterexample or {})}"
            )
        decision = result.outcome.decision if result.outcome else "?"
        lines.append(f"            decided {decision} by: {', '.join(result.responsible)}")
    return "\n".join(lines) + "\n"


def check_document(results: Sequence[PromiseResult]) -> dict[str, Any]:
    """`{"promises": [{"id", "status", "holds", "counterexample", …}]}` (docs/contracts.md)."""
    return {"promises": [result.to_json() for result in results]}
