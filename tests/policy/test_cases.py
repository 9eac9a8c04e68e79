"""Case validation (docs/decision-space.md): every error names the key and the allowed values,
and a combination that cannot happen is refused with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from haven.policy import InvalidCaseError, case_to_request, point_to_case, validate_case
from haven.policy.cases import case_point
from haven.policy.space import case_to_point, feasible_mask

FEASIBLE_POINT = 1_234_567


def a_case(**changes: Any) -> dict[str, Any]:
    case: dict[str, Any] = dict(point_to_case(FEASIBLE_POINT))
    case.update(changes)
    return case


def test_the_example_case_can_happen() -> None:
    assert feasible_mask().reshape(-1)[FEASIBLE_POINT]


def test_valid_case_is_returned_unchanged() -> None:
    assert validate_case(a_case()) == a_case()


def test_invalid_case_error_is_a_value_error() -> None:
    assert issubclass(InvalidCaseError, ValueError)


def test_missing_key_is_named_with_its_allowed_values() -> None:
    case = a_case()
    del case["consent"]
    with pytest.raises(InvalidCaseError) as raised:
        validate_case(case)
    message = str(raised.value)
    assert "consent" in message
    assert "given, refused, not_sought" in message
    assert "missing" in message
    assert [problem.key for problem in raised.value.problems] == ["consent"]


def test_unknown_key_is_named_with_the_allowed_keys() -> None:
    with pytest.raises(InvalidCaseError) as raised:
        validate_case(a_case(nationality="x"))
    message = str(raised.value)
    assert "unknown key 'nationality'" in message
    assert "regularisation_support" in message


def test_value_outside_its_list_is_named_with_the_allowed_values() -> None:
    with pytest.raises(InvalidCaseError) as raised:
        validate_case(a_case(offence="arson"))
    message = str(raised.value)
    assert "offence" in message and "'arson'" in message
    assert "domestic_abuse" in message and "other" in message


def test_string_true_for_a_boolean_is_a_type_error_in_the_message() -> None:
    with pytest.raises(InvalidCaseError) as raised:
        validate_case(a_case(regularisation_support="true"))
    message = str(raised.value)
    assert "regularisation_support" in message
    assert "JSON boolean" in message
    assert "string 'true'" in message


def test_boolean_for_a_string_attribute_is_refused() -> None:
    with pytest.raises(InvalidCaseError, match="role: expected a string"):
        validate_case(a_case(role=True))


def test_number_for_a_boolean_is_refused() -> None:
    with pytest.raises(InvalidCaseError, match="risk_to_others"):
        validate_case(a_case(risk_to_others=1))


def test_every_problem_is_reported_at_once() -> None:
    case = a_case(stage="sentencing", extra=1)
    del case["purpose"]
    with pytest.raises(InvalidCaseError) as raised:
        validate_case(case)
    assert {problem.key for problem in raised.value.problems} == {"stage", "extra", "purpose"}


@pytest.mark.parametrize("not_an_object", [[], "case", None, 3])
def test_a_case_must_be_an_object(not_an_object: Any) -> None:
    with pytest.raises(InvalidCaseError, match="JSON object"):
        validate_case(not_an_object)


def test_request_follows_the_schema() -> None:
    case = a_case(action="disclose", recipient="police")
    request = case_to_request(validate_case(case))
    assert request["action"] == {"type": "Haven::Action", "id": "disclose"}
    assert request["principal"]["type"] == "Haven::Officer"
    assert request["resource"]["type"] == "Haven::Person"
    assert set(request["context"]) == set(case) - {"action"}
    assert request["context"]["recipient"] == "police"


def test_a_case_without_status_source_names_the_new_key() -> None:
    case = a_case()
    del case["status_source"]
    with pytest.raises(InvalidCaseError) as raised:
        validate_case(case)
    message = str(raised.value)
    assert "status_source" in message and "missing" in message
    assert "none, self, officer, suspect, third_party, records" in message
    assert "new in version 2" in message


def test_risk_to_life_is_named_as_removed() -> None:
    with pytest.raises(InvalidCaseError) as raised:
        validate_case(a_case(risk_to_life=False))
    message = str(raised.value)
    assert "unknown key 'risk_to_life'" in message
    assert "removed in version 2" in message


@pytest.mark.parametrize(
    ("concern", "source", "why"),
    [
        ("doubt", "none", "always has a source"),
        ("confirmed", "none", "always has a source"),
        ("none", "suspect", "status_source must be none"),
        ("unknown", "self", "status_source must be none"),
    ],
)
def test_a_combination_that_cannot_happen_is_refused_saying_why(
    concern: str, source: str, why: str
) -> None:
    case = a_case(status_concern=concern, status_source=source)
    for validate in (validate_case, case_point):
        with pytest.raises(InvalidCaseError) as raised:
            validate(case)
        message = str(raised.value)
        assert why in message and "cannot happen" in message
        assert f"status_concern {concern!r} with status_source {source!r}" in message


def test_the_fast_path_agrees_with_validation() -> None:
    case = a_case()
    point, clean = case_point(case)
    assert point == case_to_point(case) == FEASIBLE_POINT
    assert clean == validate_case(case) and clean is not case


@pytest.mark.parametrize(
    "change",
    [
        {"risk_to_others": 1},
        {"risk_to_others": "false"},
        {"role": True},
        {"offence": ["other"]},
        {"stage": None},
        {"extra": 1},
    ],
)
def test_the_fast_path_sends_anything_unusual_to_full_validation(change: dict[str, Any]) -> None:
    with pytest.raises(InvalidCaseError):
        case_point(a_case(**change))


def test_the_fast_path_refuses_a_missing_key_and_a_non_dict() -> None:
    case = a_case()
    del case["stage"]
    with pytest.raises(InvalidCaseError, match="stage"):
        case_point(case)
    with pytest.raises(InvalidCaseError, match="JSON object"):
        case_point([("stage", "report")])
