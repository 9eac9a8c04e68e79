"""bench/firewall.rego is a faithful, rule-for-rule translation of the shipped firewall.cedar.

The colleague's benchmark (bench/policy_decide.py) measures regopy against this file,
so it must give Cedar's decision and Cedar's determining rule ids on every case.
Checked over the exact reduction of the space used for the Cedar policies.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from tests.policies.test_shipped_rules import decide, policy_text, representative_space, rules

regopy = pytest.importorskip("regopy")

REGO_FILE = Path(__file__).resolve().parents[2] / "bench" / "firewall.rego"
QUERY = (
    "a := data.haven.firewall.allow; d := data.haven.firewall.decision; "
    "r := data.haven.firewall.reasons"
)


@pytest.fixture(scope="module")
def bundle():
    builder = regopy.Interpreter()
    builder.add_module("firewall.rego", REGO_FILE.read_text(encoding="utf-8"))
    return builder.build(QUERY, ["haven/firewall/allow", "haven/firewall/decision"])


def rego_decide(interpreter, bundle, case):
    interpreter.set_input(case)
    output = interpreter.query_bundle(bundle)
    assert output.ok(), "firewall.rego failed to evaluate"  # check before str()
    result = json.loads(str(output))
    bindings = (result[0] if isinstance(result, list) else result)["bindings"]
    return bindings["a"], bindings["d"], set(bindings["r"])


def test_rego_names_every_cedar_rule_of_the_firewall():
    text = REGO_FILE.read_text(encoding="utf-8")
    for rule_id in rules("firewall"):
        assert f'"{rule_id}"' in text


def test_rego_compares_only_values_the_cedar_policy_names():
    # This keeps the reduction below exact for the Rego file as well.
    rego_code = re.sub(r"#.*", "", REGO_FILE.read_text(encoding="utf-8"))
    cedar_code = re.sub(r'//.*|@\w+\("[^"]*"\)', "", policy_text("firewall"))
    cedar_values = set(re.findall(r'"([a-z_]+)"', cedar_code))
    rule_ids = set(rules("firewall"))
    for literal in re.findall(r'"([a-z_]+)"', rego_code):
        assert literal in cedar_values or literal in {"allow", "deny"}, literal
    assert set(re.findall(r'"([a-z-]+-[a-z-]+)"', rego_code)) == rule_ids


def test_rego_agrees_with_cedar_everywhere(bundle):
    interpreter = regopy.Interpreter()
    space = representative_space("firewall")
    for values in itertools.product(*space.values()):
        case = dict(zip(space, values, strict=True))
        decision, reasons, _ = decide("firewall", case, require_feasible=False)
        allow, rego_decision, rego_reasons = rego_decide(interpreter, bundle, case)
        assert (allow, rego_decision, rego_reasons) == (decision == "allow", decision, reasons), (
            case
        )
