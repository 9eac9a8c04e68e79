"""The ledger benchmarks run: their events are typed, mixed, and go through ledger_record_many."""

from __future__ import annotations

from tests.web.live_server import run_bench_worker


def test_the_database_benchmark_records_a_mix_of_typed_events(tmp_path):
    result = run_bench_worker("ledger_database.py", ["300", "100"], tmp_path)
    assert (result["entries"], result["about_people"], result["public"]) == (300, 270, 30)
    for figure in ("appends_per_second", "ratio_to_bare_inserts", "sealing_us_per_event"):
        assert result[figure] > 0
    assert result["audit_entries_per_second"] > 0
