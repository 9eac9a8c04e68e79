"""The ledger benchmarks run: their events are typed, mixed, and go through ledger_record_many."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.web.live_server import haven_environment

BENCH = Path(__file__).resolve().parents[3] / "bench"


def test_the_database_benchmark_records_a_mix_of_typed_events(tmp_path):
    env = haven_environment(tmp_path / "data", DATABASE_URL=f"sqlite:///{tmp_path}/bench.sqlite3")
    env["DJANGO_SETTINGS_MODULE"] = "haven.web.settings.local"
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(BENCH / "ledger_database.py"), "300", "100"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["entries"], result["about_people"], result["public"]) == (300, 270, 30)
    for figure in ("appends_per_second", "ratio_to_bare_inserts", "sealing_us_per_event"):
        assert result[figure] > 0
    assert result["audit_entries_per_second"] > 0
