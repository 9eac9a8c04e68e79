"""Haven's policy engine: the decision space, Cedar loading, compilation, decisions.

A pure library (no Django). See DESIGN.md §3 for the decision space and
`haven.policy.table` for the compiled-table layout.
"""

from haven.policy.cases import InvalidCaseError, case_to_request, validate_case
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
    "CompiledTable",
    "InvalidCaseError",
    "Outcome",
    "case_to_point",
    "case_to_request",
    "point_to_case",
    "validate_case",
]
