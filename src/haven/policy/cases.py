"""Case validation (docs/decision-space.md) and the mapping of a case to a Cedar request.

A case as JSON is an object with exactly the eleven keys of the decision space. A
missing key, an unknown key, a value outside its list or a value of the wrong JSON
type (the string "true" where a boolean belongs) is an `InvalidCaseError` that names
the key and the allowed values. So is a combination that cannot happen (a concern
with no source, a source with no concern): the message says why. A key that an
earlier version of the space had (`risk_to_life`) is named as removed.

`case_point` is the fast path `decide` uses: one dictionary lookup per attribute,
falling back to `validate_case` (and its full error message) on anything unusual.

The Cedar request follows `haven/policies/haven.cedarschema`: principal
`Haven::Officer`, resource `Haven::Person`, action `Haven::Action::"<action>"`, and
the other ten attributes in `context`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from haven.policy.space import (
    ATTRIBUTE_BY_NAME,
    ATTRIBUTE_NAMES,
    ATTRIBUTES,
    REMOVED_ATTRIBUTES,
    Attribute,
    Case,
    Impossible,
    case_to_point,
    format_values,
    impossible_combination,
)

OFFICER_UID = {"type": "Haven::Officer", "id": "officer"}
PERSON_UID = {"type": "Haven::Person", "id": "person"}
ACTION_TYPE = "Haven::Action"


@dataclass(frozen=True)
class CaseProblem:
    """One thing wrong with a case: the key, what was expected and what was found."""

    key: str
    expected: str
    actual: str

    def __str__(self) -> str:
        if self.actual == _UNKNOWN_KEY:
            return f"unknown key {self.key!r}: {self.expected}"
        if self.actual == _IMPOSSIBLE:
            return f"{self.key}: {self.expected}"
        return f"{self.key}: expected {self.expected}; got {self.actual}"


_UNKNOWN_KEY = "an unknown key"
_IMPOSSIBLE = "a combination that cannot happen"
_NEW_IN_V2: dict[str, str] = {
    "status_source": " (new in version 2 of the decision space: who raised the concern)",
}


class InvalidCaseError(ValueError):
    """A case is not a point of the decision space.

    `problems` lists every problem found, in attribute order; the message names each
    key with its allowed values.
    """

    def __init__(self, problems: list[CaseProblem]) -> None:
        self.problems = problems
        super().__init__("invalid case: " + "; ".join(str(problem) for problem in problems))


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, str):
        return f"string {value!r}"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return f"number {value!r}"
    return type(value).__name__


def validate_case(case: Any) -> Case:
    """Check that `case` is exactly one point of the space and return a clean copy.

    Raises:
        InvalidCaseError: `case` is not a mapping, or has a missing key, an unknown
            key, a value outside its attribute's list or a value of the wrong type.
    """
    if not isinstance(case, Mapping):
        raise InvalidCaseError(
            [
                CaseProblem(
                    "case",
                    f"a JSON object with the keys {', '.join(ATTRIBUTE_NAMES)}",
                    _describe(case),
                )
            ]
        )
    problems: list[CaseProblem] = []
    for key in case:
        if key not in ATTRIBUTE_BY_NAME:
            removed = REMOVED_ATTRIBUTES.get(str(key))
            why = f"{removed}; " if removed else ""
            problems.append(
                CaseProblem(
                    str(key),
                    f"{why}the allowed keys are {', '.join(ATTRIBUTE_NAMES)}",
                    _UNKNOWN_KEY,
                )
            )
    clean: Case = {}
    for attribute in ATTRIBUTES:
        if attribute.name not in case:
            problems.append(
                CaseProblem(
                    attribute.name,
                    _allowed(attribute) + _NEW_IN_V2.get(attribute.name, ""),
                    "nothing (the key is missing)",
                )
            )
            continue
        value = case[attribute.name]
        try:
            attribute.position(value)
        except ValueError:
            problems.append(_value_problem(attribute, value))
            continue
        clean[attribute.name] = value
    if not problems:
        impossible = impossible_combination(clean)
        if impossible is not None:
            problems.append(_impossible_problem(clean, impossible))
    if problems:
        raise InvalidCaseError(problems)
    return clean


def _impossible_problem(case: Case, impossible: Impossible) -> CaseProblem:
    given = " with ".join(f"{name} {case[name]!r}" for name in impossible.when)
    return CaseProblem(
        " and ".join(impossible.when), f"{given} cannot happen: {impossible.why}", _IMPOSSIBLE
    )


def _fast_lookup() -> tuple[tuple[str, int, dict[Any, int], bool], ...]:
    return tuple(
        (
            attribute.name,
            len(attribute.values),
            {value: index for index, value in enumerate(attribute.values)},
            attribute.is_bool,
        )
        for attribute in ATTRIBUTES
    )


_FAST = _fast_lookup()
_FEASIBLE_PAIRS = frozenset(
    (concern, source)
    for concern in ATTRIBUTE_BY_NAME["status_concern"].values
    for source in ATTRIBUTE_BY_NAME["status_source"].values
    if impossible_combination({"status_concern": concern, "status_source": source}) is None
)


def case_point(case: Any) -> tuple[int, Case]:
    """The point index of a case and a clean copy of it, validating on the way.

    The common, valid case costs one dictionary lookup per attribute; anything else
    (a missing or unknown key, a wrong value or type, an impossible combination)
    goes through `validate_case`, which raises the full `InvalidCaseError`.
    """
    if type(case) is dict and len(case) == len(_FAST):
        index = 0
        try:
            for name, radix, positions, is_bool in _FAST:
                value = case[name]
                if is_bool and type(value) is not bool:
                    break
                index = index * radix + positions[value]
            else:
                if (case["status_concern"], case["status_source"]) in _FEASIBLE_PAIRS:
                    return index, dict(case)
        except (KeyError, TypeError):
            pass
    clean = validate_case(case)
    return case_to_point(clean), clean


def _allowed(attribute: Attribute) -> str:
    return f"one of {format_values(attribute.values)}"


def _value_problem(attribute: Attribute, value: Any) -> CaseProblem:
    if attribute.is_bool and not isinstance(value, bool):
        expected = f"a JSON boolean, {_allowed(attribute)} (unquoted)"
    elif not attribute.is_bool and not isinstance(value, str):
        expected = f"a string, {_allowed(attribute)}"
    else:
        expected = _allowed(attribute)
    return CaseProblem(attribute.name, expected, _describe(value))


def case_to_request(case: Case) -> dict[str, Any]:
    """The cedarpy request for a valid case (see `validate_case`)."""
    return {
        "principal": OFFICER_UID,
        "action": {"type": ACTION_TYPE, "id": case["action"]},
        "resource": PERSON_UID,
        "context": {name: case[name] for name in ATTRIBUTE_NAMES if name != "action"},
    }
