"""`haven.policy.notice`: deterministic, names every holding promise, and exact.

Exact means: the conditions' regions partition the allowed (feasible) points where a
victim's, witness's or named relative's data reaches Immigration Enforcement, and each
names the rules that allow it. A promise kept only by silence is never shown.
"""

from __future__ import annotations

import numpy as np
import pytest

from haven.policy import CompiledPolicy, compile_policy, load_policy_text
from haven.policy.notice import IE_ACTIONS, REPORTER_ROLES, notice, render_notice
from haven.policy.promises import check
from haven.policy.regions import box_points
from haven.policy.space import ATTRIBUTE_BY_NAME, SHAPE, SIZE, feasible_mask
from tests.policy.conftest import FIXTURE_POLICIES, SHIPPED, compiled_fixture, compiled_shipped
from tests.policy.test_promises import TEST_PROMISES

ALL_POLICIES = [("shipped", p) for p in SHIPPED] + [("fixture", p) for p in FIXTURE_POLICIES]

FIREWALL_TEXT = """
@id("police-work")
@source("test")
@summary("Police may check records to investigate.")
permit(principal, action == Haven::Action::"pnc_check", resource)
when { context.purpose == "investigation" };
"""


def _compiled(kind: str, name: str) -> CompiledPolicy:
    return compiled_shipped(name) if kind == "shipped" else compiled_fixture(name)


def _exposure_mask(compiled: CompiledPolicy) -> np.ndarray:
    """Allowed points with a reporter role and an IE-reaching action (disclose: to IE)."""
    domain = np.zeros(SHAPE, dtype=bool)
    roles = [ATTRIBUTE_BY_NAME["role"].position(r) for r in REPORTER_ROLES]
    for action in IE_ACTIONS:
        a = ATTRIBUTE_BY_NAME["action"].position(action)
        if action == "disclose":
            ie = ATTRIBUTE_BY_NAME["recipient"].position("immigration_enforcement")
            domain[a, ie, roles] = True
        else:
            domain[a][:, roles] = True
    return domain.reshape(-1) & compiled.table.allow_mask() & feasible_mask().reshape(-1)


@pytest.mark.parametrize(("kind", "name"), ALL_POLICIES)
def test_conditions_partition_the_exposure_exactly(kind: str, name: str) -> None:
    compiled = _compiled(kind, name)
    document = notice(compiled, TEST_PROMISES)
    seen = np.zeros(SIZE, dtype=np.int64)
    for condition in document.conditions:
        points = box_points(condition.box)
        seen[points] += 1
        assert condition.when["action"] == [condition.action]
        present = np.unique(compiled.table.outcome_ids[points]).tolist()
        named = {rule for k in present for rule in compiled.table.outcomes[k].rule_ids}
        assert {rule.id for rule in condition.rules} == named
        assert all(f"{rule.id}" in condition.text for rule in condition.rules)
    assert seen.max(initial=0) <= 1
    assert np.array_equal(seen.astype(bool), _exposure_mask(compiled))


@pytest.mark.parametrize(("kind", "name"), ALL_POLICIES)
def test_notice_is_deterministic_and_mentions_each_holding_promise(kind: str, name: str) -> None:
    compiled = _compiled(kind, name)
    first, second = notice(compiled, TEST_PROMISES), notice(compiled, TEST_PROMISES)
    assert first.to_json() == second.to_json()
    text = render_notice(first)
    assert text == render_notice(second)
    holding = {r.promise.id for r in check(compiled, TEST_PROMISES) if r.holds}
    assert {p.id for p in first.promises} == holding
    for promise in TEST_PROMISES:
        # A promise is never shown unless it holds over its whole region.
        assert (promise.english in text) == (promise.id in holding)
    flowing = " ".join(text.split())
    for condition in first.conditions:
        assert " ".join(condition.text.split()) in flowing


def test_a_policy_with_no_exposure_says_never_but_promises_nothing_it_does_not_state() -> None:
    compiled = compile_policy(load_policy_text(FIREWALL_TEXT, policy_id="fw"), use_cache=False)
    document = notice(compiled, TEST_PROMISES)
    assert document.conditions == ()
    text = render_notice(document)
    assert "Never." in text
    # Nobody is arrested under this policy, but only because it is silent: no promise.
    assert "You will not be arrested on immigration grounds." not in text
    assert "None of Haven's catalogue promises is stated in full" in text


