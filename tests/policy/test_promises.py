"""`haven.policy.promises`: catalogue validation, and checks that agree with brute force.

Brute force: expand the promise's region to point indices, read the decisions from the
compiled table, and compare with `check_promise`. Every counterexample is re-decided
through `decide` and must break its promise, for the rules it names.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.policy import CompiledPolicy, decide
from haven.policy.promises import (
    DEFAULT_DENY,
    Promise,
    PromiseError,
    check,
    check_promise,
    load_promise,
    load_promises,
    parse_promise,
    promises_dir,
)
from haven.policy.regions import box_points
from haven.policy.space import ATTRIBUTES
from tests.policy.conftest import FIXTURE_POLICIES, SHIPPED, compiled_fixture, compiled_shipped

EXAMPLE = {
    "id": "no-status-only-checks",
    "text": {"en": "Police will not check a database just to find out your immigration status."},
    "when": {
        "action": ["pnc_check", "status_check"],
        "purpose": ["immigration_control"],
        "role": ["victim", "witness"],
    },
    "expect": "deny",
}

TEST_PROMISES = [
    parse_promise(EXAMPLE),
    parse_promise(
        {
            "id": "no-ie-disclosure",
            "text": {"en": "Your details will not be passed to Immigration Enforcement."},
            "when": {
                "action": ["disclose"],
                "recipient": ["immigration_enforcement"],
                "role": ["victim", "witness", "victim_and_suspect"],
            },
            "expect": "deny",
        }
    ),
    parse_promise(
        {
            "id": "no-arrest",
            "text": {"en": "You will not be arrested on immigration grounds."},
            "when": {"action": ["immigration_arrest"], "role": ["victim", "witness"]},
            "expect": "deny",
        }
    ),
    parse_promise(
        {
            "id": "safeguarding-shared",
            "text": {"en": "Police may share with safeguarding partners to keep you safe."},
            "when": {
                "action": ["disclose"],
                "recipient": ["safeguarding_partner"],
                "purpose": ["safeguarding"],
            },
            "expect": "allow",
        }
    ),
    parse_promise(
        {
            "id": "everything-denied",
            "text": {"en": "Nothing happens."},
            "when": {},
            "expect": "deny",
        }
    ),
]


def _catalogue() -> list[Promise]:
    """The shipped catalogue (when present) and the test promises above."""
    shipped = list(load_promises()) if promises_dir().is_dir() else []
    return shipped + TEST_PROMISES


def assert_agrees_with_brute_force(compiled: CompiledPolicy, promise: Promise) -> None:
    result = check_promise(compiled, promise)
    points = box_points(promise.box)  # ascending: point order
    allowed = compiled.table.allow_mask()[points]
    broken = allowed != (promise.expect == "allow")
    assert result.holds == (not broken.any())
    assert result.failing == int(np.count_nonzero(broken))
    if result.holds:
        assert result.counterexample is None and result.responsible == ()
        return
    first = int(points[np.argmax(broken)])
    assert result.point == first
    # Re-decided through `decide`, the counterexample breaks the promise.
    decision = decide(compiled, result.counterexample)
    assert decision.decision != promise.expect
    assert set(decision.case) == {attribute.name for attribute in ATTRIBUTES}
    rule_ids = tuple(reason.id for reason in decision.reasons)
    assert result.responsible == (rule_ids or (DEFAULT_DENY,))


@pytest.mark.parametrize("policy_id", SHIPPED)
def test_checks_agree_with_brute_force_on_shipped_policies(policy_id: str) -> None:
    compiled = compiled_shipped(policy_id)
    for promise in _catalogue():
        assert_agrees_with_brute_force(compiled, promise)


@pytest.mark.parametrize("name", FIXTURE_POLICIES)
def test_checks_agree_with_brute_force_on_fixture_policies(name: str) -> None:
    compiled = compiled_fixture(name)
    results = check(compiled, TEST_PROMISES)
    assert [result.promise.id for result in results] == [p.id for p in TEST_PROMISES]
    for promise in TEST_PROMISES:
        assert_agrees_with_brute_force(compiled, promise)


def test_a_failing_promise_reports_the_first_counterexample_as_a_full_case() -> None:
    result = check_promise(compiled_fixture("small"), TEST_PROMISES[-1])
    assert not result.holds
    document = result.to_json()
    assert {"id", "holds", "counterexample"} <= document.keys()
    assert document["holds"] is False
    assert list(document["counterexample"]) == [attribute.name for attribute in ATTRIBUTES]
    assert document["responsible"] and DEFAULT_DENY not in document["responsible"]


def test_default_deny_is_named_when_no_rule_matched() -> None:
    promise = parse_promise(
        {
            "id": "allowed",
            "text": {"en": "x"},
            "when": {"action": ["enforcement"]},
            "expect": "allow",
        }
    )
    result = check_promise(compiled_fixture("small"), promise)
    assert not result.holds
    assert result.responsible == (DEFAULT_DENY,)


@st.composite
def regions(draw: st.DrawFn) -> dict[str, list[object]]:
    when = {}
    for attribute in ATTRIBUTES:
        if draw(st.booleans()):
            when[attribute.name] = draw(
                st.lists(st.sampled_from(attribute.values), min_size=1, unique=True)
            )
    return when


@settings(max_examples=100, deadline=None)
@given(regions(), st.sampled_from(["allow", "deny"]), st.sampled_from(FIXTURE_POLICIES))
def test_random_promises_agree_with_brute_force(when: dict, expect: str, name: str) -> None:
    promise = parse_promise({"id": "random", "text": {"en": "x"}, "when": when, "expect": expect})
    assert_agrees_with_brute_force(compiled_fixture(name), promise)


# --- loading and validation ---------------------------------------------------------------


def test_the_shipped_catalogue_loads_when_present() -> None:
    if not promises_dir().is_dir():
        pytest.skip("no shipped promise catalogue yet")
    promises = load_promises()
    assert [p.id for p in promises] == sorted(p.id for p in promises)
    for promise in promises:
        assert promise.english
        assert load_promise(promise.id) == promise


def test_load_promise_reads_a_file_and_finds_ids(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(EXAMPLE), encoding="utf-8")
    other = dict(EXAMPLE, id="other")
    (tmp_path / "b.json").write_text(json.dumps(other), encoding="utf-8")
    assert [p.id for p in load_promises(tmp_path)] == ["no-status-only-checks", "other"]
    assert load_promise(tmp_path / "a.json").id == "no-status-only-checks"
    assert load_promise("other", directory=tmp_path).id == "other"
    with pytest.raises(PromiseError, match="unknown promise 'nope'.*no-status-only-checks, other"):
        load_promise("nope", directory=tmp_path)
    with pytest.raises(PromiseError, match="no promise file"):
        load_promise(str(tmp_path / "missing.json"))


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps(EXAMPLE), encoding="utf-8")
    with pytest.raises(PromiseError, match="already used"):
        load_promises(tmp_path)


def test_invalid_json_is_refused_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(PromiseError, match="bad.json: not valid JSON"):
        load_promise(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"expect": "maybe"}, "expect: expected one of allow, deny, got 'maybe'"),
        ({"expects": "deny"}, "unknown key 'expects'; the allowed keys are id, text, when, expect"),
        ({"id": ""}, "id: expected a non-empty string"),
        ({"text": "hello"}, 'at least "en"'),
        ({"text": {"fr": "bonjour"}}, 'at least "en"'),
        ({"when": {"rol": ["victim"]}}, "unknown attribute 'rol'; the attributes are action, "),
        (
            {"when": {"role": ["bystander"]}},
            "when.role: expected values from victim, witness, suspect, victim_and_suspect, got 'bystander'",
        ),
        (
            {"when": {"risk_to_others": ["true"]}},
            "risk_to_others: expected values from true, false, got 'true'",
        ),
        ({"when": {"role": []}}, "role: expected a non-empty list"),
    ],
)
def test_validation_errors_name_the_key_and_the_allowed_values(change: dict, message: str) -> None:
    with pytest.raises(PromiseError) as raised:
        parse_promise({**EXAMPLE, **change})
    assert message in str(raised.value)


def test_a_missing_key_is_named() -> None:
    data = {key: value for key, value in EXAMPLE.items() if key != "when"}
    with pytest.raises(PromiseError, match="missing key 'when'"):
        parse_promise(data)


def test_parse_normalises_when_to_space_order() -> None:
    promise = parse_promise(
        {**EXAMPLE, "when": {"role": ["witness", "victim"], "offence": list(ATTRIBUTES[3].values)}}
    )
    assert promise.when == {"role": ["victim", "witness"]}
    assert promise.size == 1_920_000 // 2
