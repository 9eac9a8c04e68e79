"""Shared test configuration.

Tests that touch the database live under tests/web/ (run on SQLite and on
PostgreSQL by `make test`); everything else tests pure libraries.
"""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture
def shared_testdata() -> Path:
    """`../shared/testdata`, read in place; skipped with a clear message where it is absent."""
    path = SHARED_DIR / "testdata"
    if not path.is_dir():
        pytest.skip(f"shared test data not found at {path} (CI always has it)")
    return path
