"""The "What each reform changed" page: its numbers are the engine's diff's."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from haven.policy.diff import diff
from haven.policy.registry import PRACTICE_BASELINE, load_compiled_policy, shipped_policy_ids
from haven.web.transparency.reforms import STEPS, reform_steps

pytestmark = pytest.mark.django_db


def _section(html: str, key: str) -> str:
    match = re.search(rf'<section[^>]*data-step="{key}".*?</section>', html, re.S)
    assert match, key
    return match.group(0)


def test_the_walk_follows_the_sources_in_order():
    order = list(shipped_policy_ids())
    assert [step.after for step in STEPS] == [
        "npcc-2018",
        "met-2019",
        "hmicfrs-2020",
        "iemvp-2021",
        "iemvp-2023",
        "firewall",
        "firewall-consent",
    ]
    for step in STEPS:
        assert order.index(step.before) < order.index(step.after)
        assert PRACTICE_BASELINE not in (step.before, step.after)


def test_every_number_on_the_page_is_the_engines_diff(client):
    html = client.get(reverse("transparency:reforms")).content.decode()
    for step in STEPS:
        before, after = load_compiled_policy(step.before), load_compiled_policy(step.after)
        result = diff(before, after)
        section = _section(html, step.key)
        tighter = sum(r.count for r in result.regions if r.to_decision == "deny")
        assert f'data-changed="{result.changed}"' in section
        assert f'data-not-stated="{result.not_stated}"' in section
        assert f'data-more-protective="{tighter}"' in section
        assert f'data-less-protective="{result.changed - tighter}"' in section
        # One entry in words per region, each with the region's count.
        counts = [int(n) for n in re.findall(r'data-situations="(\d+)"', section)]
        assert counts == [region.count for region in result.regions]
        assert sum(counts) == result.changed
        practice = diff(load_compiled_policy(PRACTICE_BASELINE), after)
        assert f'data-practice-changed="{practice.changed}"' in section


def test_situations_one_side_leaves_unsaid_are_not_counted_as_changes():
    for step in reform_steps():
        assert step.more_protective + step.less_protective == step.changed
        assert step.only_before + step.only_after == step.not_stated
        assert sum(change.situations for change in step.changes) == step.changed


def test_each_change_cites_its_rules_sources(client):
    html = client.get(reverse("transparency:reforms")).content.decode()
    for step in reform_steps():
        section = _section(html, step.key)
        for change in step.changes:
            for rule in change.rules_before + change.rules_after:
                assert rule.source in step.sources
        for source in step.sources:
            assert f'<li lang="en">{source}' in section.replace("&#x27;", "'").replace(
                "&quot;", '"'
            ).replace("&amp;", "&")


def test_the_met_redraft_is_less_protective_and_recommendation_1_more():
    steps = {step.key: step for step in reform_steps()}
    assert steps["met-2019"].less_protective > 0 and steps["met-2019"].more_protective == 0
    assert steps["hmicfrs-2020"].more_protective > 0
    assert steps["firewall"].less_protective == 0


def test_the_steps_are_computed_once_per_process():
    assert reform_steps() is reform_steps()


def test_the_page_speaks_in_plain_words_not_codes(client):
    html = client.get(reverse("transparency:reforms")).content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    for code in ("status_check", "immigration_enforcement", "pnc_check", "default deny"):
        assert code not in text


def test_the_changes_per_action_add_up_to_the_engines_count():
    for step in reform_steps():
        assert sum(row.more_protective for row in step.by_action) == step.more_protective
        assert sum(row.less_protective for row in step.by_action) == step.less_protective
    steps = {step.key: step for step in reform_steps()}
    # The 2021 protocol pauses enforcement only; recommendation 1's sharing ban goes.
    protocol = {row.action: row for row in steps["iemvp-2021"].by_action}
    assert protocol["enforcement"].more_protective > 0
    assert protocol["disclose"].less_protective > 0


def test_a_relatives_situation_is_worded_about_them():
    sentences = [s for step in reform_steps() for s in step.silent_examples]
    family = [s for s in sentences if "family member named in your report" in s]
    assert family
    for sentence in family:
        assert "against you" not in sentence and "arrest you" not in sentence
        assert "about your immigration status" not in sentence
