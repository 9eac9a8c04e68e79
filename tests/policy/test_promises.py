"""`haven.policy.promises`: catalogue validation, and checks that agree with brute force.

Brute force: expand the promise's region to its feasible point indices, read the
outcomes from the compiled table, and compare with `check_promise`: a point breaks the
promise when its decision or duties differ; a promise kept somewhere only by the
default deny is "not stated". Every counterexample is re-decided through `decide` and
must break its promise (or rest on silence), for the rules it names.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.policy import CompiledPolicy
from haven.policy.promises import (
    DEFAULT_DENY,
    FAILS,
    HOLDS,
    NOT_STATED,
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
from haven.policy.space import ATTRIBUTES, SIZE
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
    parse_promise(
        {
            "id": "told-if-shared-with-ie",
            "text": {"en": "If your details go to Immigration Enforcement, you will be told."},
            "when": {"action": ["disclose"], "recipient": ["immigration_enforcement"]},
            "obligations": ["notify_subject"],
        }
    ),
    parse_promise(
        {
            "id": "ie-sharing-recorded",
            "text": {"en": "Sharing with Immigration Enforcement is always recorded."},
            "when": {"action": ["disclose"], "recipient": ["immigration_enforcement"]},
            "expect": "allow",
            "obligations": ["record_rationale"],
        }
    ),
]


def _catalogue() -> list[Promise]:
    """The shipped catalogue (when present) and the test promises above."""
    shipped = list(load_promises()) if promises_dir().is_dir() else []
    return shipped + TEST_PROMISES


def assert_agrees_with_brute_force(compiled: CompiledPolicy, promise: Promise) -> None:
    result = check_promise(compiled, promise)
    points = box_points(promise.box)  # feasible points, ascending: point order
    table = compiled.table
    # Per outcome first (a handful), then per point by indexing with the outcome ids.
    breaks = np.array(
        [
            (promise.expect is not None and outcome.decision != promise.expect)
            or (outcome.allowed and not set(promise.obligations) <= set(outcome.obligations))
            for outcome in table.outcomes
        ],
        dtype=bool,
    )
    unstated = np.array([not outcome.stated for outcome in table.outcomes], dtype=bool)
    broken = breaks[table.outcome_ids[points]]
    silent = unstated[table.outcome_ids[points]]
    expected = FAILS if broken.any() else NOT_STATED if silent.any() else HOLDS
    assert result.status == expected
    assert result.holds == (expected == HOLDS)
    assert result.failing == int(np.count_nonzero(broken))
    assert result.silent == int(np.count_nonzero(silent))
    if result.holds:
        assert result.counterexample is None and result.responsible == ()
        return
    offending = broken if expected == FAILS else silent
    first = int(points[np.argmax(offending)])
    assert result.point == first
    # Re-decided through `decide`, the counterexample breaks the promise or rests on silence.
    decision = compiled.decide(result.counterexample)
    if expected == FAILS:
        assert (promise.expect is not None and decision.decision != promise.expect) or not set(
            promise.obligations
        ) <= set(decision.obligations)
    else:
        assert not decision.stated and decision.decision == "deny"
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
    everything_denied = next(p for p in TEST_PROMISES if p.id == "everything-denied")
    result = check_promise(compiled_fixture("small"), everything_denied)
    assert result.status == FAILS
    document = result.to_json()
    assert {"id", "status", "holds", "counterexample"} <= document.keys()
    assert document["holds"] is False and document["status"] == "fails"
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
@given(
    regions(),
    st.sampled_from(["allow", "deny", None]),
    st.lists(st.sampled_from(["notify_subject", "record_rationale", "dual_control"]), max_size=2),
    st.sampled_from(FIXTURE_POLICIES),
)
def test_random_promises_agree_with_brute_force(
    when: dict, expect: str | None, obligations: list[str], name: str
) -> None:
    data: dict[str, object] = {"id": "random", "text": {"en": "x"}, "when": when}
    if expect is not None:
        data["expect"] = expect
    if obligations and expect != "deny":
        data["obligations"] = obligations
    elif expect is None:
        data["expect"] = "deny"
    try:
        promise = parse_promise(data)
    except PromiseError as error:
        assert "cannot happen" in str(error)  # a region of impossible combinations only
        return
    assert_agrees_with_brute_force(compiled_fixture(name), promise)


def test_a_promise_kept_only_by_silence_is_not_stated_never_held() -> None:
    promise = parse_promise(
        {
            "id": "no-enforcement",
            "text": {"en": "x"},
            "when": {"action": ["enforcement"]},
            "expect": "deny",
        }
    )
    result = check_promise(compiled_fixture("small"), promise)
    assert result.status == NOT_STATED and not result.holds
    assert result.failing == 0 and result.silent == promise.size
    assert result.responsible == (DEFAULT_DENY,)
    held = check_promise(compiled_fixture("redraft"), promise)
    assert held.status == FAILS  # the redraft allows enforcement where status is confirmed


def test_an_obligation_promise_needs_the_duty_on_every_allow() -> None:
    told = next(p for p in TEST_PROMISES if p.id == "told-if-shared-with-ie")
    assert told.expect is None and told.obligations == ("notify_subject",)
    assert told.guarantee == "deny, or allow with notify_subject"
    result = check_promise(compiled_fixture("redraft"), told)
    assert result.status == FAILS
    assert result.outcome is not None and result.outcome.allowed
    assert "notify_subject" not in result.outcome.obligations


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
        (
            {"expects": "deny"},
            "unknown key 'expects'; the allowed keys are id, text, when, expect, obligations",
        ),
        ({"obligations": ["tell_everyone"]}, "obligations: unknown 'tell_everyone'"),
        ({"obligations": "notify_subject"}, "obligations: expected a list"),
        ({"obligations": ["notify_subject"]}, "a promise that expects deny cannot carry them"),
        (
            {"when": {"status_concern": ["doubt"], "status_source": ["none"]}},
            "the region holds only combinations that cannot happen",
        ),
        ({"id": ""}, "id: expected a non-empty string"),
        ({"text": "hello"}, 'at least "en"'),
        ({"text": {"fr": "bonjour"}}, 'at least "en"'),
        ({"when": {"rol": ["victim"]}}, "unknown attribute 'rol'; the attributes are action, "),
        (
            {"when": {"role": ["bystander"]}},
            "when.role: expected values from victim, witness, suspect, victim_and_suspect, "
            "family_member, got 'bystander'",
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


def test_a_promise_needs_an_expected_decision_or_duties() -> None:
    data = {key: value for key, value in EXAMPLE.items() if key != "expect"}
    with pytest.raises(PromiseError, match="expected 'expect'.*'obligations'"):
        parse_promise(data)


def test_parse_normalises_when_to_space_order() -> None:
    promise = parse_promise(
        {**EXAMPLE, "when": {"role": ["witness", "victim"], "offence": list(ATTRIBUTES[3].values)}}
    )
    assert promise.when == {"role": ["victim", "witness"]}
    # Two of the five roles, over the points that can happen (17 of 30 concern/source pairs).
    assert promise.size == SIZE * 2 // 5 * 17 // 30
