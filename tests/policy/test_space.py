"""The decision space (docs/decision-space.md, version 2) and its mixed-radix point index."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.policy import space


def test_space_has_the_eleven_attributes_of_version_2_in_order() -> None:
    assert space.VERSION == 2
    assert space.ATTRIBUTE_NAMES == (
        "action",
        "recipient",
        "role",
        "offence",
        "status_concern",
        "status_source",
        "purpose",
        "stage",
        "consent",
        "risk_to_others",
        "regularisation_support",
    )
    assert space.SHAPE == (5, 6, 5, 8, 5, 6, 5, 4, 3, 2, 2)


def test_version_2_adds_who_raised_the_concern_family_members_and_the_nrm() -> None:
    values = {a.name: a.values for a in space.ATTRIBUTES}
    assert values["status_source"] == (
        "none",
        "self",
        "officer",
        "suspect",
        "third_party",
        "records",
    )
    assert "family_member" in values["role"]
    assert "nrm" in values["recipient"]
    assert "risk_to_life" not in values
    assert "risk_to_life" in space.REMOVED_ATTRIBUTES


def test_space_has_8_640_000_points_of_which_4_896_000_can_happen() -> None:
    assert space.SIZE == 8_640_000
    assert space.feasible_count() == 4_896_000
    assert int(np.count_nonzero(space.feasible_mask())) == space.feasible_count()


@pytest.mark.parametrize(
    ("concern", "source", "possible"),
    [
        ("none", "none", True),
        ("unknown", "none", True),
        ("doubt", "self", True),
        ("confirmed", "records", True),
        ("suspected", "suspect", True),
        ("doubt", "none", False),
        ("confirmed", "none", False),
        ("none", "self", False),
        ("unknown", "records", False),
    ],
)
def test_a_concern_always_has_a_source_and_a_source_always_has_a_concern(
    concern: str, source: str, possible: bool
) -> None:
    case = space.point_to_case(0) | {"status_concern": concern, "status_source": source}
    assert (space.impossible_combination(case) is None) is possible
    assert bool(space.feasible_mask().reshape(-1)[space.case_to_point(case)]) is possible


def test_the_feasible_mask_is_read_only() -> None:
    assert not space.feasible_mask().flags.writeable


def test_first_attribute_is_most_significant_digit() -> None:
    assert space.point_to_case(0)["action"] == "pnc_check"
    assert space.point_to_case(space.SIZE - 1)["action"] == "enforcement"
    assert space.point_to_case(1)["regularisation_support"] is False
    assert space.STRIDES[0] == space.SIZE // 5
    assert space.STRIDES[-1] == 1


def test_index_order_matches_numpy_c_order() -> None:
    positions = (3, 1, 2, 7, 0, 4, 3, 2, 1, 0, 1)
    assert space.positions_to_point(positions) == int(np.ravel_multi_index(positions, space.SHAPE))


@given(st.integers(min_value=0, max_value=space.SIZE - 1))
def test_point_case_round_trip(point: int) -> None:
    assert space.case_to_point(space.point_to_case(point)) == point


@given(st.lists(st.integers(min_value=0, max_value=space.SIZE - 1), min_size=1, max_size=50))
def test_vectorised_conversions_agree_with_scalar_ones(points: list[int]) -> None:
    positions = space.points_to_positions(np.array(points))
    assert [tuple(row) for row in positions.tolist()] == [
        space.point_to_positions(p) for p in points
    ]
    assert space.positions_to_points(positions).tolist() == points


@pytest.mark.parametrize("point", [-1, space.SIZE, 10**9])
def test_point_outside_the_space_is_refused(point: int) -> None:
    with pytest.raises(ValueError, match=r"\[0, 8640000\)"):
        space.point_to_case(point)


def test_point_must_be_an_int() -> None:
    with pytest.raises(TypeError):
        space.point_to_case("5")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        space.point_to_case(True)


def test_string_true_is_not_the_boolean_true() -> None:
    attribute = space.ATTRIBUTE_BY_NAME["regularisation_support"]
    assert attribute.position(True) == 0
    with pytest.raises(ValueError, match="regularisation_support"):
        attribute.position("true")
    with pytest.raises(ValueError):
        attribute.position(1)


def test_every_attribute_is_read_by_some_shipped_rule() -> None:
    """An attribute no shipped rule turns on does not belong in the space (v2 dropped one)."""
    from haven.policy import load_policy, shipped_policy_ids
    from haven.policy.dependence import partition_rule

    read: set[str] = set()
    for policy_id in shipped_policy_ids():
        for rule in load_policy(policy_id).rules:
            counts = partition_rule(rule.est).class_counts
            pairs = zip(space.ATTRIBUTE_NAMES, counts, strict=True)
            read |= {name for name, count in pairs if count > 1}
    assert read == set(space.ATTRIBUTE_NAMES)


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("role", "family_member"), ("recipient", "nrm"), ("status_source", "suspect")],
)
def test_the_values_version_2_added_are_named_by_some_shipped_rule(
    attribute: str, value: str
) -> None:
    from haven.policy import load_policy, shipped_policy_ids

    assert any(
        f'"{value}"' in (rule.text or "") and attribute in (rule.text or "")
        for policy_id in shipped_policy_ids()
        for rule in load_policy(policy_id).rules
    )
