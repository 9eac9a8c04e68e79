"""The data directory is private to Haven's user: 0700, and the SQLite files in it 0600."""

from __future__ import annotations

import stat
import subprocess
import sys

from tests.web.live_server import haven_environment, run_haven

# While a connection is open, WAL mode keeps the -wal and -shm files beside the database.
_OPEN_AND_REPORT = """
import os, stat, django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
name = settings.DATABASES["default"]["NAME"]
for suffix in ("", "-wal", "-shm"):
    print(suffix or "db", oct(stat.S_IMODE(os.stat(name + suffix).st_mode)))
"""


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_migrate_creates_a_private_data_directory_and_database(tmp_path):
    data_dir = tmp_path / "new" / "data"
    result = run_haven(["migrate"], haven_environment(data_dir))
    assert result.returncode == 0, result.stderr
    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "haven.sqlite3") == 0o600
    for leftover in data_dir.glob("haven.sqlite3-*"):
        assert _mode(leftover) == 0o600, leftover


def test_migrate_makes_an_existing_directory_and_database_private(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    database = data_dir / "haven.sqlite3"
    database.touch()
    database.chmod(0o644)
    result = run_haven(["migrate"], haven_environment(data_dir))
    assert result.returncode == 0, result.stderr
    assert _mode(data_dir) == 0o700
    assert _mode(database) == 0o600


def test_write_ahead_log_and_shared_memory_files_are_private(tmp_path):
    data_dir = tmp_path / "data"
    env = haven_environment(data_dir, DJANGO_SETTINGS_MODULE="haven.web.settings.local")
    result = subprocess.run(
        [sys.executable, "-c", _OPEN_AND_REPORT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    modes = dict(line.split() for line in result.stdout.splitlines())
    assert modes == {"db": "0o600", "-wal": "0o600", "-shm": "0o600"}


def test_a_shared_directory_is_refused_not_taken_over(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    result = run_haven(["migrate"], haven_environment(shared))
    assert result.returncode == 2
    assert result.stderr.startswith("haven: HAVEN_DATA_DIR")
    assert len(result.stderr.strip().splitlines()) == 1
    assert _mode(shared) == 0o1777
