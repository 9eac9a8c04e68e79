"""The `haven` command's site sub-commands: demo, migrate, serve, --version."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

from haven import __version__
from haven.cli import main
from haven.web.accounts.models import AdvocateOrganisation, Membership, User
from haven.web.ledger.models import LedgerEntry
from haven.web.reporting.models import Report, ReportPerson


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "organisations": AdvocateOrganisation.objects.count(),
        "reports": Report.objects.count(),
        "people": ReportPerson.objects.count(),
        "ledger entries": LedgerEntry.objects.count(),
    }


def test_demo_twice_changes_nothing_the_second_time(db, capsys):
    assert main(["demo"]) == 0
    first = _counts()
    output = capsys.readouterr().out
    assert "officer.met" in output and "haven-demo-password" in output
    assert main(["demo"]) == 0
    assert _counts() == first
    assert first["reports"] >= 20
    assert first["users"] == 12
    assert first["ledger entries"] >= 10


def test_demo_has_every_role_and_every_offence(db):
    main(["demo"])
    assert set(Membership.objects.values_list("role", flat=True)) == {
        "officer",
        "supervisor",
        "dpo",
        "auditor",
    }
    assert Report.objects.values("offence").distinct().count() == 8
    assert set(ReportPerson.objects.values_list("role", flat=True)) == {
        "victim",
        "witness",
        "suspect",
        "victim_and_suspect",
    }
    assert Report.objects.values("force").distinct().count() == 3


def test_version_is_printed(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"haven {__version__}"


def test_serve_refuses_an_impossible_port(capsys):
    assert main(["serve", "--port", "70000"]) == 2
    assert "--port must be between 1 and 65535" in capsys.readouterr().err


@pytest.mark.parametrize(
    "url",
    [
        "nonsense",
        "mysql://root@127.0.0.1/haven",
        "postgres://u@h:notaport/db",
        "postgres://127.0.0.1:5432",
    ],
)
def test_malformed_database_url_gives_one_clear_line_and_fails(tmp_path, url):
    env = {**os.environ, "DATABASE_URL": url, "HAVEN_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "haven.cli", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("haven: DATABASE_URL")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "haven.sqlite3").exists()


def test_unreachable_database_gives_one_line_and_fails(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/haven",
        "HAVEN_DATA_DIR": str(tmp_path),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "haven.cli", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("haven: cannot use the database:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_users_have_the_documented_demo_authenticator(db, capsys):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from haven.web.demo import DEMO_TOTP_SECRET

    assert main(["demo"]) == 0
    output = capsys.readouterr().out
    assert DEMO_TOTP_SECRET in output
    assert f"oathtool --totp -b {DEMO_TOTP_SECRET}" in output
    devices = TOTPDevice.objects.filter(confirmed=True)
    assert devices.count() == User.objects.count() == 12
    key = bytes.fromhex(devices.first().key)
    assert key == base64.b32decode(DEMO_TOTP_SECRET)
    assert TOTP(key).token() is not None
    assert main(["demo"]) == 0
    assert TOTPDevice.objects.count() == 12, "twice changes nothing"


def test_demo_refuses_production_settings_with_one_line(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "haven.web.settings.production",
        "HAVEN_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "haven.cli", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "haven: haven demo refuses to run under production settings: it creates users "
        "with a published password and a published second-factor secret"
    ]
    assert not (tmp_path / "data").exists()
