"""`haven ledger verify`: only against a key the verifier pinned, and every tile checked."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from haven.cli import main
from haven.ledger.kinds import SignedIn
from haven.ledger.note import generate_signer
from haven.web.ledger.keys import ledger_signer
from haven.web.ledger.services import checkpoint_sign, ledger_record_many


@pytest.fixture
def export(db, tmp_path, capsys):
    with transaction.atomic():
        ledger_record_many([SignedIn(user=f"staff_{n}") for n in range(10)])
    checkpoint_sign()
    directory = tmp_path / "export"
    assert main(["ledger", "export", str(directory)]) == 0
    capsys.readouterr()
    return directory


@pytest.fixture
def vkey(export) -> str:
    return ledger_signer().verifier.vkey


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("haven: ")
    return lines[0]


def test_verify_without_a_pinned_key_refuses_and_says_how_to_pin_one(export, monkeypatch, capsys):
    monkeypatch.delenv("HAVEN_LEDGER_TRUST_FILE", raising=False)
    assert main(["ledger", "verify", str(export)]) == 2
    captured = capsys.readouterr()
    line = _one_line(captured.err)
    assert "--vkey" in line and "--trust" in line and "no trusted key" in line
    assert captured.out == ""


def test_verify_with_a_pinned_key_given_inline_in_a_file_or_in_a_trust_file(
    export, vkey, tmp_path, capsys
):
    key_file = tmp_path / "log.vkey"
    key_file.write_text(vkey + "\n")
    trust = tmp_path / "trusted"
    trust.write_text(
        f"# the key before the last rotation\n{generate_signer('x').verifier.vkey}\n{vkey}\n"
    )
    for pinned in (["--vkey", vkey], ["--vkey", str(key_file)], ["--trust", str(trust)]):
        assert main(["ledger", "verify", str(export), *pinned]) == 0, pinned
        assert capsys.readouterr().out.startswith("verified: 10 entries of ")


def test_verify_reads_the_default_trust_file_from_the_environment(
    export, vkey, tmp_path, monkeypatch, capsys
):
    trust = tmp_path / "trusted"
    trust.write_text(vkey + "\n")
    monkeypatch.setenv("HAVEN_LEDGER_TRUST_FILE", str(trust))
    assert main(["ledger", "verify", str(export), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verified"] is True
    monkeypatch.setenv("HAVEN_LEDGER_TRUST_FILE", str(tmp_path / "missing"))
    assert main(["ledger", "verify", str(export)]) == 2
    assert "HAVEN_LEDGER_TRUST_FILE" in _one_line(capsys.readouterr().err)


@pytest.mark.parametrize("value", ["not-a-key", "haven.localhost+00000000+AAAA"])
def test_a_malformed_pinned_key_is_one_line(export, capsys, value):
    assert main(["ledger", "verify", str(export), "--vkey", value]) == 2
    assert "--vkey" in _one_line(capsys.readouterr().err)


def test_trusting_the_export_s_own_key_warns_loudly_and_exits_non_zero(export, capsys):
    assert main(["ledger", "verify", str(export), "--trust-export-key"]) == 1
    captured = capsys.readouterr()
    warning = _one_line(captured.err)
    assert "WARNING" in warning and "only that the export agrees with itself" in warning
    assert captured.out.startswith("self-consistent only: 10 entries")
    assert main(["ledger", "verify", str(export), "--trust-export-key", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["verified"] is False and result["self_consistent"] is True
    assert result["reason"] == "key_not_pinned" and result["size"] == 10


def test_trusting_the_export_s_own_key_still_fails_a_broken_export(export, capsys):
    (export / "leaves").write_text(
        "\n".join((export / "leaves").read_text().splitlines()[:9]) + "\n"
    )
    assert main(["ledger", "verify", str(export), "--trust-export-key"]) == 2
    assert "verification failed" in capsys.readouterr().err


def test_trusting_the_export_s_own_key_cannot_be_combined_with_a_pinned_key(export, vkey, capsys):
    assert main(["ledger", "verify", str(export), "--vkey", vkey, "--trust-export-key"]) == 2
    assert "--trust-export-key" in _one_line(capsys.readouterr().err)


def test_a_tampered_tile_is_reported_by_path(export, vkey, capsys):
    tile = export / "tile" / "0" / "000.p" / "10"
    data = bytearray(tile.read_bytes())
    data[40] ^= 0x01
    tile.write_bytes(bytes(data))
    assert main(["ledger", "verify", str(export), "--vkey", vkey, "--json"]) == 2
    result = json.loads(capsys.readouterr().out)
    assert result["verified"] is False
    assert (result["reason"], result["tile"]) == ("tile_mismatch", "tile/0/000.p/10")


@pytest.mark.parametrize("path", ["tile/0/000.p/9", "tile/entries/001", "tile/README"])
def test_an_extra_tile_is_reported_by_path(export, vkey, capsys, path):
    (export / path).parent.mkdir(parents=True, exist_ok=True)
    (export / path).write_bytes(b"\x00" * 32)
    assert main(["ledger", "verify", str(export), "--vkey", vkey]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "verification failed" in line and path in line


@pytest.mark.parametrize("what", ["missing", "file", "leaves"])
def test_verify_of_a_missing_directory_or_a_file_is_one_clear_line(
    export, vkey, tmp_path, capsys, what
):
    target = {
        "missing": tmp_path / "nowhere",
        "file": tmp_path / "export.tar",
        "leaves": export / "leaves",
    }[what]
    if what == "file":
        target.write_bytes(b"not a directory")
    assert main(["ledger", "verify", str(target), "--vkey", vkey, "--json"]) == 2
    captured = capsys.readouterr()
    line = _one_line(captured.err)
    assert str(target) in line
    assert ("does not exist" if what == "missing" else "is a file, not") in line
    assert captured.out == ""
