"""Production settings refuse to start without what a real deployment must provide."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.web.live_server import production_environment, run_haven


def _refusal(env: dict[str, str], cwd) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "haven.cli", "migrate"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("haven: ")
    return lines[0]


@pytest.mark.parametrize(
    "variable",
    [
        "HAVEN_DATA_DIR",
        "HAVEN_SECRET_KEY",
        "HAVEN_LEDGER_SIGNING_KEY",
        "HAVEN_PSEUDONYM_KEY",
        "HAVEN_RECEIPT_SIGNING_KEY",
        "HAVEN_KEY_DIR",
    ],
)
def test_production_refuses_to_start_without(tmp_path, variable):
    env = production_environment(tmp_path / "data")
    del env[variable]
    line = _refusal(env, tmp_path)
    assert variable in line
    assert "production" in line
    assert not (tmp_path / "var").exists(), "nothing was generated in the working directory"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("HAVEN_DEBUG", "1", "HAVEN_DEBUG"),
        ("HAVEN_PSEUDONYM_KEY", "not-hex", "HAVEN_PSEUDONYM_KEY"),
        ("HAVEN_PSEUDONYM_KEY", "ab" * 16, "HAVEN_PSEUDONYM_KEY"),
        ("HAVEN_LEDGER_SIGNING_KEY", "PRIVATE+KEY+nonsense", "HAVEN_LEDGER_SIGNING_KEY"),
        ("HAVEN_SECRET_KEY", "   ", "HAVEN_SECRET_KEY"),
        ("HAVEN_RECEIPT_SIGNING_KEY", "PRIVATE+KEY+nonsense", "HAVEN_RECEIPT_SIGNING_KEY"),
    ],
    ids=[
        "debug-on",
        "pseudonym-not-hex",
        "pseudonym-short",
        "signing-key-bad",
        "secret-blank",
        "receipt-key-bad",
    ],
)
def test_production_refuses_a_value_it_cannot_use(tmp_path, variable, value, named):
    env = production_environment(tmp_path / "data", **{variable: value})
    assert named in _refusal(env, tmp_path)


def test_production_refuses_the_checkpoint_key_as_the_receipt_key(tmp_path):
    env = production_environment(tmp_path / "data")
    env["HAVEN_RECEIPT_SIGNING_KEY"] = env["HAVEN_LEDGER_SIGNING_KEY"]
    line = _refusal(env, tmp_path)
    assert "HAVEN_RECEIPT_SIGNING_KEY" in line and "checkpoint" in line


def test_production_refuses_a_key_directory_inside_the_data_directory(tmp_path):
    data_dir = tmp_path / "data"
    env = production_environment(data_dir, HAVEN_KEY_DIR=str(data_dir / "keys"))
    line = _refusal(env, tmp_path)
    assert "HAVEN_KEY_DIR" in line and "HAVEN_DATA_DIR" in line


def test_production_starts_with_everything_it_needs(tmp_path):
    data_dir = tmp_path / "data"
    result = run_haven(["migrate"], production_environment(data_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "haven: database is up to date"


def test_key_directory_defaults_under_the_data_directory_outside_production(settings):
    assert settings.HAVEN_KEY_DIR == settings.HAVEN_DATA_DIR / "keys"
