"""A loaded policy and its rules: the Cedar text, its annotations and its parsed form.

Produced by `haven.policy.loader`; read by the compiler, `decide` and the CLI.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import cedarpy

Effect = Literal["permit", "forbid"]
Kind = Literal["written", "practice"]
"""A written policy (guidance, a force's policy, a proposal), or a description of what
forces were found doing ("practice as found"), which is never a force's active policy."""
VERSION_LENGTH = 12


@dataclass(frozen=True)
class Rule:
    """One Cedar policy statement, keyed by its `@id`, with its citation."""

    id: str
    effect: Effect
    source: str
    summary: str
    obligations: tuple[str, ...]
    annotations: Mapping[str, str]
    est: Mapping[str, Any] = field(repr=False)
    """The rule's Cedar JSON form (EST), which the compiler analyses."""
    text: str | None = field(default=None, repr=False)
    """The rule's source text as written, when the file could be split into statements."""
    line: int | None = None


@dataclass(frozen=True, eq=False)
class Policy:
    """A validated policy: rules in file order and a Cedar handle keyed by `@id`."""

    id: str
    title: str
    text: str = field(repr=False)
    rules: tuple[Rule, ...] = field(repr=False)
    policy_set: cedarpy.PolicySet = field(repr=False)
    path: Path | None = None
    kind: Kind = "written"
    """From the header line `// Kind: practice as found`; "written" without one."""

    @property
    def describes_practice(self) -> bool:
        """True for a description of practice, which must never be offered as a policy."""
        return self.kind == "practice"

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the policy text (hex): what the compile cache is keyed on."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def version(self) -> str:
        """A short, stable version: the first 12 hex digits of the text's SHA-256."""
        return self.digest[:VERSION_LENGTH]

    def rule(self, rule_id: str) -> Rule:
        """The rule with this `@id`.

        Raises:
            KeyError: no rule has this id.
        """
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"policy {self.id!r} has no rule {rule_id!r}")
