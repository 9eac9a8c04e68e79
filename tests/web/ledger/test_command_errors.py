"""Every `haven ledger` command that uses the site is one line and exit 2 when it cannot start.

Run as subprocesses, as an operator would: the database unreachable, not migrated, or a
ledger key that does not parse must never end in a traceback.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.web.live_server import haven_environment, run_haven

# Each command that reads the site's database (`verify` reads only an export).
COMMANDS = [
    ["ledger", "export", "{tmp}/export"],
    ["ledger", "prove", "--index", "0"],
    ["ledger", "consistency", "--from", "1"],
    ["ledger", "checkpoint"],
    ["ledger", "rotate-key"],
    ["ledger", "audit"],
]


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("haven: ")
    return lines[0]


def _each_command(env, tmp_path) -> dict[str, str]:
    return {
        " ".join(argv[:2]): _one_line(run_haven([arg.format(tmp=tmp_path) for arg in argv], env))
        for argv in COMMANDS
    }


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> dict[str, str]:
    env = haven_environment(tmp_path_factory.mktemp("migrated") / "data")
    assert run_haven(["migrate"], env).returncode == 0
    return env


def test_every_ledger_command_is_one_line_when_the_database_is_down(tmp_path):
    env = haven_environment(tmp_path / "data", DATABASE_URL="postgres://postgres@127.0.0.1:1/haven")
    for command, line in _each_command(env, tmp_path).items():
        assert line.startswith("haven: cannot use the database:"), (command, line)


def test_every_ledger_command_is_one_line_when_the_database_is_not_migrated(tmp_path):
    env = haven_environment(tmp_path / "data")
    for command, line in _each_command(env, tmp_path).items():
        assert "haven migrate" in line, (command, line)


# A key of the right shape whose id does not match it: the message must not echo its secret part.
_SECRET = "ARERERERERERERERERERERERERERERERERERERERERER"


@pytest.mark.parametrize(
    "value",
    ["not a key at all", "PRIVATE+KEY+haven.localhost", f"PRIVATE+KEY+x+abcd0123+{_SECRET}"],
)
def test_every_ledger_command_is_one_line_with_a_malformed_signing_key(migrated, tmp_path, value):
    env = {**migrated, "HAVEN_LEDGER_SIGNING_KEY": value}
    for command, line in _each_command(env, tmp_path).items():
        assert "HAVEN_LEDGER_SIGNING_KEY is not a note signer key" in line, (command, line)
        assert _SECRET not in line
    assert not (tmp_path / "export").exists()
