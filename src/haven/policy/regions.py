"""Regions of the decision space: products of value sets, and exact box covers of masks.

A *region* (a "box") picks a set of values for every attribute of the decision space
(docs/decision-space.md) and contains every combination of them: the Cartesian product. It is
how diffs, promises and the notice talk about many points at once.

JSON convention (the same one a promise's `when` uses): a region is
`{attribute: [values]}` and an attribute left out covers all its values. `box_to_when`
therefore omits every attribute whose set is all of its values, lists values in the
order `haven.policy.space` declares them, and spells booleans as JSON booleans.

`partition(mask)` covers the True cells of an 11-dimensional boolean array with
disjoint boxes, exactly: every True cell lies in exactly one box and every cell of a
box is True. The algorithm (a decision tree over attributes, with merging):

1. Drop every axis along which the mask is constant; those attributes are
   unconstrained in every box (they will cover all values).
2. If what is left is all True it is one box; if all False, none.
3. Otherwise split on one axis: values of that axis whose slices are identical form
   one class, and one sub-problem is solved per class (so values that behave the same
   stay together in one box). On a small mask every axis is tried and the fewest
   boxes win (sub-problems memoised, within a budget); otherwise the axis with the
   fewest non-empty classes is chosen, preferring classes that are already whole
   boxes, then the lowest axis.
4. Boxes from different classes that agree on every other axis are merged (their
   values on the split axis are united), which keeps the cover exact and disjoint.

The arrays partitioned in practice are small after step 1 (a policy reads few
attributes), so the recursion runs on a few hundred cells, not on 8,640,000 points.

Impossible points (`space.feasible_mask`) are "don't care": a region may contain
them, but they are never counted (`box_count` counts feasible points only) and a
region holding nothing feasible is dropped. Before covering, `fill_impossible` gives
each impossible cell the value of a feasible cell with the same concern, so a policy
that ignores `status_source` gets regions that leave it out instead of boxes carved
around the impossible pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from math import prod
from typing import Any

import numpy as np

from haven.policy.space import (
    ATTRIBUTE_BY_NAME,
    ATTRIBUTES,
    PAIR_AXES,
    SHAPE,
    Value,
    feasible_mask,
    feasible_pairs,
    format_values,
)

Box = tuple[tuple[int, ...], ...]
"""One value-position tuple per attribute (space order), each sorted ascending."""

When = dict[str, list[Value]]
"""A region as JSON: attribute -> values; an attribute left out covers all its values."""

FULL_BOX: Box = tuple(tuple(range(n)) for n in SHAPE)


class RegionError(ValueError):
    """A `when` mapping does not describe a region of the decision space."""


# --- conversions --------------------------------------------------------------------


def box_count(box: Box) -> int:
    """The number of feasible points in a box (impossible combinations are not counted)."""
    concern_axis, source_axis = PAIR_AXES
    pairs = int(np.count_nonzero(feasible_pairs()[np.ix_(box[concern_axis], box[source_axis])]))
    others = prod(len(positions) for axis, positions in enumerate(box) if axis not in PAIR_AXES)
    return pairs * others


def tidy_box(box: Box) -> Box:
    """`box` without values that only pair with impossible ones (same feasible points).

    A partly constrained `status_source` loses values no concern of the box can have
    (and a partly constrained `status_concern` values no source of the box allows), so
    a region reads "status_source=self|officer" rather than "none|self|officer" where
    the concern is a real one. A whole axis stays whole: "any source" reads best.
    """
    concern_axis, source_axis = PAIR_AXES
    pairs = feasible_pairs()[np.ix_(box[concern_axis], box[source_axis])]
    tidy = list(box)
    for axis, usable in ((concern_axis, pairs.any(axis=1)), (source_axis, pairs.any(axis=0))):
        keep = [bool(flag) for flag in np.asarray(usable).reshape(-1)]
        if len(box[axis]) < SHAPE[axis] and any(keep) and not all(keep):
            tidy[axis] = tuple(p for p, kept in zip(box[axis], keep, strict=True) if kept)
    return tuple(tidy)


FILL_ALONG: tuple[str, str] = ("source", "concern")
"""The two ways to fill impossible cells, in the order `partition_labels` tries them."""


def fill_impossible(
    array: np.ndarray, domain: Box = FULL_BOX, *, along: str = "source", copy: bool = True
) -> np.ndarray:
    """`array` (shape of `domain`) with each impossible cell given the value of a feasible
    cell in the same row: the same concern (`along="source"`: the first feasible source
    in `domain`) or the same source (`along="concern"`: the first feasible concern).

    Filling along the source suits a policy that reads only the concern, along the
    concern one that reads only the source; `partition_labels` tries both. Cells with
    no feasible cell in their row keep their value; regions over them count no points
    and are dropped. With `copy=False` the array is filled in place.
    """
    if along not in FILL_ALONG:
        raise ValueError(f"along: expected one of {', '.join(FILL_ALONG)}, got {along!r}")
    concern_axis, source_axis = PAIR_AXES
    pairs = feasible_pairs()[np.ix_(domain[concern_axis], domain[source_axis])]
    row_axis, fill_axis = (concern_axis, source_axis) if along == "source" else PAIR_AXES[::-1]
    rows = pairs if along == "source" else pairs.T
    result = array.copy() if copy else array
    for row, feasible in enumerate(rows):
        if feasible.all() or not feasible.any():
            continue
        first = int(np.argmax(feasible))
        for column in np.flatnonzero(~feasible).tolist():
            # One slice copy per impossible (concern, source) cell: plain strided
            # assignments, far cheaper than a fancy index over all eleven axes.
            target: list[Any] = [slice(None)] * result.ndim
            source: list[Any] = [slice(None)] * result.ndim
            target[row_axis] = source[row_axis] = row
            target[fill_axis], source[fill_axis] = column, first
            result[tuple(target)] = result[tuple(source)]
    return result


def box_to_when(box: Box) -> When:
    """The JSON form of a box: constrained attributes only, values in space order."""
    when: When = {}
    for attribute, positions in zip(ATTRIBUTES, box, strict=True):
        if len(positions) < len(attribute.values):
            when[attribute.name] = [attribute.values[p] for p in positions]
    return when


def when_to_box(when: Mapping[str, Any], *, where: str = "when") -> Box:
    """The box a `when` mapping describes (left-out attributes cover all values).

    Raises:
        RegionError: `when` is not a mapping, names an unknown attribute, gives an
            empty or non-list value set, or a value outside the attribute's list
            (the message names the key and the allowed values).
    """
    if not isinstance(when, Mapping):
        raise RegionError(f"{where}: expected an object mapping attributes to value lists")
    for key in when:
        if key not in ATTRIBUTE_BY_NAME:
            allowed = ", ".join(a.name for a in ATTRIBUTES)
            raise RegionError(f"{where}: unknown attribute {key!r}; the attributes are {allowed}")
    box: list[tuple[int, ...]] = []
    for attribute in ATTRIBUTES:
        if attribute.name not in when:
            box.append(tuple(range(len(attribute.values))))
            continue
        values = when[attribute.name]
        allowed = format_values(attribute.values)
        if not isinstance(values, list | tuple) or not values:
            raise RegionError(
                f"{where}.{attribute.name}: expected a non-empty list of values from "
                f"{allowed}, got {values!r}"
            )
        positions = set()
        for value in values:
            try:
                positions.add(attribute.position(value))
            except ValueError:
                raise RegionError(
                    f"{where}.{attribute.name}: expected values from {allowed}, got {value!r}"
                ) from None
        box.append(tuple(sorted(positions)))
    return tuple(box)


def box_mask(box: Box) -> np.ndarray:
    """The box's feasible points as a boolean array of shape `SHAPE`."""
    mask = np.zeros(SHAPE, dtype=bool)
    mask[np.ix_(*box)] = True
    return mask & feasible_mask()


