"""bench/gateway.py runs end to end on SQLite: the production server, decision requests
through the API, the plain token-authenticated peer endpoint, the raw decide and the
check that every acknowledged request was recorded (tiny numbers; no timing asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

BENCH = Path(__file__).resolve().parents[2] / "bench" / "gateway.py"


def test_the_plain_api_peer_is_not_part_of_the_site():
    with pytest.raises(Resolver404):
        resolve("/bench/api/records/")


@pytest.mark.slow
def test_the_gateway_benchmark_records_every_request_it_sends(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "HAVEN_DATA_DIR"):
        env.pop(name, None)
    done = subprocess.run(  # noqa: S603 - our own script
        [
            sys.executable,
            str(BENCH),
            "--requests",
            "3",
            "--clients",
            "2",
            "--concurrent",
            "4",
            "--rounds",
            "2",
            "--workers",
            "1",
            "--threads",
            "2",
            "--databases",
            "sqlite",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["sqlite"]
    for endpoint in ("api", "plain"):
        assert result[endpoint]["failed"] == 0, result[endpoint]["failures_sample"]
        assert result[endpoint]["one_client"]["count"] == 3
        assert result[endpoint]["concurrent"]["requests"] == 4
        assert result[endpoint]["concurrent"]["requests_per_second"] > 0
    # Warm-up (2 of each per client), then 3 one at a time, then 4 at once.
    assert result["api"]["acknowledged"] == 4 + 3 + 4
    assert result["recorded"]["decision_requests"] == 11
    assert result["recorded"]["by_status"] == {"approved": 11}
    assert result["recorded"]["decision_events"] == 11
    assert result["recorded"]["plain_rows"] == 11
    assert result["checks"] == {
        "no_request_failed": True,
        "every_acknowledged_request_recorded": True,
        "server_connects_as_the_app_role_only": None,
    }
    assert result["decide"]["decision"] == "allow"
    assert result["decide"]["microseconds_per_call"] > 0
    assert result["decide_percent_of_api_p50"] > 0
    assert set(result["targets"]) == {
        "p99_one_client_at_most_50_ms",
        "throughput_at_least_half_the_plain_endpoint",
    }
