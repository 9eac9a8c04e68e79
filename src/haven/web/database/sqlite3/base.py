"""SQLite, with writers queued instead of polling (ENGINE `haven.web.database.sqlite3`).

SQLite lets one connection write at a time. Every Haven transaction begins with
`BEGIN IMMEDIATE` (settings: `transaction_mode`), so it takes the database's write lock
at its start; a connection that finds the lock taken sleeps in SQLite's busy handler,
in steps of 1, 2, 5, … up to 100 ms, and is not woken when the lock comes free. Under a
few dozen concurrent reporters that sleeping, not the work, made the portal's slowest
requests (docs/performance.md, "Portal").

So before `BEGIN IMMEDIATE` a connection first takes the writer's turn here, and gives it
back at COMMIT, ROLLBACK or close, exactly where SQLite's own lock is released:

- within a process, a `threading.Lock` per database file: the threads of one server
  process queue on it and the next one is woken at once;
- across processes, an exclusive `flock` on a file beside the database (`NAME.writer`,
  mode 0600), tried every half millisecond by the one thread of each process that holds
  the in-process lock.

Both waits end, as SQLite's would, after the connection's `timeout` (default 5 s) with
`OperationalError: database is locked`. Reads never wait (WAL). Memory databases have no
file to lock and keep SQLite's own behaviour.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_POLL_SECONDS = 0.0005
_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _process_lock(path: str) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(path, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's SQLite backend with the writer's turn taken before each transaction."""

    _writer_file: int | None = None
    _writer_turn: threading.Lock | None = None

    def _writer_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}.writer"

    def _take_writer_turn(self) -> None:
        path = self._writer_path()
        if path is None or self._writer_turn is not None:
            return
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + timeout
        turn = _process_lock(path)
        if not turn.acquire(timeout=timeout):
            raise OperationalError("database is locked (waited for another writer)")
        try:
            if self._writer_file is None:
                self._writer_file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            while True:
                try:
                    fcntl.flock(self._writer_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise OperationalError(
                            "database is locked (waited for another process's writer)"
                        ) from None
                    time.sleep(_POLL_SECONDS)
        except BaseException:
            turn.release()
            raise
        self._writer_turn = turn

    def _give_writer_turn(self) -> None:
        turn, self._writer_turn = self._writer_turn, None
        if turn is None:
            return
        try:
            if self._writer_file is not None:
                fcntl.flock(self._writer_file, fcntl.LOCK_UN)
        finally:
            turn.release()

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writer_turn()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._give_writer_turn()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._give_writer_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._give_writer_turn()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._give_writer_turn()
            if self._writer_file is not None:
                os.close(self._writer_file)
                self._writer_file = None
