"""Text renderings of the analysis, and the policy comparison report (DESIGN.md §6).

`render_diff` and `render_check` are what `haven policy diff` and `haven policy check`
print without `--json`. `comparison_report` builds `docs/policy-comparison.md`: the
matrix of changed-point counts between every pair of policies, the matrix of policy ×
promise with counterexamples, and the regions of a few notable pairs. Everything in
it is computed from the compiled tables, and it carries no timestamp, so the file
changes only when a policy or a promise does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from haven.policy.compiled import CompiledPolicy
from haven.policy.diff import DiffRegion, PolicyDiff, diff
from haven.policy.promises import Promise, PromiseResult, check
from haven.policy.space import SIZE, Value

NOTABLE_PAIRS: tuple[tuple[str, str, str], ...] = (
    (
        "npcc-2018",
        "met-2019",
        'The Met\'s 2019 redraft was called "nearly identical" to the withdrawn policy. '
        "Against the national NPCC guidance it is exactly this:",
    ),
    (
        "npcc-2018",
        "hmicfrs-2020",
        "HMICFRS recommendation 1 (stop sharing domestic-abuse victims' data on mere "
        "doubt), applied to the NPCC guidance as written:",
    ),
    (
        "firewall",
        "firewall-consent",
        "What the consent variant of the firewall gives up:",
    ),
)


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
    """The readable table `haven policy diff A B` prints."""
    lines = [
        f"{result.a} ({result.a_version}) -> {result.b} ({result.b_version})",
        f"{result.changed:,} of {result.total:,} points change decision "
        f"({_percent(result.changed, result.total)}); "
        f"{result.outcome_changed:,} change outcome (decision, rules or obligations).",
    ]
    what = "outcome changes" if result.compare == "outcome" else "changed points"
    if not result.regions:
        lines.append(f"No {what}.")
        if result.compare != "outcome" and result.outcome_changed:
            lines.append(
                f"Reasons or obligations change at {result.outcome_changed:,} points: "
                "add --outcomes to see where."
            )
        return "\n".join(lines) + "\n"
    lines.append(f"The {what} form {len(result.regions)} regions (each exact):")
    lines.append("")
    width = len(str(len(result.regions)))
    for number, region in enumerate(result.regions, start=1):
        lines.append(
            f"{number:>{width}}. {region.from_decision} -> {region.to_decision}  "
            f"{region.count:>9,} points  where {format_when(region.when)}"
        )
        pad = " " * (width + 2)
        lines.append(
            f"{pad}rules: {format_rules(region.rules_from)} -> {format_rules(region.rules_to)}"
        )
        if region.obligations_from != region.obligations_to:
            lines.append(
                f"{pad}obligations: {', '.join(region.obligations_from) or '(none)'} -> "
                f"{', '.join(region.obligations_to) or '(none)'}"
            )
    return "\n".join(lines) + "\n"


# --- haven policy check ---------------------------------------------------------------


def render_check(policy: CompiledPolicy, results: Sequence[PromiseResult]) -> str:
    """The readable list `haven policy check POLICY` prints."""
    lines = [f"{policy.id} ({policy.version}): promises checked over the whole decision space"]
    if not results:
        lines.append("No promises to check.")
    for result in results:
        promise = result.promise
        if result.holds:
            lines.append(f"HOLDS  {promise.id}  ({promise.size:,} points, all {promise.expect})")
            continue
        lines.append(
            f"FAILS  {promise.id}  ({result.failing:,} of {promise.size:,} points are not "
            f"{promise.expect})"
        )
        lines.append(f"       first counterexample: {format_case(result.counterexample or {})}")
        decision = result.outcome.decision if result.outcome else "?"
        lines.append(f"       decided {decision} by: {', '.join(result.responsible)}")
    return "\n".join(lines) + "\n"


def check_document(results: Sequence[PromiseResult]) -> dict[str, Any]:
    """`{"promises": [{"id", "holds", "counterexample", …}]}` (DESIGN.md §6)."""
    return {"promises": [result.to_json() for result in results]}


# --- haven policy report --------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _region_rows(regions: Sequence[DiffRegion]) -> list[str]:
    rows = [
        "| # | change | points | where | rules (from → to) |",
        "|---:|---|---:|---|---|",
    ]
    for number, region in enumerate(regions, start=1):
        rules = f"{format_rules(region.rules_from)} → {format_rules(region.rules_to)}"
        if region.obligations_from != region.obligations_to:
            rules += (
                f"; obligations {', '.join(region.obligations_from) or '(none)'} → "
                f"{', '.join(region.obligations_to) or '(none)'}"
            )
        rows.append(
            f"| {number} | {region.from_decision} → {region.to_decision} | {region.count:,} | "
            f"{_md(format_when(region.when))} | {rules} |"
        )
    return rows


def comparison_report(policies: Sequence[CompiledPolicy], promises: Sequence[Promise]) -> str:
    """The Markdown of `docs/policy-comparison.md` for these policies and promises."""
    by_id = {policy.id: policy for policy in policies}
    ids = [policy.id for policy in policies]
    lines = [
        "# Policy comparison",
        "",
        "Generated by `haven policy report` from the shipped policies and the promise "
        "catalogue; do not edit by hand. Every number is exact: it is computed over all "
        f"{SIZE:,} points of the decision space (DESIGN.md §3), not sampled.",
        "",
        "| policy | version | rules | title |",
        "|---|---|---:|---|",
    ]
    for policy in policies:
        lines.append(
            f"| `{policy.id}` | `{policy.version}` | {len(policy.policy.rules)} | "
            f"{_md(policy.policy.title)} |"
        )

    lines += [
        "",
        "## Changed decisions between every pair",
        "",
        "Points whose decision (allow/deny) differs between the row and the column "
        "policy (the matrix is symmetric). `haven policy diff A B` lists the regions.",
        "",
        "| from \\ to | " + " | ".join(f"`{i}`" for i in ids) + " |",
        "|---|" + "---:|" * len(ids),
    ]
    for a in ids:
        cells = []
        for b in ids:
            cells.append("·" if a == b else f"{diff(by_id[a], by_id[b]).changed:,}")
        lines.append(f"| `{a}` | " + " | ".join(cells) + " |")

    lines += ["", "## Promises", ""]
    if not promises:
        lines.append("The promise catalogue is empty, so there is nothing to check yet.")
    else:
        results = {policy.id: check(policy, promises) for policy in policies}
        lines += [
            "Each promise is checked over every point of its region. **holds** means "
            "the policy gives the promised decision everywhere in it; **fails** links "
            "to the first counterexample in point order.",
            "",
            "| promise | " + " | ".join(f"`{i}`" for i in ids) + " |",
            "|---|" + "---|" * len(ids),
        ]
        footnotes: list[str] = []
        for index, promise in enumerate(promises):
            cells = []
            for policy_id in ids:
                result = results[policy_id][index]
                if result.holds:
                    cells.append("holds")
                    continue
                footnotes.append(_counterexample_note(len(footnotes) + 1, policy_id, result))
                cells.append(f"fails [{len(footnotes)}]")
            lines.append(f"| `{promise.id}` | " + " | ".join(cells) + " |")
        lines += ["", "Promise texts:", ""]
        for promise in promises:
            lines.append(f"- `{promise.id}` (expects {promise.expect}): {promise.english}")
        if footnotes:
            lines += ["", "### Counterexamples", ""] + footnotes

    lines += ["", "## Notable pairs"]
    for a, b, introduction in NOTABLE_PAIRS:
        if a not in by_id or b not in by_id:
            continue
        result = diff(by_id[a], by_id[b])
        lines += [
            "",
            f"### `{a}` → `{b}`",
            "",
            introduction,
            f"{result.changed:,} of {result.total:,} points change decision "
            f"({_percent(result.changed, result.total)}), in {len(result.regions)} exact "
            f"regions; {result.outcome_changed:,} points change outcome (decision, rules "
            "or obligations).",
            "",
        ]
        if result.regions:
            lines += _region_rows(result.regions)
        if result.outcome_changed > result.changed:
            detail = diff(by_id[a], by_id[b], outcomes=True)
            same = [r for r in detail.regions if r.from_decision == r.to_decision]
            lines += [
                "",
                f"Where the decision stays the same but the rules or obligations change "
                f"({result.outcome_changed - result.changed:,} points):",
                "",
            ] + _region_rows(same)
    lines += [
        "",
        "Regions use the promise convention: an attribute left out covers all its "
        "values. They partition the changed points exactly (each changed point is in "
        "one region, and every point of a region changes as stated).",
    ]
    return "\n".join(lines) + "\n"


def _counterexample_note(number: int, policy_id: str, result: PromiseResult) -> str:
    decision = result.outcome.decision if result.outcome else "?"
    return (
        f"{number}. `{result.promise.id}` under `{policy_id}`: {result.failing:,} of "
        f"{result.promise.size:,} points are not {result.promise.expect}. First: "
        f"{_md(format_case(result.counterexample or {}))} → **{decision}** by "
        f"{format_rules(result.outcome.rule_ids if result.outcome else ())}."
    )
