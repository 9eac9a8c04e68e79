"""`haven serve` in a subprocess on a free port, for tests of the real server path.

Django's test client is not a web server: it strips HEAD bodies itself and never
parses a raw request, so these tests talk to the server over a socket.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def haven_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for a `haven` subprocess on its own SQLite database under `data_dir`."""
    env = {**os.environ, "HAVEN_DATA_DIR": str(data_dir), **extra}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        if name not in extra:
            env.pop(name, None)
    return env


def run_haven(args: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "haven.cli", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=180,
    )


@contextmanager
def haven_server(data_dir: Path, *args: str, env: Mapping[str, str] | None = None) -> Iterator[int]:
    """Migrate, then run `haven serve` on a free port; yields the port."""
    env = dict(env or haven_environment(data_dir))
    migrated = run_haven(["migrate"], env)
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "haven.cli", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise AssertionError(f"haven serve exited early: {process.stderr.read()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("haven serve did not start listening") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def raw_request(port: int, request: bytes) -> tuple[bytes, bytes]:
    """Send one raw HTTP/1.1 request (it should say `Connection: close`); returns (head, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head, body
