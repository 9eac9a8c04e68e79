"""The privacy benchmark runs on the current schema: a tiny run creates, reads and rotates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.web.live_server import haven_environment

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_privacy_benchmark_creates_reads_and_rotates(tmp_path):
    env = haven_environment(tmp_path / "data", DATABASE_URL=f"sqlite:///{tmp_path}/bench.sqlite3")
    env["DJANGO_SETTINGS_MODULE"] = "haven.web.settings.local"
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(BENCH / "privacy_database.py"), "5", "200", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["database"] == "sqlite"
    assert result["rotation"]["data_keys"] >= 200
    assert result["rotation"]["rewraps_per_second"] > 0
