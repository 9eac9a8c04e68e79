"""bench/portal.py runs end to end: the production server, the walk through the real
portal, the plain-form peer and the receipt check (tiny numbers; no timing asserted).
On the PostgreSQL suite it benchmarks PostgreSQL (a throwaway database on that server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

BENCH = Path(__file__).resolve().parents[2] / "bench" / "portal.py"


def test_the_plain_form_peer_is_not_part_of_the_site():
    assert "haven.web.benchpeer" not in settings.INSTALLED_APPS
    with pytest.raises(Resolver404):
        resolve("/bench/plain/")


@pytest.mark.slow
def test_the_portal_benchmark_submits_reports_and_finds_every_receipt(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    database = "sqlite"
    if env.get("DATABASE_URL", "").startswith("postgres"):
        database, env["POSTGRES_URL"] = "postgresql", env["DATABASE_URL"]
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "HAVEN_DATA_DIR"):
        env.pop(name, None)
    done = subprocess.run(  # noqa: S603 - our own script
        [
            sys.executable,
            str(BENCH),
            "--clients",
            "2",
            "--reports",
            "3",
            "--plain",
            "4",
            "--workers",
            "1",
            "--threads",
            "2",
            "--databases",
            database,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)[database]
    assert result["portal"]["failures_sample"] == []
    assert result["portal"]["submissions"] == 6  # three whole walks, three sent at once
    assert result["plain_form"]["submissions"] == 8
    assert result["lost_reports"] == 0
    assert result["portal"]["submission"]["count"] == 3
    assert result["portal"]["whole_walk"]["count"] == 3
    assert result["portal"]["submissions_per_second"] > 0
    assert result["ratio_submissions"] > 0
