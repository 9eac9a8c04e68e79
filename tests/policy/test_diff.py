"""`haven.policy.diff` and `haven.policy.regions`: regions partition the changes exactly.

Every check enumerates: each region is expanded to its (feasible) point indices with
numpy, and the regions must be disjoint, their union must be exactly the changed
points, and at every point of a region the decisions and determining rules must be
the stated ones. The same holds apart for the points only one side states.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.policy import CompiledPolicy, compile_policy, load_policy_text
from haven.policy.diff import DiffRegion, PolicyDiff, changed_mask, diff, not_stated_mask
from haven.policy.promises import check_promise, parse_promise
from haven.policy.regions import (
    FULL_BOX,
    RegionError,
    box_count,
    box_points,
    box_to_when,
    check_partition,
    cover,
    partition,
    partition_labels,
    when_to_box,
)
from haven.policy.space import ATTRIBUTES, SHAPE, SIZE, feasible_count, feasible_mask
from tests.policy.conftest import FIXTURE_POLICIES, SHIPPED, compiled_fixture, compiled_shipped


def assert_exact(a: CompiledPolicy, b: CompiledPolicy, result: PolicyDiff) -> None:
    """The regions of `result` partition the changed points of (a, b) exactly, and its
    not-stated regions partition the points only one side states."""
    if result.compare == "outcome":
        outcome_a = [a.table.outcomes[k] for k in range(len(a.table.outcomes))]
        outcome_b = [b.table.outcomes[k] for k in range(len(b.table.outcomes))]
        pairs = a.table.outcome_ids.astype(np.int64) * len(outcome_b) + b.table.outcome_ids
        differs = np.array(
            [
                outcome_a[i] != outcome_b[j] and outcome_a[i].stated and outcome_b[j].stated
                for i in range(len(outcome_a))
                for j in range(len(outcome_b))
            ]
        )
        expected = differs[pairs] & feasible_mask().reshape(-1)
    else:
        expected = changed_mask(a, b)
    assert_partition(a, b, result.regions, expected)
    assert all(region.silent is None for region in result.regions)
    assert_partition(a, b, result.not_stated_regions, not_stated_mask(a, b))
    for region in result.not_stated_regions:
        silent, stated = (a, b) if region.silent == "a" else (b, a)
        points = box_points(region.box)
        assert not silent.table.stated_mask()[points].any()
        assert stated.table.stated_mask()[points].all()
    assert result.changed == int(np.count_nonzero(changed_mask(a, b)))
    assert result.not_stated == int(np.count_nonzero(not_stated_mask(a, b)))
    assert result.total == feasible_count() < SIZE


def assert_partition(
    a: CompiledPolicy, b: CompiledPolicy, regions: tuple[DiffRegion, ...], expected: np.ndarray
) -> None:
    allow_a = a.table.allow_mask()
    allow_b = b.table.allow_mask()
    seen = np.zeros(SIZE, dtype=np.int64)
    for region in regions:
        points = box_points(region.box)
        assert len(points) == region.count == box_count(region.box) > 0
        seen[points] += 1
        assert np.all(allow_a[points] == (region.from_decision == "allow"))
        assert np.all(allow_b[points] == (region.to_decision == "allow"))
        ids_a = np.unique(a.table.outcome_ids[points]).tolist()
        ids_b = np.unique(b.table.outcome_ids[points]).tolist()
        assert {a.table.outcomes[k].rule_ids for k in ids_a} == {region.rules_from}
        assert {b.table.outcomes[k].rule_ids for k in ids_b} == {region.rules_to}
        assert {a.table.outcomes[k].obligations for k in ids_a} == {region.obligations_from}
        assert {b.table.outcomes[k].obligations for k in ids_b} == {region.obligations_to}
    assert seen.max(initial=0) <= 1, "regions overlap"
    assert np.array_equal(seen.astype(bool), expected), "regions are not exactly the points"


# --- shipped and fixture policies -------------------------------------------------------


@pytest.mark.parametrize("policy_id", SHIPPED)
def test_a_shipped_policy_diffed_with_itself_changes_nothing(policy_id: str) -> None:
    compiled = compiled_shipped(policy_id)
    result = diff(compiled, compiled)
    assert (result.changed, result.outcome_changed, result.regions) == (0, 0, ())
    assert (result.not_stated, result.not_stated_regions) == (0, ())
    assert result.to_json()["regions"] == []


@pytest.mark.parametrize("name", FIXTURE_POLICIES)
def test_a_fixture_policy_diffed_with_itself_changes_nothing(name: str) -> None:
    compiled = compiled_fixture(name)
    assert diff(compiled, compiled).regions == ()


@pytest.mark.slow
@pytest.mark.parametrize(("a", "b"), list(itertools.permutations(SHIPPED, 2)))
def test_regions_partition_changes_exactly_for_every_shipped_pair(a: str, b: str) -> None:
    compiled_a, compiled_b = compiled_shipped(a), compiled_shipped(b)
    assert_exact(compiled_a, compiled_b, diff(compiled_a, compiled_b))


@pytest.mark.parametrize(("a", "b"), list(itertools.permutations(SHIPPED, 2))[:8])
def test_outcome_regions_partition_every_outcome_change(a: str, b: str) -> None:
    compiled_a, compiled_b = compiled_shipped(a), compiled_shipped(b)
    result = diff(compiled_a, compiled_b, outcomes=True)
    assert result.compare == "outcome"
    assert_exact(compiled_a, compiled_b, result)
    assert sum(region.count for region in result.regions) == result.outcome_changed


@pytest.mark.parametrize(("a", "b"), list(itertools.permutations(FIXTURE_POLICIES, 2)))
def test_regions_partition_changes_exactly_for_fixture_pairs(a: str, b: str) -> None:
    compiled_a, compiled_b = compiled_fixture(a), compiled_fixture(b)
    result = diff(compiled_a, compiled_b)
    assert result.outcome_changed > 0 and result.not_stated > 0
    assert_exact(compiled_a, compiled_b, result)
    assert_exact(compiled_a, compiled_b, diff(compiled_a, compiled_b, outcomes=True))


def test_diff_is_deterministic_and_largest_first() -> None:
    a, b = compiled_fixture("small"), compiled_fixture("opaque")
    first, second = diff(a, b).to_json(), diff(a, b).to_json()
    assert first == second
    counts = [region["count"] for region in first["regions"]]
    assert counts == sorted(counts, reverse=True)


def test_diff_json_has_the_design_shape_and_the_when_convention() -> None:
    document = diff(compiled_fixture("small"), compiled_fixture("opaque")).to_json()
    assert {"total", "changed", "regions"} <= document.keys()
    names = [attribute.name for attribute in ATTRIBUTES]
    for region in document["regions"]:
        assert {"when", "from", "to", "count", "rules_from", "rules_to"} <= region.keys()
        assert region["from"] != region["to"]
        for name, values in region["when"].items():
            attribute = ATTRIBUTES[names.index(name)]
            # Unconstrained attributes are left out; values come in space order.
            assert 0 < len(values) < len(attribute.values)
            assert values == [v for v in attribute.values if v in values]
        assert list(region["when"]) == [n for n in names if n in region["when"]]


def test_diff_accepts_bare_tables_and_refuses_other_things() -> None:
    a, b = compiled_fixture("small"), compiled_fixture("opaque")
    assert diff(a.table, b.table).changed == diff(a, b).changed
    with pytest.raises(TypeError):
        diff(a, "opaque")  # type: ignore[arg-type]


# --- random fixture policies ------------------------------------------------------------

_ACTIONS = ATTRIBUTES[0].values
_CONTEXT = [attribute for attribute in ATTRIBUTES[1:]]


@st.composite
def conditions(draw: st.DrawFn, names: list[str]) -> str:
    name = draw(st.sampled_from(names))
    attribute = next(a for a in _CONTEXT if a.name == name)
    if attribute.is_bool:
        return draw(st.sampled_from([f"context.{name}", f"!context.{name}"]))
    values = draw(st.lists(st.sampled_from(attribute.values), min_size=1, max_size=3, unique=True))
    form = draw(st.sampled_from(["in", "eq", "ne"]))
    if form == "eq":
        return f'context.{name} == "{values[0]}"'
    if form == "ne":
        return f'context.{name} != "{values[0]}"'
    listed = ", ".join(f'"{value}"' for value in values)
    return f"[{listed}].contains(context.{name})"


@st.composite
def policy_texts(draw: st.DrawFn) -> str:
    """Cedar text: 1-4 rules over 2-3 context attributes and a few actions."""
    names = draw(
        st.lists(st.sampled_from([a.name for a in _CONTEXT]), min_size=2, max_size=3, unique=True)
    )
    rules = []
    for index in range(draw(st.integers(1, 4))):
        effect = draw(st.sampled_from(["permit", "permit", "forbid"]))
        actions = draw(st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=3, unique=True))
        scope = ", ".join(f'Haven::Action::"{action}"' for action in actions)
        clauses = draw(st.lists(conditions(names), min_size=1, max_size=3))
        rules.append(
            f'@id("r{index}")\n@source("test")\n@summary("Random rule {index}.")\n'
            f"{effect}(principal, action in [{scope}], resource)\n"
            f"when {{ {' && '.join(clauses)} }};\n"
        )
    return "\n".join(rules)


def _compile(text: str, name: str) -> CompiledPolicy:
    return compile_policy(load_policy_text(text, policy_id=name), use_cache=False)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy_texts(), policy_texts())
def test_random_policies_diff_into_an_exact_partition(text_a: str, text_b: str) -> None:
    a, b = _compile(text_a, "random-a"), _compile(text_b, "random-b")
    assert_exact(a, b, diff(a, b))


# --- regions ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=4).flatmap(
        lambda shape: st.lists(
            st.booleans(), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))
        ).map(lambda cells: np.array(cells, dtype=bool).reshape(shape))
    )
)
def test_cover_partitions_any_small_mask_exactly(mask: np.ndarray) -> None:
    seen = np.zeros(mask.shape, dtype=np.int64)
    for box in cover(mask):
        assert all(list(axis) == sorted(set(axis)) for axis in box)
        seen[np.ix_(*box)] += 1
    assert seen.max(initial=0) <= 1
    assert np.array_equal(seen.astype(bool), mask)


def test_cover_finds_one_box_for_a_product() -> None:
    mask = np.zeros((3, 4, 2), dtype=bool)
    mask[np.ix_([0, 2], [1, 3], [0, 1])] = True
    assert cover(mask) == [((0, 2), (1, 3), (0, 1))]


def test_partition_of_a_union_of_boxes_in_the_full_space() -> None:
    boxes = [
        when_to_box({"action": ["disclose"], "role": ["victim"]}),
        when_to_box({"stage": ["concluded"]}),
    ]
    mask = np.zeros(SHAPE, dtype=bool)
    for box in boxes:
        mask[np.ix_(*box)] = True
    result = partition(mask)
    check_partition(result, mask)
    assert len(result) <= 3


def test_partition_labels_maps_back_to_the_domain() -> None:
    domain = list(FULL_BOX)
    domain[2] = (0, 1, 3)
    domain = tuple(domain)
    labels = np.zeros(tuple(len(p) for p in domain), dtype=np.int8)
    labels[:, :, 2] = 1  # role victim_and_suspect (position 3 of the space)
    boxes = partition_labels(labels, domain, skip=0)
    assert list(boxes) == [1]
    assert [box_to_when(box) for box in boxes[1]] == [{"role": ["victim_and_suspect"]}]


def test_when_round_trips_and_leaves_out_unconstrained_attributes() -> None:
    when = {
        "status_concern": ["confirmed", "suspected"],
        "risk_to_others": [True],
        "offence": list(ATTRIBUTES[3].values),
    }
    assert box_to_when(when_to_box(when)) == {
        "status_concern": ["suspected", "confirmed"],
        "risk_to_others": [True],
    }
    assert box_to_when(FULL_BOX) == {}


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ({"colour": ["red"]}, "unknown attribute 'colour'"),
        ({"role": []}, "role: expected a non-empty list of values from victim, witness"),
        (
            {"role": ["victim", "bystander"]},
            "victim, witness, suspect, victim_and_suspect, family_member, got 'bystander'",
        ),
        (
            {"regularisation_support": ["true"]},
            "regularisation_support: expected values from true, false",
        ),
        ({"risk_to_life": [True]}, "unknown attribute 'risk_to_life'"),
        ({"role": "victim"}, "expected a non-empty list"),
        (["role"], "expected an object"),
    ],
)
def test_when_errors_name_the_key_and_the_allowed_values(when: object, message: str) -> None:
    with pytest.raises(RegionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        when_to_box(when)  # type: ignore[arg-type]


def test_a_diff_region_reads_as_a_promise_region() -> None:
    """Regions use the promise convention, so each one is a promise B keeps and A breaks."""
    a, b = compiled_fixture("small"), compiled_fixture("opaque")
    for region in diff(a, b).regions[:5]:
        data = {"id": "r", "text": {"en": "r"}, "when": region.when, "expect": region.to_decision}
        promise = parse_promise(data)
        assert promise.box == region.box
        assert check_promise(b, promise).holds
        assert check_promise(a, promise).failing == region.count


def test_a_not_stated_region_is_a_promise_the_silent_side_does_not_state() -> None:
    a, b = compiled_fixture("small"), compiled_fixture("opaque")
    result = diff(a, b)
    assert result.not_stated_regions
    for region in result.not_stated_regions[:5]:
        silent, stated = (a, b) if region.silent == "a" else (b, a)
        decision = region.from_decision if region.silent == "b" else region.to_decision
        data = {"id": "r", "text": {"en": "r"}, "when": region.when, "expect": decision}
        promise = parse_promise(data)
        assert check_promise(stated, promise).status == "holds"
        assert check_promise(silent, promise).status in ("fails", "not_stated")


def test_regions_of_a_policy_that_ignores_the_source_leave_the_source_out() -> None:
    """Impossible (concern, source) pairs are don't-cares: no region is carved around them."""
    text = (
        '@id("share-on-doubt")\n@source("s")\n@summary("Share on doubt.")\n'
        'permit(principal, action == Haven::Action::"disclose", resource)\n'
        'when { ["doubt", "suspected"].contains(context.status_concern) };\n'
    )
    a = compile_policy(load_policy_text("// nothing\n", policy_id="empty"), use_cache=False)
    b = compile_policy(load_policy_text(text, policy_id="share"), use_cache=False)
    result = diff(a, b)
    assert [region.when for region in result.not_stated_regions] == [
        {"action": ["disclose"], "status_concern": ["doubt", "suspected"]}
    ]
    # Counted over what can happen: two concerns, each with five possible sources.
    assert result.not_stated == SIZE // 5 * 2 // 5 * 5 // 6
    assert_exact(a, b, result)


def test_a_region_that_only_holds_impossible_points_counts_nothing() -> None:
    box = when_to_box({"status_concern": ["doubt"], "status_source": ["none"]})
    assert box_count(box) == 0
    assert len(box_points(box)) == 0
    whole = when_to_box({"status_concern": ["doubt"]})
    assert box_count(whole) == SIZE // 5 // 6 * 5


def test_a_partial_source_set_leaves_out_sources_no_concern_of_the_region_can_have() -> None:
    from haven.policy.regions import tidy_box

    box = when_to_box(
        {"status_concern": ["doubt", "confirmed"], "status_source": ["none", "self", "suspect"]}
    )
    assert box_to_when(tidy_box(box)) == {
        "status_concern": ["doubt", "confirmed"],
        "status_source": ["self", "suspect"],
    }
    whole = when_to_box({"status_concern": ["doubt"]})
    assert tidy_box(whole) == whole
    assert box_count(tidy_box(box)) == box_count(box)