def box_points(box: Box) -> np.ndarray:
    """The point indices of a box's feasible points, ascending (point order)."""
    grids = np.meshgrid(*box, indexing="ij")
    points = np.ravel_multi_index(tuple(g.reshape(-1) for g in grids), SHAPE).astype(np.int64)
    return points[feasible_mask().reshape(-1)[points]]


def when_key(when: Mapping[str, Sequence[Value]]) -> tuple[tuple[int, ...], ...]:
    """A sort key for a `when` in space order (deterministic tie-breaks)."""
    return when_to_box(when)


def region_view(array: np.ndarray, box: Box) -> np.ndarray:
    """`array[np.ix_(*box)]` for an array of shape `SHAPE`, without the 11-D fancy index.

    Contiguous runs of positions become slices (views, no copy); other axes are taken
    one at a time, so the cost is that of the region, not of the whole space. The
    result is in C order over the box, which is point order.
    """
    view = array
    for axis, positions in enumerate(box):
        if len(positions) == view.shape[axis]:
            continue
        if positions == tuple(range(positions[0], positions[-1] + 1)):
            index: list[slice] = [slice(None)] * view.ndim
            index[axis] = slice(positions[0], positions[-1] + 1)
            view = view[tuple(index)]
        else:
            view = view.take(positions, axis=axis)
    return view


