"""Shared test configuration.

Tests that touch the database live under tests/web/ (run on SQLite and on
PostgreSQL by `make test`); everything else tests pure libraries.
"""

from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent


@pytest.fixture
def merkle_vectors() -> Path:
    """The transparency-dev/merkle proof vectors kept in `tests/ledger/vectors/merkle/`.

    They are part of the repository, so a missing directory is a failure, never a skip.
    """
    path = TESTS_DIR / "ledger" / "vectors" / "merkle"
    if not path.is_dir():
        pytest.fail(f"Merkle proof vectors are missing: {path} is not a directory")
    return path
