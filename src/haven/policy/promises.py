"""Promises (docs/policies.md): the catalogue, its validation, and checking a policy.

A promise is a sentence a victim can rely on, the region of the decision space it
speaks about (`when`; an attribute left out covers all its values), the decision it
guarantees there (`expect`) and, optionally, duties that come with every allow there
(`obligations`: "if your information is shared, you will be told" is
`"obligations": ["notify_subject"]` with no `expect`).

Nothing rests on silence. Checking a promise against a compiled policy gives one of
three statuses, over the region's feasible points:

- `fails`: some point breaks it (a different decision, or an allow without the
  duties); the counterexample is the *first* such point in point order;
- `not_stated`: no point breaks it, but at some point only the policy's default deny
  decides (the policy says nothing there), so the promise would rest on silence;
  the counterexample is the first such point;
- `holds`: every point keeps the promise by a cited rule.

Only `holds` may be shown to a reporter. The answer is the same on every run, with
the rules that determined the decision at the counterexample (or the default deny).

The shipped catalogue is `haven/policies/promises/*.json`, one promise object per
file. Validation errors (`PromiseError`) name the file, the key and the allowed
values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from haven.policy.compiled import CompiledPolicy
from haven.policy.obligations import OBLIGATIONS
from haven.policy.regions import (
    Box,
    RegionError,
    When,
    box_count,
    box_to_when,
    region_view,
    when_to_box,
)
from haven.policy.registry import policies_dir
from haven.policy.space import SHAPE, Case, feasible_mask, point_to_case, positions_to_point
from haven.policy.table import ALLOW, DENY, Decision, Outcome

PROMISES_SUBDIRECTORY = "promises"
REQUIRED_KEYS: tuple[str, ...] = ("id", "text", "when")
OPTIONAL_KEYS: tuple[str, ...] = ("expect", "obligations", "source", "note")
DEFAULT_DENY = "default deny"
"""What `responsible` names when no rule matched the counterexample (deny by default)."""

Status = Literal["holds", "fails", "not_stated"]
HOLDS: Status = "holds"
FAILS: Status = "fails"
NOT_STATED: Status = "not_stated"


class PromiseError(ValueError):
    """A promise file or object is not a valid promise (docs/decision-space.md), or is unknown."""


@dataclass(frozen=True)
class Promise:
    """One validated promise: id, text by language, region and expected decision."""

    id: str
    text: Mapping[str, str]
    when: When
    expect: Decision | None
    """The decision every point must get; None when only `obligations` are promised."""
    box: Box
    obligations: tuple[str, ...] = ()
    """Duties every allowed point of the region must carry."""
    source: str | None = None
    path: Path | None = None

    @property
    def english(self) -> str:
        return self.text["en"]

    @property
    def size(self) -> int:
        """Feasible points in the promise's region."""
        return box_count(self.box)

    @property
    def guarantee(self) -> str:
        """What the promise asks of each point, in words ("deny", "allow with …")."""
        if not self.obligations:
            return str(self.expect)
        duties = ", ".join(self.obligations)
        if self.expect is None:
            return f"deny, or allow with {duties}"
        return f"allow with {duties}"

    def keeps(self, outcome: Outcome) -> bool:
        """Whether a point with this outcome keeps the promise (ignoring silence)."""
        if self.expect is not None and outcome.decision != self.expect:
            return False
        return not outcome.allowed or set(self.obligations) <= set(outcome.obligations)

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"id": self.id, "text": dict(self.text), "when": self.when}
        if self.expect is not None:
            document["expect"] = self.expect
        if self.obligations:
            document["obligations"] = list(self.obligations)
        if self.source is not None:
            document["source"] = self.source
        return document


