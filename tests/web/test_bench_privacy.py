"""The privacy benchmark runs on the current schema: a tiny run creates, reads and rotates."""

from __future__ import annotations

from tests.web.live_server import run_bench_worker


def test_the_privacy_benchmark_creates_reads_and_rotates(tmp_path):
    result = run_bench_worker("privacy_database.py", ["5", "200", "1"], tmp_path)
    assert result["database"] == "sqlite"
    assert result["rotation"]["data_keys"] >= 200
    assert result["rotation"]["rewraps_per_second"] > 0
    assert set(result["reports"]["overhead"]) == {"create", "read", "open"}
