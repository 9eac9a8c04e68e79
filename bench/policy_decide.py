"""Benchmark: policy decisions per second, compiled table vs cedarpy vs regopy.

The same 10,000 seeded random cases go through

(a) Haven's compiled engine (`haven.policy`): the batch path (`decide_points`, one
    numpy lookup for all points) and the single-case path (`CompiledPolicy.decide`,
    with case validation, reasons and the plain-English explanation);
(b) cedarpy with pre-parsed `PolicySet` / `Entities` / `Schema` handles, batched;
(c) regopy (rego-cpp) on `bench/firewall.rego`, a faithful translation of the shipped
    `firewall` policy, compiled once with `build` and run with `query_bundle`.

All three must agree on every decision and on the determining rule ids, or the
benchmark fails. It also compiles every shipped policy over the full space (cold, no
cache) and reports the time and the table's memory. Output: JSON on stdout.

    .venv/bin/python bench/policy_decide.py [--requests N] [--seed S] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cedarpy
import numpy as np
import regopy

from haven.policy import (
    CompiledPolicy,
    compile_policy,
    decide_points,
    load_policy,
    point_to_case,
    shipped_policy_ids,
    space,
)
from haven.policy.cases import case_to_request
from haven.policy.compiler import compile_table, empty_entities
from haven.policy.schema import schema

BENCH_DIR = Path(__file__).resolve().parent
REGO_FILE = BENCH_DIR / "firewall.rego"
POLICY_ID = "firewall"
REGO_QUERY = "d = data.haven.firewall.decision; r = data.haven.firewall.reasons"


def best_rate(run: Callable[[], object], count: int, repeat: int) -> float:
    """Decisions per second of the fastest of `repeat` runs (least disturbed by noise)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return count / best


def compiled_answers(compiled: CompiledPolicy, points: np.ndarray) -> list[tuple[str, set[str]]]:
    ids = compiled.decide_points(points)
    outcomes = compiled.table.outcomes
    return [(outcomes[i].decision, set(outcomes[i].rule_ids)) for i in ids.tolist()]


def cedar_answers(results: list[Any]) -> list[tuple[str, set[str]]]:
    answers = []
    for result in results:
        if list(result.diagnostics.errors):
            raise SystemExit(f"cedarpy reported an evaluation error: {result.diagnostics.errors}")
        decision = "allow" if result.decision == cedarpy.Decision.Allow else "deny"
        answers.append((decision, set(result.diagnostics.reasons)))
    return answers


def rego_bundle() -> regopy.Bundle:
    builder = regopy.Interpreter()
    builder.add_module(REGO_FILE.name, REGO_FILE.read_text(encoding="utf-8"))
    return builder.build(REGO_QUERY, [])


def rego_decide_all(bundle: regopy.Bundle, cases: list[dict[str, Any]]) -> list[Any]:
    rego = regopy.Interpreter()
    outputs = []
    for case in cases:
        rego.set_input(case)
        output = rego.query_bundle(bundle)
        # Checking ok() before reading is what a real caller must do (LIBRARY-NOTES).
        if not output.ok():
            raise SystemExit("regopy query failed")
        outputs.append(output)
    return outputs


def rego_answers(outputs: list[Any]) -> list[tuple[str, set[str]]]:
    return [
        (json.loads(o.binding("d").json()), set(json.loads(o.binding("r").json()))) for o in outputs
    ]


def first_disagreement(
    names: tuple[str, str], left: list[Any], right: list[Any], cases: list[dict[str, Any]]
) -> None:
    for index, (a, b) in enumerate(zip(left, right, strict=True)):
        if a != b:
            raise SystemExit(
                f"{names[0]} and {names[1]} disagree on case {json.dumps(cases[index])}: {a} vs {b}"
            )


