"""Benchmark: exact diff and promise checks over the whole decision space, against peers.

Compiles every shipped policy first (outside all timings), then measures, as the
median of several runs:

- `diff(A, B)` for the pair given (default npcc-2018 -> met-2019) and for every
  ordered pair of shipped policies (median and worst);
- `check(compiled, catalogue)` for every shipped policy, over the shipped catalogue.

Peers, run in the same process so the ratios survive a change of machine:

- numpy floor for diff: only the two counts (changed where both sides state the
  point, and stated by one side only) over all 8,640,000 points, no regions;
- naive Python for diff: a per-point loop comparing the two outcomes, timed on a
  seeded sample of points and scaled to the whole space;
- brute force for check: expand every promise region to its feasible point indices
  and read each point's outcome (numpy, point by point).

Targets (not tests): diff median over all pairs <= 250 ms and worst <= 500 ms; the
whole catalogue <= 100 ms per policy. Output: JSON.

    .venv/bin/python bench/policy_analysis.py [--pair A B] [--repeat R] [--sample N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from haven.policy import CompiledPolicy, compile_policy, load_policy, shipped_policy_ids
from haven.policy.diff import diff
from haven.policy.promises import FAILS, HOLDS, NOT_STATED, Promise, check, load_promises
from haven.policy.regions import box_points
from haven.policy.space import SIZE, feasible_count, feasible_mask


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs, in milliseconds (after one warm-up run)."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def numpy_counts(a: CompiledPolicy, b: CompiledPolicy) -> tuple[int, int]:
    """(changed, not stated): the diff's two counts, straight from the tables."""
    allowed_a, allowed_b = a.table.allow_mask(), b.table.allow_mask()
    stated_a, stated_b = a.table.stated_mask(), b.table.stated_mask()
    feasible = feasible_mask().reshape(-1)
    changed = (allowed_a != allowed_b) & stated_a & stated_b & feasible
    return int(np.count_nonzero(changed)), int(np.count_nonzero((stated_a != stated_b) & feasible))


def naive_python_ms_per_space(
    a: CompiledPolicy, b: CompiledPolicy, sample: int, seed: int
) -> float:
    """A per-point Python loop over `sample` points, scaled to the whole space."""
    points = np.random.default_rng(seed).integers(0, SIZE, size=sample).tolist()
    ids_a, ids_b = a.table.outcome_ids, b.table.outcome_ids
    outcomes_a, outcomes_b = a.table.outcomes, b.table.outcomes
    feasible = feasible_mask().reshape(-1)
    start = time.perf_counter()
    changed = []
    for point in points:
        if not feasible[point]:
            continue
        before, after = outcomes_a[ids_a[point]], outcomes_b[ids_b[point]]
        if before.decision != after.decision or before.stated != after.stated:
            changed.append((point, before.rule_ids, after.rule_ids))
    elapsed = time.perf_counter() - start
    return 1000 * elapsed * SIZE / sample


def brute_force_check(compiled: CompiledPolicy, promises: list[Promise]) -> list[str]:
    """Each promise's status, from every feasible point of its region in turn."""
    table = compiled.table
    statuses = []
    for promise in promises:
        keeps = np.array([promise.keeps(o) for o in table.outcomes])
        stated = np.array([o.stated for o in table.outcomes])
        ids = table.outcome_ids[box_points(promise.box)]
        if not keeps[ids].all():
            statuses.append(FAILS)
        elif not stated[ids].all():
            statuses.append(NOT_STATED)
        else:
            statuses.append(HOLDS)
    return statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", nargs=2, default=["npcc-2018", "met-2019"], metavar=("A", "B"))
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per measurement")
    parser.add_argument("--sample", type=int, default=50_000, help="points for the naive loop")
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args(argv)

    ids = shipped_policy_ids()
    compiled = {i: compile_policy(load_policy(i), use_cache=False) for i in ids}
    a, b = (compiled[i] for i in args.pair)

    pair_diff_ms = median_ms(lambda: diff(a, b), args.repeat)
    floor_ms = median_ms(lambda: numpy_counts(a, b), args.repeat)
    naive_ms = naive_python_ms_per_space(a, b, args.sample, args.seed)
    result = diff(a, b)
    assert (result.changed, result.not_stated) == numpy_counts(a, b)

    all_pairs = {
        f"{x}->{y}": median_ms(
            lambda x=x, y=y: diff(compiled[x], compiled[y]), max(3, args.repeat // 3)
        )
        for x, y in itertools.permutations(ids, 2)
    }

    catalogue = list(load_promises())
    check_ms = {}
    brute_ms = {}
    for policy_id, policy in compiled.items():
        statuses = [r.status for r in check(policy, catalogue)]
        assert statuses == brute_force_check(policy, catalogue), policy_id
        check_ms[policy_id] = median_ms(lambda p=policy: check(p, catalogue), args.repeat)
        brute_ms[policy_id] = median_ms(
            lambda p=policy: brute_force_check(p, catalogue), max(3, args.repeat // 3)
        )

    worst_pair = max(all_pairs, key=all_pairs.__getitem__)
    worst_check = max(check_ms, key=check_ms.__getitem__)
    report = {
        "machine": {"python": sys.version.split()[0], "platform": platform.platform()},
        "space_points": SIZE,
        "feasible_points": feasible_count(),
        "diff": {
            "pair": f"{args.pair[0]}->{args.pair[1]}",
            "changed": result.changed,
            "not_stated": result.not_stated,
            "regions": len(result.regions),
            "not_stated_regions": len(result.not_stated_regions),
            "median_ms": round(pair_diff_ms, 2),
            "numpy_count_floor_ms": round(floor_ms, 2),
            "ratio_to_numpy_floor": round(pair_diff_ms / floor_ms, 1),
            "naive_python_loop_ms_scaled": round(naive_ms, 1),
            "speedup_over_naive_python": round(naive_ms / pair_diff_ms, 1),
            "all_pairs": {
                "pairs": len(all_pairs),
                "median_ms": round(statistics.median(all_pairs.values()), 2),
                "target_median_ms": 250,
                "worst_ms": round(all_pairs[worst_pair], 2),
                "target_worst_ms": 500,
                "worst_pair": worst_pair,
            },
        },
        "check": {
            "promises": len(catalogue),
            "median_ms_per_policy": {k: round(v, 2) for k, v in check_ms.items()},
            "worst_ms": round(check_ms[worst_check], 2),
            "worst_policy": worst_check,
            "target_ms": 100,
            "brute_force_ms_worst": round(max(brute_ms.values()), 2),
            "speedup_over_brute_force": round(
                statistics.median(brute_ms[k] / check_ms[k] for k in check_ms), 1
            ),
        },
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
