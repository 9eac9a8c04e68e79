"""Loading a Cedar policy (docs/decision-space.md): parse, check annotations, validate, key by `@id`.

A policy is accepted only if:

- the text parses (a syntax error names the line and rule where it fails);
- every rule carries non-empty `@id`, `@source` and `@summary` annotations;
- no two rules share an `@id`;
- every `@obligation` (comma-separated) is in the vocabulary of `haven.policy.obligations`;
- it has no templates;
- it validates against Haven's Cedar schema (`cedarpy.validate_policies`).

Cedar numbers policies positionally (`policy0`, …) and treats `@id` as an inert
annotation, so the loader converts to the JSON form, re-keys `staticPolicies` by the
`@id` annotation and loads that with `PolicySet.from_json_str`: the ids in Cedar's
responses are then the rule ids. Evaluation errors are found by the compiler.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import cedarpy

from haven.policy.errors import (
    DuplicateRuleIdError,
    MissingAnnotationError,
    PolicyError,
    PolicySchemaError,
    PolicySyntaxError,
    UnknownObligationError,
    UnsupportedPolicyError,
)
from haven.policy.model import Kind, Policy, Rule
from haven.policy.obligations import OBLIGATIONS, split_obligations
from haven.policy.schema import schema
from haven.policy.statements import Statement, leading_comment, split_statements

REQUIRED_ANNOTATIONS: dict[str, str] = {
    "id": '@id("a-unique-rule-name")',
    "source": '@source("<document>, <section>")',
    "summary": '@summary("<one plain-English sentence>")',
}
_POSITIONAL_ID = re.compile(r"policy(\d+)")
_TITLE_PREFIX = re.compile(r"^(title|policy)\s*:\s*", re.IGNORECASE)
_KIND_LINE = re.compile(r"^kind\s*:\s*(.+)$", re.IGNORECASE)
PRACTICE_KIND = "practice as found"
"""The header line `// Kind: practice as found` marks a description of practice."""


def load_policy_file(path: Path, *, policy_id: str | None = None) -> Policy:
    """Load and validate the policy in a `.cedar` file; its id defaults to the file stem.

    Raises:
        PolicyError: the file cannot be read or the policy is refused (see module doc).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(f"cannot read policy file {str(path)!r}: {error}") from error
    return load_policy_text(text, policy_id=policy_id or path.stem, path=path)


def load_policy_text(text: str, *, policy_id: str, path: Path | None = None) -> Policy:
    """Load and validate policy text.

    Raises:
        PolicySyntaxError: the text does not parse.
        UnsupportedPolicyError: the text holds Cedar templates.
        MissingAnnotationError: a rule lacks `@id`, `@source` or `@summary`.
        DuplicateRuleIdError: two rules share an `@id`.
        UnknownObligationError: an `@obligation` is outside the vocabulary.
        PolicySchemaError: the policy does not validate against Haven's schema.
    """
    if not isinstance(text, str):
        raise TypeError(f"policy text must be a str, got {type(text).__name__}")
    est = _parse(text)
    if est.get("templates") or est.get("templateLinks"):
        raise UnsupportedPolicyError(
            "policy uses Cedar templates (?principal/?resource); "
            "write each rule as a static policy instead"
        )
    statements = [s for s in split_statements(text) if not s.is_blank]
    positional = _in_file_order(est.get("staticPolicies", {}))
    if len(statements) != len(positional):
        # Should not happen for text that parsed; without a reliable split, rules
        # simply carry no source text or line.
        statements = []
    rules = _rules(positional, statements)
    _check_unique_ids(rules)
    _validate_against_schema(text, positional, rules)
    rekeyed = {
        "staticPolicies": {rule.id: dict(rule.est) for rule in rules},
        "templates": {},
        "templateLinks": [],
    }
    policy_set = cedarpy.PolicySet.from_json_str(json.dumps(rekeyed))
    return Policy(
        id=policy_id,
        title=_title(text) or policy_id,
        text=text,
        rules=tuple(rules),
        policy_set=policy_set,
        path=path,
        kind=_kind(text),
    )


def _parse(text: str) -> dict[str, Any]:
    try:
        return json.loads(cedarpy.policies_to_json_str(text))
    except ValueError as error:
        raise _locate_syntax_error(text, str(error)) from error


def _locate_syntax_error(text: str, message: str) -> PolicySyntaxError:
    """Find the first statement that fails to parse on its own and name it."""
    for statement in split_statements(text):
        if statement.is_blank:
            continue
        if not statement.terminated:
            return PolicySyntaxError(
                f"syntax error at line {statement.line}{_naming(statement)}: the statement "
                f"is not finished ({message}); end every rule with ';'",
                line=statement.line,
                rule_id=statement.rule_id,
            )
        try:
            cedarpy.policies_to_json_str(statement.text)
        except ValueError as error:
            return PolicySyntaxError(
                f"syntax error in the rule starting at line {statement.line}"
                f"{_naming(statement)}: {error}",
                line=statement.line,
                rule_id=statement.rule_id,
            )
    return PolicySyntaxError(f"syntax error: {message}")