def compile_times(repeat: int) -> list[dict[str, Any]]:
    figures = []
    for policy_id in shipped_policy_ids():
        policy = load_policy(policy_id)
        seconds = []
        for _ in range(repeat):
            start = time.perf_counter()
            table = compile_table(policy)
            seconds.append(time.perf_counter() - start)
        # A separate run under tracemalloc (numpy reports its buffers to it), so the
        # tracing overhead does not distort the times above.
        tracemalloc.start()
        compile_table(policy)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        figures.append(
            {
                "policy": policy_id,
                "rules": len(policy.rules),
                "outcomes": len(table.outcomes),
                "compile_seconds_best": round(min(seconds), 3),
                "compile_seconds_worst": round(max(seconds), 3),
                "table_bytes": table.nbytes,
                "table_mib": round(table.nbytes / 2**20, 2),
                "compile_peak_mib": round(peak / 2**20, 1),
            }
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    if POLICY_ID not in shipped_policy_ids():
        raise SystemExit(f"the shipped {POLICY_ID!r} policy is missing")
    policy = load_policy(POLICY_ID)
    compiled = compile_policy(policy, use_cache=False)

    points = np.random.default_rng(args.seed).integers(0, space.SIZE, args.requests)
    cases = [point_to_case(int(p)) for p in points]
    requests = [case_to_request(case) for case in cases]
    entities = empty_entities()
    cedar_schema = schema()
    bundle = rego_bundle()

    # Agreement first: a fast wrong answer is worth nothing.
    ours = compiled_answers(compiled, points)
    cedar = cedar_answers(
        cedarpy.is_authorized_batch(requests, policy.policy_set, entities, cedar_schema)
    )
    rego = rego_answers(rego_decide_all(bundle, cases))
    first_disagreement(("compiled", "cedarpy"), ours, cedar, cases)
    first_disagreement(("compiled", "regopy"), ours, rego, cases)
    single = [compiled.decide(case) for case in cases]
    first_disagreement(
        ("compiled.decide", "cedarpy"),
        [(r.decision, {reason.id for reason in r.reasons}) for r in single],
        cedar,
        cases,
    )

    n = args.requests
    rates = {
        "compiled_batch": best_rate(lambda: decide_points(compiled, points), n, args.repeat),
        "compiled_single": best_rate(
            lambda: [compiled.decide(case) for case in cases], n, args.repeat
        ),
        "cedarpy_batch": best_rate(
            lambda: cedarpy.is_authorized_batch(
                requests, policy.policy_set, entities, cedar_schema
            ),
            n,
            args.repeat,
        ),
        "regopy_bundle": best_rate(lambda: rego_decide_all(bundle, cases), n, args.repeat),
    }
    report = {
        "benchmark": "policy_decide",
        "policy": POLICY_ID,
        "policy_version": policy.version,
        "requests": n,
        "seed": args.seed,
        "repeat": args.repeat,
        "agree": True,
        "allow_fraction": round(sum(1 for d, _ in ours if d == "allow") / n, 4),
        "decisions_per_second": {name: round(rate) for name, rate in rates.items()},
        "ratios": {
            "compiled_batch_vs_cedarpy": round(rates["compiled_batch"] / rates["cedarpy_batch"]),
            "compiled_batch_vs_regopy": round(rates["compiled_batch"] / rates["regopy_bundle"]),
            "compiled_single_vs_cedarpy": round(
                rates["compiled_single"] / rates["cedarpy_batch"], 1
            ),
            "compiled_single_vs_regopy": round(
                rates["compiled_single"] / rates["regopy_bundle"], 1
            ),
            "cedarpy_vs_regopy": round(rates["cedarpy_batch"] / rates["regopy_bundle"], 1),
        },
        "brute_force_compile_estimate_seconds": round(space.SIZE / rates["cedarpy_batch"]),
        "targets": {"compiled_vs_cedarpy": 100, "compiled_vs_regopy": 300},
        "compile": compile_times(args.repeat),
        "machine": {
            "python": platform.python_version(),
            "cedarpy": getattr(cedarpy, "__version__", "4.12.2"),
            "numpy": np.__version__,
            "regopy": regopy.rego_version() if hasattr(regopy, "rego_version") else "1.5.2",
            "processor": platform.machine(),
        },
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
