"""Case validation (DESIGN.md §3): every error names the key and the allowed values."""

from __future__ import annotations

from typing import Any

import pytest

from haven.policy import InvalidCaseError, case_to_request, point_to_case, validate_case


def a_case(**changes: Any) -> dict[str, Any]:
    case: dict[str, Any] = dict(point_to_case(123_456))
    case.update(changes)
    return case


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
        validate_case(a_case(risk_to_life="true"))
    message = str(raised.value)
    assert "risk_to_life" in message
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
