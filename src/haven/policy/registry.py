"""Shipped policies (docs/policies.md) and resolving a POLICY argument (docs/contracts.md).

A shipped policy is a `*.cedar` file in `haven/policies/`; its id is the file stem.
POLICY is a shipped id or a path to a `.cedar` file. A policy loaded from a path keeps
the path as given as its id, so a locally edited copy is never mistaken for the
shipped policy of the same name.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from haven.policy.compiled import CompiledPolicy, compile_policy
from haven.policy.errors import UnknownPolicyError
from haven.policy.loader import load_policy_file
from haven.policy.model import Policy

SHIPPED_ORDER: tuple[str, ...] = (
    "pre-2018",
    "practice-2020",
    "npcc-2018",
    "met-2019",
    "hmicfrs-2020",
    "iemvp-2021",
    "iemvp-2023",
    "firewall",
    "firewall-consent",
)
"""Chronological order (docs/policies.md); other shipped files follow alphabetically.
`practice-2020` describes what forces were found doing between 2018 and 2020: it sits
beside the written policies as their baseline and is never offered as a policy."""

PRACTICE_BASELINE = "practice-2020"
"""The description of practice that comparisons use as their baseline."""

POLICY_SUFFIX = ".cedar"


def policies_dir() -> Path:
    """The directory holding the shipped `*.cedar` files and the schema."""
    return Path(str(resources.files("haven.policies")))


def shipped_policy_ids() -> tuple[str, ...]:
    """Ids of the shipped policies present, in chronological order (`SHIPPED_ORDER`)."""
    present = {path.stem for path in policies_dir().glob(f"*{POLICY_SUFFIX}")}
    known = [policy_id for policy_id in SHIPPED_ORDER if policy_id in present]
    return tuple(known + sorted(present - set(SHIPPED_ORDER)))


def offerable_policy_ids() -> tuple[str, ...]:
    """Shipped policies a force may adopt: every shipped id but descriptions of practice."""
    return tuple(
        policy_id
        for policy_id in shipped_policy_ids()
        if not load_policy(policy_id).describes_practice
    )


def resolve_policy_path(spec: str) -> tuple[str, Path]:
    """The (policy id, file path) that POLICY names.

    Raises:
        UnknownPolicyError: `spec` is neither a shipped id nor an existing `.cedar` file;
            the message lists the shipped ids.
    """
    if spec in shipped_policy_ids():
        return spec, policies_dir() / f"{spec}{POLICY_SUFFIX}"
    path = Path(spec)
    looks_like_path = spec.endswith(POLICY_SUFFIX) or os.sep in spec or "/" in spec
    if looks_like_path and path.is_file():
        return spec, path
    shipped = ", ".join(shipped_policy_ids()) or "(none present)"
    if looks_like_path:
        raise UnknownPolicyError(
            f"no policy file at {spec!r}: give an existing .cedar file or a shipped "
            f"policy id ({shipped})"
        )
    raise UnknownPolicyError(
        f"unknown policy {spec!r}: expected a shipped policy id ({shipped}) "
        f"or a path to a .cedar file"
    )


def load_policy(spec: str) -> Policy:
    """Load the policy POLICY names (shipped id or `.cedar` path).

    Raises:
        UnknownPolicyError: nothing by that name (see `resolve_policy_path`).
        PolicyError: the policy is refused by the loader.
    """
    policy_id, path = resolve_policy_path(spec)
    return load_policy_file(path, policy_id=policy_id)


def load_compiled_policy(
    spec: str, *, use_cache: bool = True, cache_dir: Path | None = None
) -> CompiledPolicy:
    """Load and compile the policy POLICY names, using the compile cache.

    Raises:
        PolicyError: unknown, refused or erroring policy.
    """
    return compile_policy(load_policy(spec), use_cache=use_cache, cache_dir=cache_dir)
