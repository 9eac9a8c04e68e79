"""Benchmark: policy decisions per second, compiled table vs cedarpy vs regopy.

The same 10,000 seeded random cases (points that can happen) go through

(a) Haven's compiled engine (`haven.policy`): the batch path
    (`CompiledPolicy.allowed_at`, one numpy lookup for all points) and the single-case
    path (`CompiledPolicy.decide`, with case validation, reasons and the
    plain-English explanation);
(b) cedarpy with pre-parsed `PolicySet` / `Entities` / `Schema` handles, batched, and
    one call per case (the peer of the single-case path);
(c) regopy (rego-cpp) on `bench/firewall.rego`, a faithful translation of the shipped
    `firewall` policy, compiled once with `build` and run with `query_bundle`.

All three must agree on every decision and on the determining rule ids, or the
benchmark fails. It also compiles every shipped policy over the full space (cold, no
cache), reports the time, the peak memory and the size of the cached table on disk,
and has four processes load one cached table to show they share it (memory-mapped):
each process's proportional share (Pss) of the mapping falls as more map it, and
none holds a private copy. Output: JSON on stdout.

Targets (not tests): batch >= 100x cedarpy; one case through decide >= 20x cedarpy;
compile <= 5 s per policy; cached table <= 64 MB on disk.

    .venv/bin/python bench/policy_decide.py [--requests N] [--seed S] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
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
    load_policy,
    point_to_case,
    shipped_policy_ids,
    space,
)
from haven.policy.cache import cache_key, table_paths
from haven.policy.cases import case_to_request
from haven.policy.compiler import ENGINE_VERSION, compile_table, empty_entities
from haven.policy.schema import schema, schema_text

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
    ids = compiled.outcome_ids_at(points)
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
        # Checking ok() before reading is what a real caller must do (regopy's documentation).
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


def compile_times(repeat: int, cache_dir: Path) -> list[dict[str, Any]]:
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
        compile_policy(policy, cache_dir=cache_dir)
        key = cache_key(
            policy_text=policy.text, schema_text=schema_text(), engine_version=ENGINE_VERSION
        )
        ids_file, outcomes_file = table_paths(cache_dir, key)
        on_disk = ids_file.stat().st_size + outcomes_file.stat().st_size
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
                "cached_bytes_on_disk": on_disk,
                "cached_mib_on_disk": round(on_disk / 2**20, 2),
            }
        )
    return figures


_SHARER = """
import sys, time
from pathlib import Path
import numpy as np
from haven.policy import load_policy
from haven.policy.compiled import compile_policy
compiled = compile_policy(load_policy(sys.argv[1]), cache_dir=Path(sys.argv[2]))
ids = compiled.table.outcome_ids
total = int(np.asarray(ids, dtype=np.uint64).sum())  # touch every page
name = str(Path(ids.filename).resolve())
print("ready", flush=True)
sys.stdin.readline()  # wait until every process has mapped the table
rss = pss = private = 0
lines = Path("/proc/self/smaps").read_text().splitlines()
inside = False
for line in lines:
    head = line.split()
    if "-" in head[0] and len(head) >= 5:
        inside = line.endswith(name)
    elif inside and head[0] in ("Rss:", "Pss:", "Private_Clean:", "Private_Dirty:"):
        value = int(head[1])
        if head[0] == "Rss:": rss += value
        elif head[0] == "Pss:": pss += value
        else: private += value
print(rss, pss, private, isinstance(ids, np.memmap), total, flush=True)
sys.stdin.readline()  # keep the mapping until the parent has heard from everyone
"""


def shared_table(policy_id: str, cache_dir: Path, processes: int) -> dict[str, Any]:
    """Several processes map one cached table: how much each holds of it (/proc smaps)."""
    children = [
        subprocess.Popen(  # noqa: S603 - our own interpreter running our own code
            [sys.executable, "-c", _SHARER, policy_id, str(cache_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    figures = []
    # Every child reports while all of them still hold the mapping, then they exit.
    for child in children:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write("go\n")
        child.stdin.flush()
        rss, pss, private, mapped, _ = child.stdout.readline().split()
        figures.append((int(rss), int(pss), int(private), mapped == "True"))
    for child in children:
        assert child.stdin is not None
        child.stdin.close()
        child.wait()
    return {
        "policy": policy_id,
        "processes": processes,
        "memory_mapped": all(mapped for *_, mapped in figures),
        "table_rss_kib_each": max(rss for rss, *_ in figures),
        "table_pss_kib_each": max(pss for _, pss, *_ in figures),
        "table_private_kib_each": max(private for _, _, private, _ in figures),
    }


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

    drawn = np.random.default_rng(args.seed).integers(0, space.SIZE, args.requests * 2)
    points = drawn[space.feasible_mask().reshape(-1)[drawn]][: args.requests]
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

    n = len(cases)
    rates = {
        "compiled_batch": best_rate(lambda: compiled.allowed_at(points), n, args.repeat),
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
        "cedarpy_single": best_rate(
            lambda: [
                cedarpy.is_authorized(request, policy.policy_set, entities, cedar_schema)
                for request in requests
            ],
            n,
            args.repeat,
        ),
        "regopy_bundle": best_rate(lambda: rego_decide_all(bundle, cases), n, args.repeat),
    }
    with tempfile.TemporaryDirectory() as directory:
        cache_dir = Path(directory)
        compile_figures = compile_times(args.repeat, cache_dir)
        sharing = [shared_table(POLICY_ID, cache_dir, count) for count in (1, 4)]
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
            "compiled_single_vs_cedarpy_single": round(
                rates["compiled_single"] / rates["cedarpy_single"], 1
            ),
            "compiled_single_vs_cedarpy_batch": round(
                rates["compiled_single"] / rates["cedarpy_batch"], 1
            ),
            "compiled_single_vs_regopy": round(
                rates["compiled_single"] / rates["regopy_bundle"], 1
            ),
            "cedarpy_vs_regopy": round(rates["cedarpy_batch"] / rates["regopy_bundle"], 1),
        },
        "brute_force_compile_estimate_seconds": round(space.SIZE / rates["cedarpy_batch"]),
        "targets": {
            "compiled_batch_vs_cedarpy": 100,
            "compiled_single_vs_cedarpy": 20,
            "compile_seconds": 5,
            "cached_mib_on_disk": 64,
        },
        "space": {"points": space.SIZE, "feasible": space.feasible_count()},
        "compile": compile_figures,
        "shared_table": sharing,
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
