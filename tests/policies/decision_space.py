"""The decision space as plain lists, for tests that build cases by hand.

Derived from the single declaration in `haven.policy.space`; the contract itself
(docs/decision-space.md) is checked in tests/policy/test_space.py.
"""

from __future__ import annotations

from typing import Any

from haven.policy.space import ATTRIBUTES

SPACE: dict[str, list[Any]] = {attribute.name: list(attribute.values) for attribute in ATTRIBUTES}
