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


def production_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """Everything production settings insist on, with fresh keys; `extra` overrides."""
    import secrets

    from haven.ledger.note import generate_signer

    return haven_environment(
        data_dir,
        **{
            "DJANGO_SETTINGS_MODULE": "haven.web.settings.production",
            "HAVEN_SECRET_KEY": secrets.token_urlsafe(50),
            "HAVEN_LEDGER_SIGNING_KEY": generate_signer("haven.test/ledger").to_skey(),
            "HAVEN_PSEUDONYM_KEY": secrets.token_hex(32),
            "HAVEN_RECEIPT_SIGNING_KEY": generate_signer("haven.test/receipts").to_skey(),
            "HAVEN_KEY_DIR": str(data_dir.parent / f"{data_dir.name}-keys"),
            **extra,
        },
    )


def run_haven(args: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "haven.cli", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=180,
    )


BENCH = Path(__file__).resolve().parents[2] / "bench"


def run_bench_worker(script: str, args: list[str], tmp_path: Path) -> dict:
    """Run one of bench/'s per-database workers on a fresh SQLite file; its JSON output.

    Fails the test, with the worker's stderr, if it exits non-zero.
    """
    import json

    env = haven_environment(tmp_path / "data", DATABASE_URL=f"sqlite:///{tmp_path}/bench.sqlite3")
    env["DJANGO_SETTINGS_MODULE"] = "haven.web.settings.local"
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(BENCH / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@contextmanager
def haven_server_with_log(
    data_dir: Path, *args: str, env: Mapping[str, str] | None = None
) -> Iterator[tuple[int, Path]]:
    """Migrate, then run `haven serve` on a free port; yields the port and its stderr file.

    The file is complete once the context exits (the server has stopped).
    """
    env = dict(env or haven_environment(data_dir))
    migrated = run_haven(["migrate"], env)
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    log = data_dir.parent / f"serve-{port}.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "haven.cli", "serve", "--port", str(port), *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if process.poll() is not None:
                    raise AssertionError(f"haven serve exited early: {log.read_text()}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise AssertionError("haven serve did not start listening") from None
                    time.sleep(0.1)
            yield port, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def haven_server(data_dir: Path, *args: str, env: Mapping[str, str] | None = None) -> Iterator[int]:
    """Migrate, then run `haven serve` on a free port; yields the port."""
    with haven_server_with_log(data_dir, *args, env=env) as (port, _log):
        yield port


def raw_request(port: int, request: bytes) -> tuple[bytes, bytes]:
    """Send one raw HTTP/1.1 request (it should say `Connection: close`); returns (head, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head, body