@dataclass(frozen=True)
class PromiseResult:
    """Whether one promise holds under one policy, with the first counterexample."""

    promise: Promise
    status: Status
    failing: int
    """How many points of the region break the promise (0 unless it fails)."""
    silent: int
    """How many points of the region only the default deny decides."""
    counterexample: Case | None
    """The first point that breaks the promise, or (not stated) that rests on silence."""
    point: int | None
    outcome: Outcome | None
    """The outcome at the counterexample."""

    @property
    def holds(self) -> bool:
        """True only when every point keeps the promise by a cited rule."""
        return self.status == HOLDS

    @property
    def responsible(self) -> tuple[str, ...]:
        """The rules that decided the counterexample, or ("default deny",)."""
        if self.outcome is None:
            return ()
        return self.outcome.rule_ids or (DEFAULT_DENY,)

    def to_json(self) -> dict[str, Any]:
        """`{"id","status","holds","counterexample"}` (docs/contracts.md) plus the evidence."""
        return {
            "id": self.promise.id,
            "status": self.status,
            "holds": self.holds,
            "counterexample": self.counterexample,
            "expect": self.promise.expect,
            "obligations": list(self.promise.obligations),
            "decision": None if self.outcome is None else self.outcome.decision,
            "responsible": list(self.responsible),
            "failing": self.failing,
            "not_stated": self.silent,
            "region": self.promise.size,
        }


# --- loading ----------------------------------------------------------------------


def promises_dir() -> Path:
    """The directory of the shipped promise catalogue."""
    return policies_dir() / PROMISES_SUBDIRECTORY


def parse_promise(data: Any, *, where: str = "promise", path: Path | None = None) -> Promise:
    """Validate one promise object (already parsed from JSON).

    Raises:
        PromiseError: not an object, a missing or unknown key, an empty id or text,
            an `expect` other than allow/deny, or a `when` that is not a region (an
            unknown attribute, an empty list, a value outside the attribute's list).
    """
    if not isinstance(data, Mapping):
        raise PromiseError(
            f"{where}: expected a JSON object with keys {', '.join(REQUIRED_KEYS)} and "
            "expect and/or obligations"
        )
    allowed_keys = REQUIRED_KEYS + OPTIONAL_KEYS
    for key in data:
        if key not in allowed_keys:
            raise PromiseError(
                f"{where}: unknown key {key!r}; the allowed keys are {', '.join(allowed_keys)}"
            )
    for key in REQUIRED_KEYS:
        if key not in data:
            raise PromiseError(
                f"{where}: missing key {key!r} (required: {', '.join(REQUIRED_KEYS)})"
            )
    promise_id = data["id"]
    if not isinstance(promise_id, str) or not promise_id.strip():
        raise PromiseError(f"{where}.id: expected a non-empty string, got {promise_id!r}")
    where = f"{where} {promise_id!r}" if where == "promise" else where
    text = data["text"]
    if not isinstance(text, Mapping) or not isinstance(text.get("en"), str) or not text["en"]:
        raise PromiseError(
            f'{where}.text: expected an object of language -> sentence with at least "en", '
            f"got {text!r}"
        )
    for language, sentence in text.items():
        if not isinstance(sentence, str) or not sentence.strip():
            raise PromiseError(f"{where}.text.{language}: expected a non-empty string")
    expect = data.get("expect")
    if expect is not None and expect not in (ALLOW, DENY):
        raise PromiseError(f"{where}.expect: expected one of allow, deny, got {expect!r}")
    obligations = _parse_obligations(data.get("obligations", []), where)
    if expect is None and not obligations:
        raise PromiseError(
            f"{where}: expected 'expect' (allow or deny), 'obligations' (duties every allow "
            "must carry), or both"
        )
    if expect == DENY and obligations:
        raise PromiseError(
            f"{where}: obligations come with allowed points, so a promise that expects deny "
            "cannot carry them; drop 'expect' to promise 'deny, or allow with these duties'"
        )
    try:
        box = when_to_box(data["when"], where=f"{where}.when")
    except RegionError as error:
        raise PromiseError(str(error)) from None
    if box_count(box) == 0:
        raise PromiseError(
            f"{where}.when: the region holds only combinations that cannot happen (a concern "
            "with no source, or a source with no concern); see docs/decision-space.md"
        )
    source = data.get("source")
    if source is not None and not isinstance(source, str):
        raise PromiseError(f"{where}.source: expected a string, got {source!r}")
    return Promise(
        id=promise_id,
        text=dict(text),
        when=box_to_when(box),
        expect=expect,
        box=box,
        obligations=obligations,
        source=source,
        path=path,
    )


