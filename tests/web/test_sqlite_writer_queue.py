"""The SQLite backend's writer queue (haven.web.database.sqlite3): a connection holds the
writer's turn from BEGIN to COMMIT, ROLLBACK or close, and no longer."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):  # type: ignore[no-untyped-def]
    """These tests open their own databases, not the suite's test database."""
    with django_db_blocker.unblock():
        yield


def _connection(path, timeout=5):  # type: ignore[no-untyped-def]
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "haven.web.database.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
            }
        }
    )
    return handler["default"]


def _taken(path) -> bool:  # type: ignore[no-untyped-def]
    """Whether another process would find the writer's turn taken."""
    probe = os.open(f"{path}.writer", os.O_RDWR)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(probe)
    return False


def _begin(connection) -> None:  # type: ignore[no-untyped-def]
    connection.ensure_connection()
    connection._start_transaction_under_autocommit()


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_turn_is_held_from_begin_to_the_end_of_the_transaction(tmp_path, end):
    path = tmp_path / "db.sqlite3"
    connection = _connection(path)
    _begin(connection)
    connection.cursor().execute("CREATE TABLE t (x)")
    assert _taken(path)
    getattr(connection, end)()
    assert not _taken(path)
    assert oct(os.stat(f"{path}.writer").st_mode & 0o777) == "0o600"
    connection.close()


def test_a_second_thread_waits_for_the_first_to_commit(tmp_path):
    path = tmp_path / "db.sqlite3"
    first, order = _connection(path), []
    _begin(first)
    first.cursor().execute("CREATE TABLE t (x)")

    def second_writer() -> None:
        second = _connection(path)
        _begin(second)
        order.append("second began")
        second.cursor().execute("INSERT INTO t VALUES (2)")
        second.commit()
        second.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(timeout=0.3)
    assert order == []  # still waiting: the first holds the turn
    first.cursor().execute("INSERT INTO t VALUES (1)")
    order.append("first committed")
    first.commit()
    thread.join(timeout=10)
    assert order == ["first committed", "second began"]
    assert first.cursor().execute("SELECT x FROM t ORDER BY rowid").fetchall() == [(1,), (2,)]
    first.close()


def test_a_writer_held_by_another_process_times_out_with_a_clear_error_and_takes_nothing(
    tmp_path,
):
    path = tmp_path / "db.sqlite3"
    other_process = os.open(f"{path}.writer", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(other_process, fcntl.LOCK_EX)
    connection = _connection(path, timeout=0.2)
    connection.ensure_connection()
    with pytest.raises(OperationalError, match="database is locked"):
        connection._start_transaction_under_autocommit()
    fcntl.flock(other_process, fcntl.LOCK_UN)
    os.close(other_process)
    # The failed attempt left the in-process turn free: the next one goes through.
    _begin(connection)
    assert _taken(path)
    connection.rollback()
    connection.close()


def test_a_memory_database_keeps_sqlite_s_own_locking(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    connection = _connection(":memory:")
    _begin(connection)
    connection.commit()
    connection.close()
    assert os.listdir(tmp_path) == []
