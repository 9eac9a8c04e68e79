"""Promises (DESIGN.md §5): the catalogue, its validation, and checking a policy against it.

A promise is a sentence a victim can rely on, the region of the decision space it
speaks about (`when`; an attribute left out covers all its values) and the decision
it guarantees there (`expect`). It holds for a compiled policy when every point of
the region gets `expect`; otherwise the counterexample is the *first* failing point
in point order (`haven.policy.space`), so the answer is the same on every run, with
the rules that determined the decision there (or the default deny when none did).

The shipped catalogue is `haven/policies/promises/*.json`, one promise object per
file. Validation errors (`PromiseError`) name the file, the key and the allowed
values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from haven.policy.compiled import CompiledPolicy
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
from haven.policy.space import SHAPE, Case, point_to_case, positions_to_point
from haven.policy.table import ALLOW, DENY, Decision, Outcome

PROMISES_SUBDIRECTORY = "promises"
REQUIRED_KEYS: tuple[str, ...] = ("id", "text", "when", "expect")
OPTIONAL_KEYS: tuple[str, ...] = ("source", "note")
DEFAULT_DENY = "default deny"
"""What `responsible` names when no rule matched the counterexample (deny by default)."""


class PromiseError(ValueError):
    """A promise file or object is not a valid DESIGN.md §5 promise, or is unknown."""


@dataclass(frozen=True)
class Promise:
    """One validated promise: id, text by language, region and expected decision."""

    id: str
    text: Mapping[str, str]
    when: When
    expect: Decision
    box: Box
    source: str | None = None
    path: Path | None = None

    @property
    def english(self) -> str:
        return self.text["en"]

    @property
    def size(self) -> int:
        """Points in the promise's region."""
        return box_count(self.box)

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "id": self.id,
            "text": dict(self.text),
            "when": self.when,
            "expect": self.expect,
        }
        if self.source is not None:
            document["source"] = self.source
        return document


@dataclass(frozen=True)
class PromiseResult:
    """Whether one promise holds under one policy, with the first counterexample."""

    promise: Promise
    holds: bool
    failing: int
    """How many points of the region break the promise (0 when it holds)."""
    counterexample: Case | None
    point: int | None
    outcome: Outcome | None
    """The outcome at the counterexample."""

    @property
    def responsible(self) -> tuple[str, ...]:
        """The rules that decided the counterexample, or ("default deny",)."""
        if self.outcome is None:
            return ()
        return self.outcome.rule_ids or (DEFAULT_DENY,)

    def to_json(self) -> dict[str, Any]:
        """`{"id","holds","counterexample"}` (DESIGN.md §6) plus the evidence."""
        return {
            "id": self.promise.id,
            "holds": self.holds,
            "counterexample": self.counterexample,
            "expect": self.promise.expect,
            "decision": None if self.outcome is None else self.outcome.decision,
            "responsible": list(self.responsible),
            "failing": self.failing,
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
        raise PromiseError(f"{where}: expected a JSON object with keys {', '.join(REQUIRED_KEYS)}")
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
    expect = data["expect"]
    if expect not in (ALLOW, DENY):
        raise PromiseError(f"{where}.expect: expected one of allow, deny, got {expect!r}")
    try:
        box = when_to_box(data["when"], where=f"{where}.when")
    except RegionError as error:
        raise PromiseError(str(error)) from None
    source = data.get("source")
    if source is not None and not isinstance(source, str):
        raise PromiseError(f"{where}.source: expected a string, got {source!r}")
    return Promise(
        id=promise_id,
        text=dict(text),
        when=box_to_when(box),
        expect=expect,
        box=box,
        source=source,
        path=path,
    )


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
    """Whether `promise` holds over its whole region under `compiled`.

    Only the region is read (numpy fancy indexing of the 11-D table), never the
    whole space; the counterexample is the first failing point in point order.
    """
    table = compiled.table
    expected = np.array([outcome.decision == promise.expect for outcome in table.outcomes])
    region_ids = region_view(table.outcome_ids.reshape(SHAPE), promise.box)
    broken = ~expected[region_ids]
    failing = int(np.count_nonzero(broken))
    if failing == 0:
        return PromiseResult(promise, True, 0, None, None, None)
    # The box lists positions in ascending order per attribute, so C order over the
    # region is point order and the first True is the first failing point.
    first = np.unravel_index(int(np.argmax(broken)), broken.shape)
    positions = tuple(promise.box[axis][int(index)] for axis, index in enumerate(first))
    point = positions_to_point(positions)
    return PromiseResult(
        promise=promise,
        holds=False,
        failing=failing,
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
    """The promises that hold, in the order checked."""
    return [result.promise for result in results if result.holds]


__all__ = [
    "DEFAULT_DENY",
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
