"""Haven's policy engine: the decision space, Cedar loading, compilation, decisions.

A pure library (no Django). See DESIGN.md §3 for the decision space and
`haven.policy.table` for the compiled-table layout.

    policy = load_policy("firewall")            # shipped id or path to a .cedar file
    compiled = compile_policy(policy)           # dense table, cached on disk
    result = compiled.decide(case)              # PolicyDecision, .to_json() for the CLI
"""

from haven.policy.cases import InvalidCaseError, case_to_request, validate_case
from haven.policy.compiled import CompiledPolicy, compile_policy
from haven.policy.decide import PolicyDecision, Reason, decide, decide_points
from haven.policy.errors import (
    DuplicateRuleIdError,
    MissingAnnotationError,
    PolicyError,
    PolicyEvaluationError,
    PolicySchemaError,
    PolicySyntaxError,
    UnknownObligationError,
    UnknownPolicyError,
    UnsupportedPolicyError,
)
from haven.policy.loader import load_policy_file, load_policy_text
from haven.policy.model import Policy, Rule
from haven.policy.registry import (
    load_compiled_policy,
    load_policy,
    resolve_policy_path,
    shipped_policy_ids,
)
from haven.policy.space import (
    ATTRIBUTE_NAMES,
    ATTRIBUTES,
    SHAPE,
    SIZE,
    case_to_point,
    point_to_case,
)
from haven.policy.table import CompiledTable, Outcome

__all__ = [
    "ATTRIBUTES",
    "ATTRIBUTE_NAMES",
    "SHAPE",
    "SIZE",
    "CompiledPolicy",
    "CompiledTable",
    "DuplicateRuleIdError",
    "InvalidCaseError",
    "MissingAnnotationError",
    "Outcome",
    "Policy",
    "PolicyDecision",
    "PolicyError",
    "PolicyEvaluationError",
    "PolicySchemaError",
    "PolicySyntaxError",
    "Reason",
    "Rule",
    "UnknownObligationError",
    "UnknownPolicyError",
    "UnsupportedPolicyError",
    "case_to_point",
    "case_to_request",
    "compile_policy",
    "decide",
    "decide_points",
    "load_compiled_policy",
    "load_policy",
    "load_policy_file",
    "load_policy_text",
    "point_to_case",
    "resolve_policy_path",
    "shipped_policy_ids",
    "validate_case",
]
