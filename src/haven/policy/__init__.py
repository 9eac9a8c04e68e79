"""Haven's policy engine: the decision space, Cedar loading, compilation, decisions.

A pure library (no Django). See docs/decision-space.md for the decision space and
`haven.policy.table` for the compiled-table layout.

    policy = load_policy("firewall")            # shipped id or path to a .cedar file
    compiled = compile_policy(policy)           # dense table, cached on disk
    result = compiled.decide(case)              # PolicyDecision, .to_json() for the CLI
    allowed = compiled.allowed_at(points)       # batch: a bool per point index
    changes = diff(compiled, other)             # PolicyDiff: exact regions of changes
    results = check(compiled, load_promises())  # PromiseResult per catalogue promise
    text = render_notice(notice(compiled))      # what can happen to a reporter's data
"""

from haven.policy.cases import InvalidCaseError, case_to_request, validate_case
from haven.policy.compiled import CompiledPolicy, compile_policy
from haven.policy.decide import PolicyDecision, Reason
from haven.policy.diff import DiffRegion, PolicyDiff, diff
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
from haven.policy.notice import Notice, notice, render_notice
from haven.policy.promises import (
    Promise,
    PromiseError,
    PromiseResult,
    check,
    check_promise,
    load_promise,
    load_promises,
)
from haven.policy.regions import partition
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
    "DiffRegion",
    "DuplicateRuleIdError",
    "InvalidCaseError",
    "MissingAnnotationError",
    "Notice",
    "Outcome",
    "Policy",
    "PolicyDecision",
    "PolicyDiff",
    "PolicyError",
    "PolicyEvaluationError",
    "PolicySchemaError",
    "PolicySyntaxError",
    "Promise",
    "PromiseError",
    "PromiseResult",
    "Reason",
    "Rule",
    "UnknownObligationError",
    "UnknownPolicyError",
    "UnsupportedPolicyError",
    "case_to_point",
    "case_to_request",
    "check",
    "check_promise",
    "compile_policy",
    "diff",
    "load_compiled_policy",
    "load_policy",
    "load_policy_file",
    "load_policy_text",
    "load_promise",
    "load_promises",
    "notice",
    "partition",
    "point_to_case",
    "render_notice",
    "resolve_policy_path",
    "shipped_policy_ids",
    "validate_case",
]
