"""The loader refuses what docs/decision-space.md says must be refused, and keys rules by `@id`."""

from __future__ import annotations

import hashlib

import cedarpy
import pytest

from haven.policy import (
    DuplicateRuleIdError,
    MissingAnnotationError,
    PolicyError,
    PolicySchemaError,
    PolicySyntaxError,
    UnknownObligationError,
    UnsupportedPolicyError,
    load_policy_text,
)
from haven.policy.cases import case_to_request
from haven.policy.compiler import empty_entities
from haven.policy.space import point_to_case

from .conftest import fixture_policy


def rule(
    rule_id: str = "r1",
    *,
    effect: str = "permit",
    condition: str = 'context.purpose == "safeguarding"',
    extra: str = "",
    source: str | None = "Doc §1",
) -> str:
    source_line = f'@source("{source}")\n' if source is not None else ""
    return (
        f'@id("{rule_id}")\n{source_line}@summary("A rule.")\n{extra}'
        f"{effect}(principal, action, resource) when {{ {condition} }};\n"
    )


def test_fixture_policy_loads_with_rules_in_file_order() -> None:
    policy = fixture_policy("small")
    assert [r.id for r in policy.rules][:2] == ["allow-safeguarding", "no-ie-for-victims"]
    assert policy.rules[0].obligations == ("record_rationale", "minimise_fields")
    assert policy.rules[0].source == "Fixture §1"
    assert policy.rules[1].effect == "forbid"
    assert policy.rules[0].line == 5


def test_title_comes_from_the_header_comment() -> None:
    assert fixture_policy("small").title == "Small fixture policy (analysable constructs only)"
    assert load_policy_text(rule(), policy_id="bare").title == "bare"


def test_version_is_a_short_sha256_of_the_text() -> None:
    text = rule()
    policy = load_policy_text(text, policy_id="p")
    assert policy.version == hashlib.sha256(text.encode()).hexdigest()[:12]


def test_cedar_reasons_are_the_rule_ids() -> None:
    policy = load_policy_text(rule("my-rule"), policy_id="p")
    case = point_to_case(0)
    case["purpose"] = "safeguarding"
    [result] = cedarpy.is_authorized_batch(
        [case_to_request(case)], policy.policy_set, empty_entities()
    )
    assert list(result.diagnostics.reasons) == ["my-rule"]


def test_syntax_error_names_the_line_and_the_rule() -> None:
    text = rule("good") + "\n" + rule("bad", condition="context.purpose = 1")
    with pytest.raises(PolicySyntaxError) as raised:
        load_policy_text(text, policy_id="p")
    assert raised.value.line == 6
    assert raised.value.rule_id == "bad"
    assert "line 6" in str(raised.value) and "'bad'" in str(raised.value)


def test_missing_semicolon_at_the_end_is_explained() -> None:
    text = rule().rstrip().rstrip(";")
    with pytest.raises(PolicySyntaxError, match="end every rule with ';'"):
        load_policy_text(text, policy_id="p")


def test_missing_source_names_the_rule_and_what_to_add() -> None:
    with pytest.raises(MissingAnnotationError) as raised:
        load_policy_text(rule("uncited", source=None), policy_id="p")
    message = str(raised.value)
    assert "'uncited'" in message
    assert "@source" in message and "add @source(" in message


def test_missing_id_names_the_rule_by_position_and_line() -> None:
    text = rule("first") + '@source("x")\n@summary("y")\nforbid(principal, action, resource);\n'
    with pytest.raises(MissingAnnotationError) as raised:
        load_policy_text(text, policy_id="p")
    message = str(raised.value)
    assert "rule 2 (forbid)" in message and "line 5" in message and "@id(" in message


def test_blank_summary_counts_as_missing() -> None:
    text = '@id("a")\n@source("s")\n@summary("  ")\npermit(principal, action, resource);'
    with pytest.raises(MissingAnnotationError, match="@summary"):
        load_policy_text(text, policy_id="p")


def test_schema_violation_names_the_rule() -> None:
    with pytest.raises(PolicySchemaError) as raised:
        load_policy_text(rule("typo", condition='context.purpse == "x"'), policy_id="p")
    assert "'typo'" in str(raised.value)
    assert "purpse" in str(raised.value)


def test_comparing_a_boolean_with_a_string_is_a_schema_violation() -> None:
    with pytest.raises(PolicySchemaError):
        load_policy_text(rule(condition='context.risk_to_life == "true"'), policy_id="p")


def test_duplicate_ids_are_refused() -> None:
    text = rule("same") + rule("same", effect="forbid")
    with pytest.raises(DuplicateRuleIdError, match="'same'.*unique"):
        load_policy_text(text, policy_id="p")


def test_unknown_obligation_is_refused_with_the_vocabulary() -> None:
    text = rule(extra='@obligation("record_rationale, call_the_home_office")\n')
    with pytest.raises(UnknownObligationError) as raised:
        load_policy_text(text, policy_id="p")
    assert "call_the_home_office" in str(raised.value)
    assert "supervisor_approval" in str(raised.value)


def test_several_obligations_are_split_on_commas() -> None:
    text = rule(extra='@obligation("dual_control,  notify_subject ,")\n')
    policy = load_policy_text(text, policy_id="p")
    assert policy.rules[0].obligations == ("dual_control", "notify_subject")


def test_templates_are_refused() -> None:
    text = (
        '@id("t")\n@source("s")\n@summary("y")\npermit(principal == ?principal, action, resource);'
    )
    with pytest.raises(UnsupportedPolicyError):
        load_policy_text(text, policy_id="p")


def test_every_refusal_is_a_policy_error_and_a_value_error() -> None:
    for error in (
        PolicySyntaxError,
        MissingAnnotationError,
        DuplicateRuleIdError,
        UnknownObligationError,
        PolicySchemaError,
        UnsupportedPolicyError,
    ):
        assert issubclass(error, PolicyError)
        assert issubclass(error, ValueError)


def test_semicolons_in_strings_and_comments_do_not_confuse_error_location() -> None:
    text = (
        "// a comment; with a semicolon\n"
        + rule("a", condition='context.purpose == "x;y"')
        + rule("b", condition="context.purpose ==")
    )
    with pytest.raises(PolicySyntaxError) as raised:
        load_policy_text(text, policy_id="p")
    assert raised.value.rule_id == "b"