def _parse_obligations(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PromiseError(f"{where}.obligations: expected a list of obligation names")
    unknown = [item for item in value if item not in OBLIGATIONS]
    if unknown:
        raise PromiseError(
            f"{where}.obligations: unknown {', '.join(repr(u) for u in unknown)}; expected "
            f"names from {', '.join(OBLIGATIONS)}"
        )
    return tuple(dict.fromkeys(value))


def load_promise_file(path: Path) -> Promise:
    """Read and validate one promise file.

    Raises:
        PromiseError: unreadable file, invalid JSON or an invalid promise.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise PromiseError(f"cannot read promise file {str(path)!r}: {error}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PromiseError(f"{path}: not valid JSON ({error})") from error
    return parse_promise(data, where=str(path), path=Path(path))


def load_promises(directory: Path | None = None) -> tuple[Promise, ...]:
    """The promise catalogue (`*.json` in `directory`, default the shipped one), by id.

    Raises:
        PromiseError: an invalid file, or two promises with one id.
    """
    folder = promises_dir() if directory is None else Path(directory)
    promises: dict[str, Promise] = {}
    for path in sorted(folder.glob("*.json")):
        promise = load_promise_file(path)
        if promise.id in promises:
            raise PromiseError(
                f"{path}: promise id {promise.id!r} is already used by {promises[promise.id].path}"
            )
        promises[promise.id] = promise
    return tuple(promises[key] for key in sorted(promises))


def load_promise(spec: str | Path, *, directory: Path | None = None) -> Promise:
    """One promise: a path to a promise JSON file, or the id of a catalogue promise.

    Raises:
        PromiseError: no such file or id (the message lists the catalogue ids), or an
            invalid promise.
    """
    text = str(spec)
    path = Path(text)
    if text.endswith(".json") or "/" in text or path.is_file():
        if not path.is_file():
            raise PromiseError(f"no promise file at {text!r}")
        return load_promise_file(path)
    catalogue = load_promises(directory)
    for promise in catalogue:
        if promise.id == text:
            return promise
    known = ", ".join(promise.id for promise in catalogue) or "(the catalogue is empty)"
    raise PromiseError(f"unknown promise {text!r}: expected a promise file or one of {known}")


# --- checking -----------------------------------------------------------------------


def check_promise(compiled: CompiledPolicy, promise: Promise) -> PromiseResult:
    """Whether `promise` holds over its whole region under `compiled` (module docstring).

    Only the region is read (slices and per-axis takes of the 11-D table), never the
    whole space; counterexamples are the first offending point in point order.
    """
    table = compiled.table
    outcomes = table.outcomes
    region_ids = region_view(table.outcome_ids.reshape(SHAPE), promise.box)
    feasible = region_view(feasible_mask(), promise.box)
    broken = ~np.array([promise.keeps(outcome) for outcome in outcomes])[region_ids] & feasible
    failing = int(np.count_nonzero(broken))
    silent = ~np.array([outcome.stated for outcome in outcomes])[region_ids] & feasible
    silent_count = int(np.count_nonzero(silent))
    if failing:
        status, offending = FAILS, broken
    elif silent_count:
        status, offending = NOT_STATED, silent
    else:
        return PromiseResult(promise, HOLDS, 0, 0, None, None, None)
    # The box lists positions in ascending order per attribute, so C order over the
    # region is point order and the first True is the first offending point.
    first = np.unravel_index(int(np.argmax(offending)), offending.shape)
    positions = tuple(promise.box[axis][int(index)] for axis, index in enumerate(first))
    point = positions_to_point(positions)
    return PromiseResult(
        promise=promise,
        status=status,
        failing=failing,
        silent=silent_count,
        counterexample=point_to_case(point),
        point=point,
        outcome=table.outcome_at(point),
    )


def check(
    compiled: CompiledPolicy, promises: Iterable[Promise] | None = None
) -> list[PromiseResult]:
    """Check every promise (default: the shipped catalogue) against one policy."""
    chosen = load_promises() if promises is None else promises
    return [check_promise(compiled, promise) for promise in chosen]


def holding_promises(results: Iterable[PromiseResult]) -> list[Promise]:
    """The promises that hold by a cited rule, in the order checked (never "not stated")."""
    return [result.promise for result in results if result.holds]


__all__ = [
    "DEFAULT_DENY",
    "FAILS",
    "HOLDS",
    "NOT_STATED",
    "Promise",
    "PromiseError",
    "PromiseResult",
    "check",
    "check_promise",
    "holding_promises",
    "load_promise",
    "load_promise_file",
    "load_promises",
    "parse_promise",
    "promises_dir",
]
