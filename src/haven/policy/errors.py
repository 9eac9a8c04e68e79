"""The `PolicyError` family: every way a policy can be refused, one class each.

Messages say what is wrong, where (rule id or line), what was expected and what was
found, so a data-protection officer can fix the policy file without reading code.
"""

from __future__ import annotations


class PolicyError(ValueError):
    """A policy cannot be loaded, validated, compiled or found."""


class PolicySyntaxError(PolicyError):
    """The Cedar text does not parse.

    `line` is the 1-based line where the failing statement starts, when known.
    """

    def __init__(self, message: str, *, line: int | None = None, rule_id: str | None = None):
        self.line = line
        self.rule_id = rule_id
        super().__init__(message)


class PolicySchemaError(PolicyError):
    """The policy does not validate against Haven's Cedar schema."""


class MissingAnnotationError(PolicyError):
    """A rule lacks one of the required annotations `@id`, `@source`, `@summary`."""


class DuplicateRuleIdError(PolicyError):
    """Two rules share one `@id`."""


class UnknownObligationError(PolicyError):
    """An `@obligation` names something outside the obligation vocabulary (`haven.policy.obligations`)."""


class UnsupportedPolicyError(PolicyError):
    """The policy uses a Cedar feature Haven does not accept (templates)."""


class PolicyEvaluationError(PolicyError):
    """A rule errors when evaluated at some point of the decision space.

    Cedar skips an erroring rule, so an erroring `forbid` would silently allow;
    Haven refuses the whole policy instead.
    """


class UnknownPolicyError(PolicyError, LookupError):
    """A POLICY argument is neither a shipped policy id nor an existing `.cedar` file."""
