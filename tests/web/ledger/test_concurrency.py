"""Concurrent appends from several processes give a gapless, duplicate-free sequence.

Runs against the database of the current suite: a fresh SQLite file in the SQLite
run, a fresh PostgreSQL database in the PostgreSQL run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from haven.ledger.commitments import parse_leaf

WORKER = Path(__file__).with_name("append_worker.py")
WORKERS, EACH = 4, 15


@pytest.fixture
def isolated_database_url(tmp_path):
    """A brand-new database of the suite's engine, migrated, and removed afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'concurrent.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"haven_concurrency_{uuid.uuid4().hex[:8]}"
    server = dict(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname="postgres",
    )
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)


def test_concurrent_appenders_give_a_gapless_verifiable_log(isolated_database_url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": isolated_database_url,
        "HAVEN_DATA_DIR": str(tmp_path / "data"),
    }
    env["DJANGO_SETTINGS_MODULE"] = "haven.web.settings.local"
    haven = [sys.executable, "-m", "haven.cli"]
    assert _run([*haven, "migrate"], env).returncode == 0

    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), f"w{n}", str(EACH)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err

    assert _run([*haven, "ledger", "checkpoint"], env).returncode == 0
    export = tmp_path / "export"
    exported = _run([*haven, "ledger", "export", str(export)], env)
    assert exported.returncode == 0, exported.stderr
    from haven.ledger.note import read_signer

    vkey = read_signer(tmp_path / "data" / "ledger" / "signing.key").verifier.vkey
    verified = _run([*haven, "ledger", "verify", str(export), "--vkey", vkey], env)
    assert verified.returncode == 0, verified.stderr
    assert f"verified: {WORKERS * EACH} entries" in verified.stdout

    import base64

    leaves = [base64.b64decode(line) for line in (export / "leaves").read_text().splitlines()]
    events = [parse_leaf(leaf).event or {} for leaf in leaves]
    seen = [(event["payload"]["force"], int(event["payload"]["step"])) for event in events]
    assert len(seen) == len(set(seen)) == WORKERS * EACH
    for n in range(WORKERS):  # each worker's own entries stay in its order
        assert [s for w, s in seen if w == f"w{n}"] == list(range(EACH))