def _naming(statement: Statement) -> str:
    return f" (@id {statement.rule_id!r})" if statement.rule_id else ""


def _in_file_order(static: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    def position(item: tuple[str, Any]) -> int:
        match = _POSITIONAL_ID.fullmatch(item[0])
        return int(match.group(1)) if match else 0

    return sorted(static.items(), key=position)


def _rules(positional: list[tuple[str, dict[str, Any]]], statements: list[Statement]) -> list[Rule]:
    rules: list[Rule] = []
    problems: list[str] = []
    for index, (_, est) in enumerate(positional):
        statement = statements[index] if statements else None
        annotations: dict[str, str] = dict(est.get("annotations") or {})
        where = _where(index, annotations.get("id"), statement, est["effect"])
        missing = [
            name for name in REQUIRED_ANNOTATIONS if not (annotations.get(name) or "").strip()
        ]
        if missing:
            wanted = " and ".join(REQUIRED_ANNOTATIONS[name] for name in missing)
            problems.append(f"{where} has no {', '.join('@' + m for m in missing)}: add {wanted}")
            continue
        obligations = split_obligations(annotations.get("obligation", ""))
        unknown = [name for name in obligations if name not in OBLIGATIONS]
        if unknown:
            raise UnknownObligationError(
                f"{where} has @obligation {', '.join(repr(u) for u in unknown)}: expected "
                f"comma-separated names from {', '.join(OBLIGATIONS)}"
            )
        rules.append(
            Rule(
                id=annotations["id"].strip(),
                effect=est["effect"],
                source=annotations["source"].strip(),
                summary=annotations["summary"].strip(),
                obligations=obligations,
                annotations=annotations,
                est=est,
                text=statement.code if statement else None,
                line=statement.line if statement else None,
            )
        )
    if problems:
        raise MissingAnnotationError("; ".join(problems))
    return rules


def _where(index: int, rule_id: str | None, statement: Statement | None, effect: str) -> str:
    if rule_id and rule_id.strip():
        where = f"rule {rule_id.strip()!r}"
    else:
        where = f"rule {index + 1} ({effect})"
    if statement is not None:
        where += f" at line {statement.line}"
    return where


def _check_unique_ids(rules: list[Rule]) -> None:
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            lines = f" (lines {first.line} and {rule.line})" if first.line and rule.line else ""
            raise DuplicateRuleIdError(
                f"two rules have @id({rule.id!r}){lines}: give each rule a unique @id"
            )
        seen[rule.id] = rule


def _validate_against_schema(
    text: str, positional: list[tuple[str, dict[str, Any]]], rules: list[Rule]
) -> None:
    result = cedarpy.validate_policies(text, schema())
    if result.validation_passed:
        return
    by_positional = {pid: rule for (pid, _), rule in zip(positional, rules, strict=True)}
    messages: list[str] = []
    reported: set[str] = set()
    for error in result.errors:
        # Cedar repeats one mistake once per action; one message per rule is enough.
        if error.policy_id in reported:
            continue
        reported.add(error.policy_id)
        rule = by_positional.get(error.policy_id)
        detail = error.error.replace(f"for policy `{error.policy_id}`, ", "")
        if rule is not None:
            line = f" at line {rule.line}" if rule.line else ""
            message = f"rule {rule.id!r}{line} does not fit Haven's schema: {detail}"
        else:
            message = f"policy does not fit Haven's schema: {detail}"
        messages.append(message)
    raise PolicySchemaError(
        "; ".join(messages)
        + " (the schema is src/haven/policies/haven.cedarschema: principal Haven::Officer, "
        "resource Haven::Person, the other attributes in context)"
    )


def _kind(text: str) -> Kind:
    """ "practice" when the header says `Kind: practice as found`, else "written".

    Raises:
        PolicyError: a `Kind:` line names anything else.
    """
    for line in leading_comment(text):
        match = _KIND_LINE.match(line)
        if match is None:
            continue
        value = match.group(1).strip().lower()
        if value == PRACTICE_KIND:
            return "practice"
        if value == "written":
            return "written"
        raise PolicyError(
            f"the header line 'Kind: {match.group(1).strip()}' is not understood: write "
            f"'Kind: {PRACTICE_KIND}' for a description of practice, or leave it out"
        )
    return "written"


def _title(text: str) -> str | None:
    for line in leading_comment(text):
        if line:
            return _TITLE_PREFIX.sub("", line)
    return None