def test_a_promise_the_policy_states_is_shown() -> None:
    text = (
        FIREWALL_TEXT
        + """
@id("no-arrest")
@source("test")
@summary("No immigration arrests of victims or witnesses.")
forbid(principal, action == Haven::Action::"immigration_arrest", resource)
when { ["victim", "witness"].contains(context.role) };
"""
    )
    compiled = compile_policy(load_policy_text(text, policy_id="fw"), use_cache=False)
    rendered = render_notice(notice(compiled, TEST_PROMISES))
    assert "You will not be arrested on immigration grounds." in rendered


def test_a_condition_reads_as_plain_english() -> None:
    text = """
@id("share-suspected")
@source("test")
@summary("Share victims on suspicion.")
permit(principal, action == Haven::Action::"disclose", resource)
when { context.recipient == "immigration_enforcement"
       && ["suspected", "confirmed"].contains(context.status_concern) };
"""
    compiled = compile_policy(load_policy_text(text, policy_id="share"), use_cache=False)
    [condition] = notice(compiled, []).conditions
    assert condition.text == (
        "If police suspect, or have confirmed, that you lack immigration status, police may "
        "pass your details to Immigration Enforcement (rule share-suspected of share)."
    )
    document = notice(compiled, []).to_json()
    assert document["conditions"][0]["when"] == {
        "action": ["disclose"],
        "recipient": ["immigration_enforcement"],
        "role": list(REPORTER_ROLES),
        "status_concern": ["suspected", "confirmed"],
    }


def test_a_condition_about_a_relative_speaks_of_them_not_you() -> None:
    text = """
@id("share-relatives")
@source("test")
@summary("Share relatives who told police their status.")
permit(principal, action == Haven::Action::"disclose", resource)
when { context.recipient == "immigration_enforcement" && context.role == "family_member"
       && context.status_source == "self" && context.consent == "given" };
"""
    compiled = compile_policy(load_policy_text(text, policy_id="share"), use_cache=False)
    [condition] = notice(compiled, []).conditions
    assert condition.text == (
        "If it concerns a family member named in your report, they told police about their "
        "immigration status themselves and they have given their consent, police may pass "
        "their details to Immigration Enforcement (rule share-relatives of share)."
    )


def test_a_condition_that_leaves_out_an_impossible_source_names_the_real_ones() -> None:
    text = """
@id("act-on-abusers-word")
@source("test")
@summary("Act on what the suspect said.")
permit(principal, action == Haven::Action::"enforcement", resource)
when { context.status_source != "suspect" && context.role == "victim" };
"""
    compiled = compile_policy(load_policy_text(text, policy_id="p"), use_cache=False)
    texts = [condition.text for condition in notice(compiled, []).conditions]
    assert texts == [
        "If you are a victim and the concern did not come from the person you reported, "
        "Immigration Enforcement may take action against you (rule act-on-abusers-word of p)."
    ]


def test_where_a_policy_is_silent_the_notice_says_so_instead_of_promising() -> None:
    compiled = compile_policy(load_policy_text(FIREWALL_TEXT, policy_id="fw"), use_cache=False)
    document = notice(compiled, TEST_PROMISES)
    assert document.conditions == ()
    assert {silence.action for silence in document.silences} == set(IE_ACTIONS)
    flowing = " ".join(render_notice(document).split()).lower()
    assert "this policy does not say whether police may pass your details" in flowing
    assert "the situations the policy does not address" in flowing


@pytest.mark.parametrize(("kind", "name"), ALL_POLICIES)
def test_conditions_and_silences_never_overlap(kind: str, name: str) -> None:
    compiled = _compiled(kind, name)
    document = notice(compiled, [])
    seen = np.zeros(SIZE, dtype=np.int64)
    for region in (*document.conditions, *document.silences):
        seen[box_points(region.box)] += 1
    assert seen.max(initial=0) <= 1
    stated = compiled.table.stated_mask()
    for silence in document.silences:
        assert not stated[box_points(silence.box)].any()
