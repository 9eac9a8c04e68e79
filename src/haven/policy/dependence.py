"""Which attributes one Cedar rule depends on, and which of their values it can tell apart.

The compiler evaluates each rule on one representative of every class of values the
rule cannot distinguish, then broadcasts to the whole space. This module finds those
classes by walking the rule's Cedar JSON form (EST):

- an attribute the rule never reads has one class (the rule ignores it);
- a string attribute read only as `context.a == "lit"`, `context.a != "lit"` (either
  side) or `["lit", …].contains(context.a)` has one class per mentioned value in its
  domain plus one class for all the unmentioned values, because those comparisons
  give the same answer for every value the rule never names;
- anything else (a boolean attribute, `like`, `has`, `<`, arithmetic, a function
  call, `context` used whole, the `action` variable or an action scope) makes the
  attribute *opaque*: every value is its own class.

Correctness comes first: the walker is generic over the JSON tree, and only the exact
patterns above earn a coarser partition; every other reference falls back to opaque.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from haven.policy.space import ATTRIBUTE_BY_NAME, ATTRIBUTE_NAMES, ATTRIBUTES

_CONTEXT = {"Var": "context"}


@dataclass
class _Uses:
    """What the walk has learnt: literal values per attribute and opaque attributes."""

    literals: dict[str, set[Any]] = field(default_factory=dict)
    opaque: set[str] = field(default_factory=set)

    def literal(self, name: str, values: list[Any]) -> None:
        if name not in ATTRIBUTE_BY_NAME or ATTRIBUTE_BY_NAME[name].is_bool:
            self.opaque_attribute(name)
            return
        self.literals.setdefault(name, set()).update(
            value for value in values if isinstance(value, str)
        )

    def opaque_attribute(self, name: str) -> None:
        if name in ATTRIBUTE_BY_NAME:
            self.opaque.add(name)
        else:
            # Not an attribute of the space (schema validation should have caught it):
            # trust nothing about this rule.
            self.opaque.update(ATTRIBUTE_NAMES)


@dataclass(frozen=True)
class Partition:
    """Per attribute (space order): the class index of each value position.

    An attribute the rule ignores has the single-entry map `(0,)`, so broadcasting a
    result array of shape `class_counts` with these maps covers the whole space.
    """

    class_maps: tuple[tuple[int, ...], ...]

    @property
    def class_counts(self) -> tuple[int, ...]:
        return tuple(max(classes) + 1 for classes in self.class_maps)

    def representatives(self) -> tuple[tuple[int, ...], ...]:
        """Per attribute, the first value position of each class, in class order."""
        result = []
        for classes in self.class_maps:
            firsts: dict[int, int] = {}
            for position, class_index in enumerate(classes):
                firsts.setdefault(class_index, position)
            result.append(tuple(firsts[k] for k in range(len(firsts))))
        return tuple(result)


def partition_rule(est: Mapping[str, Any]) -> Partition:
    """The value classes of every attribute for one rule in Cedar JSON (EST) form."""
    uses = _Uses()
    action_scope = est.get("action", {})
    if action_scope.get("op") != "All":
        uses.opaque_attribute("action")
    for condition in est.get("conditions", []):
        _walk(condition.get("body"), uses)
    maps: list[tuple[int, ...]] = []
    for attribute in ATTRIBUTES:
        if attribute.name in uses.opaque:
            maps.append(tuple(range(len(attribute.values))))
        elif attribute.name in uses.literals:
            maps.append(_literal_classes(attribute.values, uses.literals[attribute.name]))
        else:
            maps.append((0,))
    return Partition(class_maps=tuple(maps))


def _literal_classes(values: tuple[Any, ...], mentioned: set[Any]) -> tuple[int, ...]:
    classes: list[int] = []
    named = [value for value in values if value in mentioned]
    rest_class = len(named)
    for value in values:
        classes.append(named.index(value) if value in mentioned else rest_class)
    # Renumber so class indices are dense (the rest class is empty when every value
    # is named).
    dense = {c: i for i, c in enumerate(sorted(set(classes)))}
    return tuple(dense[c] for c in classes)


def _walk(node: Any, uses: _Uses) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, uses)
        return
    if not isinstance(node, dict):
        return
    if len(node) == 1:
        ((operator, argument),) = node.items()
        if _analyse(operator, argument, uses):
            return
    for value in node.values():
        _walk(value, uses)


def _analyse(operator: str, argument: Any, uses: _Uses) -> bool:
    """Handle one recognised node; False means "walk its children generically"."""
    if operator == "Value":
        return True  # a literal reads no variables
    if operator == "Var":
        if argument == "context":
            uses.opaque.update(name for name in ATTRIBUTE_NAMES if name != "action")
        elif argument == "action":
            uses.opaque_attribute("action")
        return True
    if not isinstance(argument, dict):
        return False
    if operator in ("==", "!="):
        left, right = argument.get("left"), argument.get("right")
        for attribute_side, literal_side in ((left, right), (right, left)):
            name = _context_attribute(attribute_side)
            if name is not None and isinstance(literal_side, dict) and _is_literal(literal_side):
                uses.literal(name, [literal_side["Value"]])
                return True
        return False
    if operator == "contains":
        name = _context_attribute(argument.get("right"))
        literals = _literal_set(argument.get("left"))
        if name is not None and literals is not None:
            uses.literal(name, literals)
            return True
        return False
    if operator in (".", "has") and argument.get("left") == _CONTEXT:
        # A bare read (boolean use, `like`, arithmetic, …) or a `has` test.
        uses.opaque_attribute(str(argument.get("attr")))
        return True
    return False


def _context_attribute(node: Any) -> str | None:
    if isinstance(node, dict) and len(node) == 1 and "." in node:
        access = node["."]
        if isinstance(access, dict) and access.get("left") == _CONTEXT:
            attr = access.get("attr")
            return attr if isinstance(attr, str) else None
    return None


def _is_literal(node: Any) -> bool:
    return isinstance(node, dict) and len(node) == 1 and "Value" in node


def _literal_set(node: Any) -> list[Any] | None:
    """The literal values of a `[...]` set of literals, or None if it is anything else."""
    if isinstance(node, dict) and len(node) == 1:
        if "Set" in node and isinstance(node["Set"], list):
            if all(_is_literal(item) for item in node["Set"]):
                return [item["Value"] for item in node["Set"]]
            return None
        if "Value" in node and isinstance(node["Value"], list):
            return list(node["Value"])
    return None
