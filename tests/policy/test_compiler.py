"""The compiled table equals live Cedar (the whole policy set through cedarpy).

Checked on 20,000 seeded random points and on every point of a few hand-picked regions,
for the fixture policies and for every shipped policy present.
"""

from __future__ import annotations

import numpy as np
import pytest

from haven.policy import (
    CompiledPolicy,
    PolicyEvaluationError,
    compile_policy,
    load_policy_text,
    space,
)
from haven.policy.dependence import partition_rule

from .conftest import (
    FIXTURE_POLICIES,
    SHIPPED,
    compiled_fixture,
    compiled_shipped,
    fixture_policy,
    mismatches,
    region_points,
)

RANDOM_POINTS = 20_000
REGIONS: dict[str, dict[str, list[object]]] = {
    "victims disclosed to IE": {
        "action": ["disclose"],
        "recipient": ["immigration_enforcement"],
        "role": ["victim", "victim_and_suspect"],
        "offence": ["domestic_abuse", "modern_slavery"],
    },
    "arrest and enforcement of suspected victims": {
        "action": ["immigration_arrest", "enforcement"],
        "recipient": ["none"],
        "role": ["victim"],
        "status_concern": ["suspected", "confirmed"],
        "stage": ["report", "concluded"],
    },
    "concerns raised by the person reported, about victims and their families": {
        "action": ["status_check", "disclose", "enforcement"],
        "recipient": ["immigration_enforcement", "nrm"],
        "role": ["victim", "family_member"],
        "status_source": ["suspect", "records"],
        "purpose": ["immigration_control", "regularisation_support"],
    },
    "checks for control or safeguarding without consent": {
        "action": ["pnc_check", "status_check"],
        "recipient": ["none"],
        "purpose": ["immigration_control", "safeguarding"],
        "consent": ["refused"],
        "offence": ["other", "hate_crime"],
    },
}


def compiled_for(kind: str, name: str) -> CompiledPolicy:
    return compiled_fixture(name) if kind == "fixture" else compiled_shipped(name)


POLICIES = [("fixture", name) for name in FIXTURE_POLICIES] + [
    ("shipped", policy_id) for policy_id in SHIPPED
]
POLICY_IDS = [f"{kind}:{name}" for kind, name in POLICIES]


@pytest.mark.parametrize(("kind", "name"), POLICIES, ids=POLICY_IDS)
def test_compiled_table_equals_live_cedar_on_random_points(kind: str, name: str) -> None:
    compiled = compiled_for(kind, name)
    points = np.random.default_rng(20_260_101).integers(0, space.SIZE, RANDOM_POINTS)
    assert mismatches(compiled, points) == []


@pytest.mark.parametrize("region", list(REGIONS), ids=list(REGIONS))
@pytest.mark.parametrize(("kind", "name"), POLICIES, ids=POLICY_IDS)
def test_compiled_table_equals_live_cedar_on_every_point_of_a_region(
    kind: str, name: str, region: str
) -> None:
    compiled = compiled_for(kind, name)
    assert mismatches(compiled, region_points(REGIONS[region])) == []


@pytest.mark.parametrize(("kind", "name"), POLICIES, ids=POLICY_IDS)
def test_table_layout(kind: str, name: str) -> None:
    table = compiled_for(kind, name).table
    # The smallest id type that numbers the outcomes: one byte per point here.
    assert table.outcome_ids.dtype == np.uint8
    assert len(table.outcomes) <= 256
    assert table.outcome_ids.shape == (space.SIZE,)
    assert table.outcome_ids[0] == 0
    assert table.nbytes <= 16 * 2**20
    # Outcome ids are numbered by first appearance, and all are used.
    _, first = np.unique(table.outcome_ids, return_index=True)
    assert list(np.argsort(first)) == list(range(len(table.outcomes)))
    assert not table.outcome_ids.flags.writeable


def test_fixture_with_unanalysable_constructs_enumerates_those_attributes() -> None:
    rules = {rule.id: rule for rule in fixture_policy("opaque").rules}
    like = partition_rule(rules["like-on-role"].est)
    role = space.ATTRIBUTE_NAMES.index("role")
    assert like.class_counts[role] == len(space.ATTRIBUTES[role].values)
    comparison = partition_rule(rules["attribute-comparison"].est)
    offence = space.ATTRIBUTE_NAMES.index("offence")
    assert comparison.class_counts[offence] == 8


def test_literal_comparisons_give_one_class_per_named_value_plus_the_rest() -> None:
    rules = {rule.id: rule for rule in fixture_policy("small").rules}
    partition = partition_rule(rules["status-checks-on-suspects"].est)
    counts = dict(zip(space.ATTRIBUTE_NAMES, partition.class_counts, strict=True))
    assert counts["role"] == 3  # suspect, victim_and_suspect, everything else
    assert counts["status_concern"] == 3
    assert counts["offence"] == 1  # never read
    assert counts["action"] == 5  # an action scope is enumerated


def test_more_than_64_rules_compile_correctly() -> None:
    values = space.ATTRIBUTE_BY_NAME
    rng = np.random.default_rng(64)
    text = []
    for index in range(70):
        offence = values["offence"].values[int(rng.integers(8))]
        role = values["role"].values[int(rng.integers(5))]
        effect = "forbid" if index % 5 == 0 else "permit"
        text.append(
            f'@id("r{index}")\n@source("generated")\n@summary("Rule {index}.")\n'
            f"{effect}(principal, action, resource) when "
            f'{{ context.offence == "{offence}" || context.role != "{role}" }};\n'
        )
    policy = load_policy_text("".join(text), policy_id="many")
    compiled = compile_policy(policy, use_cache=False)
    points = np.random.default_rng(1).integers(0, space.SIZE, 3_000)
    assert mismatches(compiled, points) == []


def test_a_policy_with_no_rules_denies_everything() -> None:
    compiled = compile_policy(load_policy_text("// nothing\n", policy_id="empty"), use_cache=False)
    assert len(compiled.table.outcomes) == 1
    assert compiled.table.outcomes[0].decision == "deny"
    assert compiled.table.outcomes[0].rule_ids == ()


def test_a_forbid_that_errors_anywhere_rejects_the_policy() -> None:
    text = (
        '@id("allow-all")\n@source("s")\n@summary("Allow.")\n'
        "permit(principal, action, resource);\n"
        '@id("overflowing-forbid")\n@source("s")\n@summary("Forbid, but overflows.")\n'
        "forbid(principal, action, resource) when {\n"
        '  context.offence == "hate_crime" && context.stage == "concluded" &&\n'
        "  9223372036854775807 + (if context.risk_to_others then 1 else 0) > 0\n"
        "};\n"
    )
    policy = load_policy_text(text, policy_id="p")  # schema validation cannot see this
    with pytest.raises(PolicyEvaluationError) as raised:
        compile_policy(policy, use_cache=False)
    message = str(raised.value)
    assert "'overflowing-forbid'" in message
    assert "overflow" in message
    assert '"offence": "hate_crime"' in message and '"risk_to_others": true' in message


def test_an_erroring_policy_is_never_cached(tmp_path: object) -> None:
    text = (
        '@id("boom")\n@source("s")\n@summary("Overflows.")\n'
        "forbid(principal, action, resource) when { 9223372036854775807 + 1 > 0 };\n"
    )
    policy = load_policy_text(text, policy_id="p")
    for _ in range(2):
        with pytest.raises(PolicyEvaluationError):
            compile_policy(policy)
