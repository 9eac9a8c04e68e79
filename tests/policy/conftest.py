"""Fixtures for the policy-engine tests: fixture policies, shipped policies, live Cedar.

Live Cedar (the full policy set through cedarpy, with the schema) is the reference the
compiled tables are checked against.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cedarpy
import numpy as np
import pytest

from haven.policy import (
    CompiledPolicy,
    Policy,
    compile_policy,
    load_policy,
    load_policy_file,
    shipped_policy_ids,
    space,
)
from haven.policy.cases import case_to_request
from haven.policy.compiler import empty_entities
from haven.policy.schema import schema

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_POLICIES = ("small", "opaque", "redraft")
SHIPPED = shipped_policy_ids()


@dataclass(frozen=True)
class LiveAnswer:
    """What cedarpy says for one request with the whole policy set."""

    decision: str
    reasons: frozenset[str]
    errors: tuple[str, ...]


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory (and so one compile cache) for the whole test run.

    Under pytest-xdist each worker has its own base temporary directory; their common
    parent is shared, so every worker reads the tables the first one compiled (the
    cache writes atomically, so concurrent workers cannot see half a file).
    """
    return tmp_path_factory.getbasetemp().parent / "haven-policy-tests"


@pytest.fixture(autouse=True)
def _shared_data_dir(session_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keep the compile cache out of the working tree, shared by every test."""
    monkeypatch.setenv("HAVEN_DATA_DIR", str(session_data_dir))
    yield session_data_dir


def fixture_policy(name: str) -> Policy:
    return load_policy_file(FIXTURES / f"{name}.cedar")


_COMPILED: dict[str, CompiledPolicy] = {}


def compiled_fixture(name: str) -> CompiledPolicy:
    """Compile once per session (no disk cache: these tests check the compiler)."""
    key = f"fixture:{name}"
    if key not in _COMPILED:
        _COMPILED[key] = compile_policy(fixture_policy(name), use_cache=False)
    return _COMPILED[key]


def compiled_shipped(policy_id: str) -> CompiledPolicy:
    """Compile once per session; the table itself is compiled, not read from a cache."""
    key = f"shipped:{policy_id}"
    if key not in _COMPILED:
        _COMPILED[key] = compile_policy(load_policy(policy_id), use_cache=False)
    return _COMPILED[key]


_REQUESTS: dict[bytes, list[dict[str, object]]] = {}


def requests_for(points: Iterable[int]) -> list[dict[str, object]]:
    """Cedar requests for these points, built once per distinct point list."""
    array = np.asarray(list(points), dtype=np.int64)
    key = array.tobytes()
    if key not in _REQUESTS:
        _REQUESTS[key] = [case_to_request(space.point_to_case(int(p))) for p in array]
    return _REQUESTS[key]


def live_answers(policy: Policy, points: Iterable[int]) -> list[LiveAnswer]:
    requests = requests_for(points)
    results = cedarpy.is_authorized_batch(requests, policy.policy_set, empty_entities(), schema())
    return [
        LiveAnswer(
            decision="allow" if result.decision == cedarpy.Decision.Allow else "deny",
            reasons=frozenset(result.diagnostics.reasons),
            errors=tuple(result.diagnostics.errors),
        )
        for result in results
    ]


def mismatches(compiled: CompiledPolicy, points: np.ndarray) -> list[dict[str, object]]:
    """Points where the compiled table and live Cedar disagree (empty when they agree)."""
    found: list[dict[str, object]] = []
    for point, live in zip(points, live_answers(compiled.policy, points), strict=True):
        outcome = compiled.table.outcome_at(int(point))
        if (
            live.errors
            or live.decision != outcome.decision
            or live.reasons != frozenset(outcome.rule_ids)
        ):
            found.append(
                {
                    "case": space.point_to_case(int(point)),
                    "live": live,
                    "compiled": outcome,
                }
            )
            if len(found) >= 5:
                break
    return found


def region_points(when: dict[str, list[object]]) -> np.ndarray:
    """Every feasible point index of a region given as {attribute: [values]} (others: all).

    Impossible combinations are left out: no case can be there, so no answer matters.
    """
    axes = []
    for attribute in space.ATTRIBUTES:
        values = when.get(attribute.name, list(attribute.values))
        axes.append(np.array([attribute.position(value) for value in values]))  # type: ignore[arg-type]
    grids = np.meshgrid(*axes, indexing="ij")
    points = space.positions_to_points(np.stack([g.reshape(-1) for g in grids], axis=1))
    return points[space.feasible_mask().reshape(-1)[points]]
