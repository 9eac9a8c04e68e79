"""The decision space (docs/decision-space.md), declared once, and its mixed-radix point index.

Every status check, disclosure, arrest and enforcement request is one point of a
finite space: eleven attributes, each with a fixed, ordered list of values. This
module is the single declaration of that space; everything else (cases, the
compiler, diff and promise analysis) derives from `ATTRIBUTES`.

Version 2 of the space adds `status_source` (who raised the concern), the role
`family_member` and the recipient `nrm`, and drops `risk_to_life`, which no source's
rule turns on. Some combinations cannot happen (a concern with nobody who raised it,
a source with no concern): `IMPOSSIBLE` declares them with the reason, and
`feasible_mask` marks the points that can. Tables still cover the whole product, so
indexing stays a plain mixed-radix number; counts, diffs and promise regions look
at feasible points only, and a case at an impossible point is refused.

Point index (mixed radix, row-major, like numpy's C order)::

    index = sum(value_position[a] * STRIDES[a] for a in ATTRIBUTE_NAMES)

The first attribute (`action`) is the most significant digit and the last
(`regularisation_support`) the least, so `table.reshape(SHAPE)` gives an
11-dimensional array indexed `[action, recipient, role, …]` in the order below,
and `np.ravel_multi_index` / `np.unravel_index` with `SHAPE` convert between
indices and value positions.

Boolean attributes list `True` before `False`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from math import prod

import numpy as np

Value = str | bool
"""One attribute value: a string, or a bool for the three boolean attributes."""


@dataclass(frozen=True)
class Attribute:
    """One dimension of the decision space: its name and its ordered values."""

    name: str
    values: tuple[Value, ...]
    is_bool: bool = field(init=False)
    _positions: Mapping[tuple[type, Value], int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # `True == 1` in Python, so key positions by (type, value): a bool attribute
        # never matches a non-bool and vice versa.
        positions = {(type(value), value): index for index, value in enumerate(self.values)}
        object.__setattr__(self, "is_bool", isinstance(self.values[0], bool))
        object.__setattr__(self, "_positions", positions)

    def position(self, value: Value) -> int:
        """The index of `value` in this attribute's value list.

        Raises:
            ValueError: `value` is not one of this attribute's values (a string
                "true" is not the bool True).
        """
        try:
            return self._positions[(type(value), value)]
        except (KeyError, TypeError):
            raise ValueError(
                f"{self.name}: expected one of {format_values(self.values)}, got {value!r}"
            ) from None


_BOOL_VALUES: tuple[Value, ...] = (True, False)

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        "action",
        ("pnc_check", "status_check", "disclose", "immigration_arrest", "enforcement"),
    ),
    Attribute(
        "recipient",
        (
            "immigration_enforcement",
            "nrm",
            "safeguarding_partner",
            "police",
            "support_service",
            "none",
        ),
    ),
    Attribute("role", ("victim", "witness", "suspect", "victim_and_suspect", "family_member")),
    Attribute(
        "offence",
        (
            "domestic_abuse",
            "sexual_offence",
            "modern_slavery",
            "honour_based_abuse",
            "stalking_harassment",
            "hate_crime",
            "violent_crime",
            "other",
        ),
    ),
    Attribute("status_concern", ("none", "unknown", "doubt", "suspected", "confirmed")),
    Attribute("status_source", ("none", "self", "officer", "suspect", "third_party", "records")),
    Attribute(
        "purpose",
        (
            "immigration_control",
            "safeguarding",
            "investigation",
            "public_protection",
            "regularisation_support",
        ),
    ),
    Attribute("stage", ("report", "investigation", "prosecution", "concluded")),
    Attribute("consent", ("given", "refused", "not_sought")),
    Attribute("risk_to_others", _BOOL_VALUES),
    Attribute("regularisation_support", _BOOL_VALUES),
)

ATTRIBUTE_NAMES: tuple[str, ...] = tuple(attribute.name for attribute in ATTRIBUTES)
ATTRIBUTE_BY_NAME: Mapping[str, Attribute] = {a.name: a for a in ATTRIBUTES}
SHAPE: tuple[int, ...] = tuple(len(attribute.values) for attribute in ATTRIBUTES)
SIZE: int = prod(SHAPE)
STRIDES: tuple[int, ...] = tuple(prod(SHAPE[i + 1 :]) for i in range(len(SHAPE)))

Case = dict[str, Value]
"""A point as a mapping from every attribute name to one of its values."""

VERSION = 2
"""The decision space's version: 2 added status_source, family_member and nrm."""

REMOVED_ATTRIBUTES: Mapping[str, str] = {
    "risk_to_life": "removed in version 2 of the decision space, because no source's rule "
    "turns on it",
}
"""Keys of earlier versions, with why they went (named when a case still sends them)."""

NO_CONCERN: tuple[str, ...] = ("none", "unknown")
"""Concern values that mean nobody has raised a concern ("unknown": never considered)."""


@dataclass(frozen=True)
class Impossible:
    """A combination of values that cannot happen, and why (excluded and refused)."""

    when: Mapping[str, tuple[Value, ...]]
    why: str