# --- projection ---------------------------------------------------------------------


def drop_constant_axes(array: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """Remove every axis along which `array` is constant.

    Returns the reduced array (with those axes gone) and the indices of the axes
    kept. Constancy along one axis survives slicing along another, so the order in
    which axes are tested does not change the result.
    """
    kept = list(range(array.ndim))
    reduced = array
    # Test the largest axes first: dropping them shrinks every later test most.
    for axis in sorted(range(array.ndim), key=lambda a: (-array.shape[a], a)):
        position = kept.index(axis)
        if reduced.shape[position] == 1:
            reduced = reduced.take(0, axis=position)
            kept.pop(position)
            continue
        first = reduced.take([0], axis=position)
        if np.array_equal(np.broadcast_to(first, reduced.shape), reduced):
            reduced = first.take(0, axis=position)
            kept.pop(position)
    return reduced, tuple(kept)


def expand_box(sub_box: Sequence[Sequence[int]], kept: Sequence[int]) -> Box:
    """A box over kept axes back to all eleven (dropped axes take every value)."""
    box = list(FULL_BOX)
    for axis, positions in zip(kept, sub_box, strict=True):
        box[axis] = tuple(positions)
    return tuple(box)


# --- exact cover ----------------------------------------------------------------------


def partition(mask: np.ndarray) -> list[Box]:
    """Disjoint boxes whose union is exactly the True cells of `mask` (shape `SHAPE`).

    Boxes are returned largest first, ties in space order.

    Raises:
        ValueError: `mask` does not have shape `SHAPE`.
    """
    if mask.shape != SHAPE:
        raise ValueError(f"mask: expected shape {SHAPE}, got {mask.shape}")
    return partition_labels(np.asarray(mask, dtype=np.int8), skip=0).get(1, [])


def cover(mask: np.ndarray) -> list[tuple[tuple[int, ...], ...]]:
    """Exact disjoint box cover of the True cells of any-dimensional boolean `mask`.

    Each box is one index tuple per axis of `mask`. See the module docstring for the
    algorithm; `partition` is the entry point over the decision space.
    """
    if mask.ndim == 0:
        return [()] if bool(mask) else []
    return list(_cover(np.asarray(mask, dtype=bool), {}))


SEARCH_LIMIT = 1024
"""Masks with at most this many cells try every split axis and keep the best cover;
larger ones split on the greedy choice. Sub-problems are memoised per call."""

SEARCH_BUDGET = 2048
"""Once a call has memoised this many sub-problems, the rest split greedily: the
search is exponential in the number of axes, and a many-dimensional random mask
must not take seconds. Policies read few attributes, so they never get here."""

_Cover = tuple[tuple[tuple[int, ...], ...], ...]
_Memo = dict[tuple[tuple[int, ...], bytes], _Cover]


def _full(shape: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(range(n)) for n in shape)


def _cover(mask: np.ndarray, memo: _Memo) -> _Cover:
    key = (mask.shape, mask.tobytes())
    found = memo.get(key)
    if found is None:
        found = _cover_uncached(mask, memo)
        memo[key] = found
    return found


def _cover_uncached(mask: np.ndarray, memo: _Memo) -> _Cover:
    if not mask.any():
        return ()
    shape = mask.shape
    if mask.all():
        return (_full(shape),)
    # Axes along which the mask is constant take all their values in every box;
    # collapse them to size 1 so the split below only sees axes that matter.
    collapsed = []
    for axis in range(mask.ndim):
        if shape[axis] > 1:
            first = mask.take([0], axis=axis)
            if np.array_equal(np.broadcast_to(first, mask.shape), mask):
                mask = first
                collapsed.append(axis)
    if mask.all():
        boxes: _Cover = (_full(mask.shape),)
    else:
        axes = [axis for axis in range(mask.ndim) if mask.shape[axis] > 1]
        if mask.size <= SEARCH_LIMIT and len(memo) < SEARCH_BUDGET:
            # Small enough to compare every first split: keep the fewest boxes
            # (ties: the lowest axis, so the answer is deterministic).
            candidates = [_split_on(mask, axis, memo) for axis in axes]
            boxes = min(candidates, key=len)
        else:
            boxes = _split_on(mask, _greedy_axis(mask, axes), memo)
    if not collapsed:
        return boxes
    return tuple(
        tuple(
            tuple(range(shape[axis])) if axis in collapsed else box[axis]
            for axis in range(len(shape))
        )
        for box in boxes
    )


def _classes(mask: np.ndarray, axis: int) -> list[tuple[tuple[int, ...], np.ndarray]]:
    """Values along `axis` grouped by identical slices (empty slices left out)."""
    groups: dict[bytes, list[int]] = {}
    slices: dict[bytes, np.ndarray] = {}
    for value in range(mask.shape[axis]):
        piece = mask.take([value], axis=axis)
        key = piece.tobytes()
        groups.setdefault(key, []).append(value)
        slices.setdefault(key, piece)
    return [(tuple(values), slices[key]) for key, values in groups.items() if slices[key].any()]


def _greedy_axis(mask: np.ndarray, axes: list[int]) -> int:
    """The axis with the fewest non-empty classes, counting partial classes twice."""

    def score(axis: int) -> tuple[int, int, int]:
        classes = _classes(mask, axis)
        partial = sum(1 for _, piece in classes if not piece.all())
        return (len(classes) + partial, partial, axis)

    return min(axes, key=score)


def _split_on(mask: np.ndarray, axis: int, memo: _Memo) -> _Cover:
    """Cover each class of `axis` separately, then merge boxes equal off `axis`."""
    merged: dict[tuple[tuple[int, ...], ...], set[int]] = {}
    for values, piece in _classes(mask, axis):
        for box in _cover(piece, memo):
            others = box[:axis] + box[axis + 1 :]
            merged.setdefault(others, set()).update(values)
    return tuple(
        others[:axis] + (tuple(sorted(values)),) + others[axis:]
        for others, values in merged.items()
    )


def check_partition(boxes: Iterable[Box], mask: np.ndarray) -> None:
    """Raise `AssertionError` unless `boxes` partition the True feasible cells of `mask`.

    Used by tests and by callers that want belt and braces; enumerates every box.
    Impossible points are ignored on both sides.
    """
    feasible = feasible_mask()
    seen = np.zeros(SHAPE, dtype=np.int64)
    for box in boxes:
        seen[np.ix_(*box)] += 1
    seen[~feasible] = 0
    if int(seen.max(initial=0)) > 1:
        raise AssertionError("boxes overlap")
    wanted = np.asarray(mask, dtype=bool).reshape(SHAPE) & feasible
    if not np.array_equal(seen.astype(bool), wanted):
        raise AssertionError("boxes do not cover exactly the mask")


def partition_labels(
    labels: np.ndarray, domain: Box = FULL_BOX, *, skip: int | None = None
) -> dict[int, list[Box]]:
    """For each label in `labels` (except `skip`), disjoint boxes exactly covering its
    feasible cells.

    `labels` is an integer array over the sub-grid `domain` of the space (shape
    `tuple(len(p) for p in domain)`, as `array[np.ix_(*domain)]` gives); the boxes
    come back in space positions. Impossible cells are don't-cares: of the two ways of
    filling them (`fill_impossible`), the one that leaves the smaller array to cover is
    used (ties: along the source). Labels in ascending order, boxes largest first.

    Raises:
        ValueError: `labels` does not have the shape of `domain`.
    """
    expected = tuple(len(positions) for positions in domain)
    if labels.shape != expected:
        raise ValueError(f"labels: expected shape {expected}, got {labels.shape}")
    # Cover the fill whose projection keeps fewer cells (the first on a tie): a fill that
    # makes the concern or the source constant lets that attribute drop out entirely.
    # Covering is the costly step, so it runs once.
    projections = [
        drop_constant_axes(fill_impossible(labels, domain, along=along)) for along in FILL_ALONG
    ]
    reduced, kept = min(projections, key=lambda projection: projection[0].size)
    return _label_boxes(reduced, kept, domain, skip)


def _label_boxes(
    reduced: np.ndarray, kept: tuple[int, ...], domain: Box, skip: int | None
) -> dict[int, list[Box]]:
    result: dict[int, list[Box]] = {}
    for label in np.unique(reduced).tolist():
        if label == skip:
            continue
        boxes = []
        for sub_box in cover(reduced == label):
            box = list(domain)
            for axis, indices in zip(kept, sub_box, strict=True):
                box[axis] = tuple(domain[axis][i] for i in indices)
            if box_count(tuple(box)):
                boxes.append(tidy_box(tuple(box)))
        if boxes:
            result[int(label)] = sorted(boxes, key=lambda b: (-box_count(b), b))
    return result
