"""Property: for any well-typed policy, the compiled table equals live Cedar.

Hypothesis writes random policies from the constructs the compiler analyses (`==`,
`!=`, `contains` on literal sets, `&&`, `||`, `!`, if-then-else, boolean attributes)
mixed with ones it cannot (`like`, attribute-to-attribute comparison, the `action`
variable), then compares the table with cedarpy on random points.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.policy import compile_policy, load_policy_text, space

from .conftest import mismatches

STRING_ATTRIBUTES = [a for a in space.ATTRIBUTES if not a.is_bool and a.name != "action"]
BOOL_ATTRIBUTES = [a.name for a in space.ATTRIBUTES if a.is_bool]
ACTIONS = list(space.ATTRIBUTE_BY_NAME["action"].values)


@st.composite
def string_literal(draw: st.DrawFn, attribute: space.Attribute) -> str:
    # Mostly values from the attribute's domain, sometimes one outside it.
    value = draw(st.sampled_from([*attribute.values, "not_a_value"]))
    return f'"{value}"'


@st.composite
def leaf(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(["eq", "ne", "contains", "bool", "like", "attr_eq", "action", "const"])
    )
    attribute = draw(st.sampled_from(STRING_ATTRIBUTES))
    name = f"context.{attribute.name}"
    if kind == "eq":
        return f"{name} == {draw(string_literal(attribute))}"
    if kind == "ne":
        return f"{draw(string_literal(attribute))} != {name}"
    if kind == "contains":
        items = draw(st.lists(string_literal(attribute), min_size=1, max_size=3))
        return f"[{', '.join(items)}].contains({name})"
    if kind == "bool":
        return f"context.{draw(st.sampled_from(BOOL_ATTRIBUTES))}"
    if kind == "like":
        value = str(draw(st.sampled_from(attribute.values)))
        return f'{name} like "{value[: draw(st.integers(1, 4))]}*"'
    if kind == "attr_eq":
        other = draw(st.sampled_from(STRING_ATTRIBUTES))
        return f"{name} == context.{other.name}"
    if kind == "action":
        return f'action == Haven::Action::"{draw(st.sampled_from(ACTIONS))}"'
    return draw(st.sampled_from(["true", "false"]))


def expression(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return leaf()
    inner = expression(depth - 1)
    return st.one_of(
        leaf(),
        st.tuples(inner, inner).map(lambda pair: f"({pair[0]} && {pair[1]})"),
        st.tuples(inner, inner).map(lambda pair: f"({pair[0]} || {pair[1]})"),
        inner.map(lambda e: f"!({e})"),
        st.tuples(inner, inner, inner).map(
            lambda triple: f"(if {triple[0]} then {triple[1]} else {triple[2]})"
        ),
    )


@st.composite
def rule_text(draw: st.DrawFn, index: int) -> str:
    effect = draw(st.sampled_from(["permit", "forbid"]))
    scope = draw(st.sampled_from(["all", "eq", "in"]))
    if scope == "eq":
        action = f'action == Haven::Action::"{draw(st.sampled_from(ACTIONS))}"'
    elif scope == "in":
        chosen = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3, unique=True))
        action = "action in [" + ", ".join(f'Haven::Action::"{a}"' for a in chosen) + "]"
    else:
        action = "action"
    text = (
        f'@id("rule-{index}")\n@source("generated")\n@summary("Generated rule {index}.")\n'
        f"{effect}(principal, {action}, resource)\nwhen {{ {draw(expression(2))} }}"
    )
    if draw(st.booleans()):
        text += f"\nunless {{ {draw(expression(1))} }}"
    return text + ";\n"


@st.composite
def policy_text(draw: st.DrawFn) -> str:
    count = draw(st.integers(min_value=1, max_value=4))
    return "".join(draw(rule_text(index)) for index in range(count))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=policy_text(), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_compiled_table_equals_live_cedar_for_generated_policies(text: str, seed: int) -> None:
    policy = load_policy_text(text, policy_id="generated")
    compiled = compile_policy(policy, use_cache=False)
    points = np.random.default_rng(seed).integers(0, space.SIZE, 1_000)
    assert mismatches(compiled, points) == [], text
