"""Every error a person can cause on the command line is one clear line, never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.web.live_server import free_port, haven_environment, run_haven


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("haven: ")
    return lines[0]


@pytest.fixture
def migrated(tmp_path) -> dict[str, str]:
    env = haven_environment(tmp_path / "data")
    assert run_haven(["migrate"], env).returncode == 0
    return env


def test_serve_on_a_busy_port_is_one_line(migrated):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_line(run_haven(["serve", "--port", str(port)], migrated))
    assert f"port {port}" in line and "in use" in line


@pytest.mark.parametrize("host", ["no-such-host.invalid", "192.0.2.1", "300.1.2.3"])
def test_serve_on_a_host_this_machine_cannot_listen_on_is_one_line(migrated, host):
    line = _one_line(run_haven(["serve", "--host", host, "--port", str(free_port())], migrated))
    assert host in line


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["policy", "list", "--json"], 141),  # as if killed by SIGPIPE, like other tools
        (["policy", "show", "firewall"], 141),
        # argparse prints these itself and ignores a failed write: nothing to report.
        (["--help"], 0),
        (["--version"], 0),
    ],
    ids=["policy list --json", "policy show", "--help", "--version"],
)
def test_output_into_a_closed_pipe_is_not_a_traceback(tmp_path, args, status):
    """As `haven … | head -1` when head has already exited: the pipe has no reader."""
    process = subprocess.Popen(
        [sys.executable, "-m", "haven.cli", *args],
        env=haven_environment(tmp_path / "data"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.stdout.close()  # before the child can print anything: every write fails
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=120) == status
    assert stderr == ""


def test_haven_piped_into_head_prints_its_first_line(tmp_path):
    # A fixed command line; the shell's pipe is the point.
    result = subprocess.run(  # noqa: S602
        f"{sys.executable} -m haven.cli policy list --json | head -1",
        shell=True,
        env=haven_environment(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout == "{\n"
    assert result.stderr == ""


def test_sign_out_by_get_shows_a_page_with_a_sign_out_button(client, officer):
    client.force_login(officer)
    response = client.get(reverse("accounts:sign-out"))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<form method="post" action="{reverse("accounts:sign-out")}"' in content
    assert "Sign out</button>" in content
    assert client.get(reverse("accounts:home")).status_code == 200, "GET signs nobody out"


def test_sign_out_by_get_when_signed_out_offers_sign_in(client, db):
    response = client.get(reverse("accounts:sign-out"))
    assert response.status_code == 200
    assert reverse("accounts:sign-in") in response.content.decode()
