"""Benchmark: what sealing personal data costs, on SQLite and on PostgreSQL, in one run.

For each database, in a fresh process on a fresh database and data directory
(`bench/privacy_database.py`):

- report creation and reading through the real services with sealing, against the
  same services storing plain bytes (the peer); target: at most 25 % overhead;
- `haven keys rotate` over ROWS data keys (default 1,000,000); target: at most 60 s.

PostgreSQL is used at POSTGRES_URL's server (default postgres://postgres@127.0.0.1:5432)
in a throwaway database; it is skipped, and said so, when unreachable. Output: JSON.

    .venv/bin/python bench/privacy.py [--reports N] [--rows N] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from throwaway_postgres import PostgresUnavailable, throwaway_database

WORKER = Path(__file__).with_name("privacy_database.py")


def run_worker(database_url: str, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="haven-bench-") as directory:
        env = {
            **os.environ,
            "DATABASE_URL": database_url.replace("DIR", directory),
            "HAVEN_DATA_DIR": str(Path(directory) / "data"),
            "DJANGO_SETTINGS_MODULE": "haven.web.settings.local",
        }
        done = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, str(WORKER), str(args.reports), str(args.rows), str(args.repeat)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
        return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    results = {"sqlite": run_worker("sqlite:///DIR/bench.sqlite3", args)}
    try:
        with throwaway_database() as url:
            results["postgresql"] = run_worker(url, args)
    except PostgresUnavailable as error:
        results["postgresql"] = {"skipped": str(error)}
    json.dump({"benchmark": "privacy", **results}, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
