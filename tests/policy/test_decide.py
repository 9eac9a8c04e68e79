"""`CompiledPolicy.decide`: the result object served from the table, and the batch path."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from haven.policy import InvalidCaseError, point_to_case, space

from .conftest import compiled_fixture, live_answers


def case(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "action": "disclose",
        "recipient": "immigration_enforcement",
        "role": "victim",
        "offence": "domestic_abuse",
        "status_concern": "confirmed",
        "status_source": "records",
        "purpose": "immigration_control",
        "stage": "report",
        "consent": "not_sought",
        "risk_to_others": False,
        "regularisation_support": False,
    }
    base.update(values)
    return base


def test_forbid_denies_with_its_reason_and_obligations() -> None:
    compiled = compiled_fixture("small")
    result = compiled.decide(case())
    assert result.decision == "deny"
    assert [reason.id for reason in result.reasons] == ["no-ie-for-victims"]
    assert result.reasons[0].summary == "Victims' data never goes to Immigration Enforcement."
    assert result.reasons[0].source == "Fixture §2"
    assert result.obligations == ("treat_as_victim",)
    assert result.explanation.startswith("Denied.")
    assert "no-ie-for-victims" in result.explanation
    assert "Immigration Enforcement" in result.explanation


def test_permit_allows_with_obligations_of_every_matching_permit() -> None:
    compiled = compiled_fixture("small")
    result = compiled.decide(
        case(role="suspect", purpose="safeguarding", regularisation_support=True)
    )
    assert result.decision == "allow"
    assert {r.id for r in result.reasons} == {"allow-safeguarding", "disclose-to-ie"}
    assert result.obligations == ("record_rationale", "minimise_fields", "dual_control")
    assert result.explanation.startswith("Allowed")
    assert "share only the fields needed" in result.explanation


def test_default_deny_has_no_reasons() -> None:
    result = compiled_fixture("small").decide(case(action="enforcement"))
    assert result.decision == "deny"
    assert result.reasons == ()
    assert result.obligations == ()
    assert "by default" in result.explanation


def test_json_shape_is_the_design_contract() -> None:
    compiled = compiled_fixture("small")
    document = compiled.decide(case()).to_json()
    assert list(document) == [
        "policy",
        "version",
        "decision",
        "reasons",
        "obligations",
        "explanation",
    ]
    assert document["policy"] == compiled.policy.id
    assert document["version"] == compiled.policy.version
    assert set(document["reasons"][0]) == {"id", "summary", "source"}


def test_invalid_case_is_refused_before_any_lookup() -> None:
    with pytest.raises(InvalidCaseError, match="stage"):
        compiled_fixture("small").decide(case(stage="appeal"))


def feasible_points(seed: int, count: int) -> np.ndarray:
    points = np.random.default_rng(seed).integers(0, space.SIZE, count * 2)
    return points[space.feasible_mask().reshape(-1)[points]][:count]


def test_decide_agrees_with_live_cedar() -> None:
    compiled = compiled_fixture("small")
    points = feasible_points(5, 500)
    for point, live in zip(points, live_answers(compiled.policy, points), strict=True):
        result = compiled.decide(point_to_case(int(point)))
        assert result.decision == live.decision
        assert {r.id for r in result.reasons} == live.reasons


def test_a_repeated_kind_of_case_reuses_its_reasons_and_explanation() -> None:
    compiled = compiled_fixture("small")
    first = compiled.decide(case())
    second = compiled.decide(case(offence="other", stage="concluded"))
    assert first.reasons is second.reasons
    assert first.explanation is second.explanation
    assert second.case["offence"] == "other"


def test_the_explanation_depends_on_what_was_asked() -> None:
    compiled = compiled_fixture("small")
    to_ie = compiled.decide(case(role="suspect", purpose="safeguarding"))
    to_police = compiled.decide(case(role="suspect", purpose="safeguarding", recipient="police"))
    assert "to Immigration Enforcement" in to_ie.explanation
    assert "to another police body" in to_police.explanation


def test_the_decision_keeps_its_own_copy_of_the_case() -> None:
    compiled = compiled_fixture("small")
    asked = case()
    result = compiled.decide(asked)
    asked["stage"] = "concluded"
    assert result.case["stage"] == "report"


def test_a_case_that_cannot_happen_is_refused() -> None:
    with pytest.raises(InvalidCaseError, match="cannot happen"):
        compiled_fixture("small").decide(case(status_source="none"))


def test_default_deny_is_not_stated() -> None:
    compiled = compiled_fixture("small")
    assert not compiled.decide(case(action="enforcement")).stated
    assert compiled.decide(case()).stated


def test_batch_paths_agree_with_decide() -> None:
    compiled = compiled_fixture("small")
    points = feasible_points(9, 2_000)
    allowed = compiled.allowed_at(points)
    assert allowed.dtype == bool
    expected = [compiled.decide(point_to_case(int(p))).allowed for p in points]
    assert allowed.tolist() == expected
    ids = compiled.outcome_ids_at(points)
    assert [compiled.table.outcomes[i].allowed for i in ids] == expected
