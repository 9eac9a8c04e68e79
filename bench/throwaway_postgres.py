"""A throwaway PostgreSQL database for one benchmark run, created and dropped here.

The server is POSTGRES_URL's (default postgres://postgres@127.0.0.1:5432/haven; only its
server part is used). Every benchmark that measures PostgreSQL uses this, so each one
says "not measured, and why" the same way when no server answers.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/haven"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server to benchmark against (the message says why)."""


@contextmanager
def throwaway_database(prefix: str = "haven_bench") -> Iterator[str]:
    """Create a fresh database, yield its URL, and drop it afterwards (even on error).

    Raises:
        PostgresUnavailable: the server cannot be reached or refuses to create it.
    """
    server = os.environ.get("POSTGRES_URL", DEFAULT_SERVER).rsplit("/", 1)[0]
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    try:
        import psycopg

        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        raise PostgresUnavailable(f"no PostgreSQL at {server}: {error}") from None
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