IMPOSSIBLE: tuple[Impossible, ...] = (
    Impossible(
        when={
            "status_concern": ("doubt", "suspected", "confirmed"),
            "status_source": ("none",),
        },
        why="a concern about immigration status always has a source: say who raised it "
        "(self, officer, suspect, third_party or records)",
    ),
    Impossible(
        when={
            "status_concern": NO_CONCERN,
            "status_source": ("self", "officer", "suspect", "third_party", "records"),
        },
        why="with no concern about immigration status (none, or unknown: never "
        "considered) nobody has raised one, so status_source must be none",
    ),
)


def format_values(values: tuple[Value, ...]) -> str:
    """Values as a reader would type them in JSON: `true, false` or `victim, witness`."""
    return ", ".join(_json_spelling(value) for value in values)


def _json_spelling(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def positions_to_point(positions: tuple[int, ...]) -> int:
    """The point index of one value position per attribute."""
    if len(positions) != len(SHAPE):
        raise ValueError(f"expected {len(SHAPE)} positions, got {len(positions)}")
    index = 0
    for position, radix, name in zip(positions, SHAPE, ATTRIBUTE_NAMES, strict=True):
        if not 0 <= position < radix:
            raise ValueError(f"{name}: position must be in [0, {radix}), got {position}")
        index = index * radix + position
    return index


def point_to_positions(point: int) -> tuple[int, ...]:
    """The value position of each attribute at point index `point`."""
    _check_point(point)
    positions = []
    for radix in reversed(SHAPE):
        point, position = divmod(point, radix)
        positions.append(position)
    return tuple(reversed(positions))


def point_to_case(point: int) -> Case:
    """The case (attribute name -> value) at point index `point`.

    Raises:
        TypeError: `point` is not an int.
        ValueError: `point` is outside [0, SIZE).
    """
    positions = point_to_positions(point)
    return {a.name: a.values[p] for a, p in zip(ATTRIBUTES, positions, strict=True)}


def case_to_point(case: Mapping[str, Value]) -> int:
    """The point index of a case that is already valid (see `haven.policy.cases`).

    Raises:
        KeyError: an attribute is missing.
        ValueError: a value is outside its attribute's list.
    """
    return positions_to_point(tuple(a.position(case[a.name]) for a in ATTRIBUTES))


def points_to_positions(points: np.ndarray) -> np.ndarray:
    """Vectorised `point_to_positions`: shape (n,) indices -> shape (n, 11) positions."""
    return np.stack(np.unravel_index(np.asarray(points, dtype=np.int64), SHAPE), axis=1)


def positions_to_points(positions: np.ndarray) -> np.ndarray:
    """Vectorised `positions_to_point`: shape (n, 11) positions -> shape (n,) indices."""
    columns = tuple(np.asarray(positions, dtype=np.int64).T)
    return np.ravel_multi_index(columns, SHAPE).astype(np.int64)


def impossible_combination(case: Mapping[str, Value]) -> Impossible | None:
    """The declaration a case with valid values falls foul of, or None when it can happen."""
    for rule in IMPOSSIBLE:
        if all(case.get(name) in values for name, values in rule.when.items()):
            return rule
    return None


PAIR_ATTRIBUTES: tuple[str, str] = ("status_concern", "status_source")
"""The attributes the `IMPOSSIBLE` declarations constrain (and the only ones they may)."""
PAIR_AXES: tuple[int, int] = (
    ATTRIBUTE_NAMES.index(PAIR_ATTRIBUTES[0]),
    ATTRIBUTE_NAMES.index(PAIR_ATTRIBUTES[1]),
)
if any(set(rule.when) - set(PAIR_ATTRIBUTES) for rule in IMPOSSIBLE):
    raise ImportError(f"IMPOSSIBLE may only constrain {' and '.join(PAIR_ATTRIBUTES)}")


@cache
def feasible_pairs() -> np.ndarray:
    """Bool array (concern × source positions): True where the combination can happen."""
    concern, source = (ATTRIBUTE_BY_NAME[name] for name in PAIR_ATTRIBUTES)
    pairs = np.array(
        [
            [
                impossible_combination({concern.name: c, source.name: s}) is None
                for s in source.values
            ]
            for c in concern.values
        ],
        dtype=bool,
    )
    pairs.setflags(write=False)
    return pairs


@cache
def feasible_mask() -> np.ndarray:
    """Bool array of shape `SHAPE`: True at every point that can happen (read-only)."""
    shape = [1] * len(SHAPE)
    shape[PAIR_AXES[0]], shape[PAIR_AXES[1]] = feasible_pairs().shape
    mask = np.ascontiguousarray(np.broadcast_to(feasible_pairs().reshape(shape), SHAPE))
    mask.setflags(write=False)
    return mask


@cache
def feasible_count() -> int:
    """How many points can happen (the total that counts, diffs and promises use)."""
    return int(np.count_nonzero(feasible_pairs())) * SIZE // int(feasible_pairs().size)


def _check_point(point: int) -> None:
    if isinstance(point, bool) or not isinstance(point, int | np.integer):
        raise TypeError(f"point index must be an int, got {type(point).__name__}")
    if not 0 <= point < SIZE:
        raise ValueError(f"point index must be in [0, {SIZE}), got {point}")
