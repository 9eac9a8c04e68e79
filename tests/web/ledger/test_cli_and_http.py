"""`haven ledger` commands, the public tlog-tiles HTTP layout, keys, and what leaves may hold."""

from __future__ import annotations

import base64
import json
import stat

import pytest
from django.db import transaction

from haven.cli import main
from haven.ledger.checkpoint import open_checkpoint
from haven.ledger.kinds import SignedIn
from haven.ledger.note import parse_vkey
from haven.ledger.proofs import verify_consistency, verify_inclusion
from haven.ledger.tiles import decode_entry_bundle
from haven.ledger.tree import leaf_hashes
from haven.web.ledger.keys import forget_cached_keys, ledger_signer, pseudonym_key
from haven.web.ledger.selectors import leaves_upto
from haven.web.ledger.services import checkpoint_sign, ledger_record_many
from haven.web.reporting.models import Channel
from haven.web.reporting.services import PersonInReport, report_create


@pytest.fixture
def log_of_ten(db):
    with transaction.atomic():
        ledger_record_many([SignedIn(user=f"staff_{n}") for n in range(10)])
    checkpoint_sign()


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


def test_export_then_verify(log_of_ten, tmp_path, capsys):
    assert main(["ledger", "export", str(tmp_path / "out")]) == 0
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {
        "checkpoint",
        "vkey",
        "leaves",
        "tile",
    }
    assert len((tmp_path / "out" / "leaves").read_text().splitlines()) == 10
    capsys.readouterr()
    pinned = ["--vkey", ledger_signer().verifier.vkey]
    assert main(["ledger", "verify", str(tmp_path / "out"), *pinned, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verified"] is True


def test_export_refuses_a_non_empty_directory(log_of_ten, tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["ledger", "export", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_verify_names_the_first_bad_position_of_a_tampered_leaf(log_of_ten, tmp_path, capsys):
    out = tmp_path / "out"
    main(["ledger", "export", str(out)])
    lines = (out / "leaves").read_text().splitlines()
    leaf = bytearray(_b64(lines[6]))
    leaf[12] ^= 0x01
    lines[6] = base64.b64encode(bytes(leaf)).decode()
    (out / "leaves").write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    pinned = ["--vkey", ledger_signer().verifier.vkey]
    assert main(["ledger", "verify", str(out), *pinned, "--json"]) == 2
    result = json.loads(capsys.readouterr().out)
    assert result["verified"] is False
    assert result["position"] == 6


def test_verify_with_a_foreign_key_fails(log_of_ten, tmp_path, capsys):
    from haven.ledger.note import generate_signer

    main(["ledger", "export", str(tmp_path / "out")])
    foreign = generate_signer("haven.localhost/ledger").verifier.vkey
    capsys.readouterr()
    assert main(["ledger", "verify", str(tmp_path / "out"), "--vkey", foreign]) == 2
    assert "verification failed" in capsys.readouterr().err


def test_prove_and_consistency_print_the_design_shapes(log_of_ten, capsys):
    assert main(["ledger", "prove", "--index", "4", "--json"]) == 0
    proof = json.loads(capsys.readouterr().out)
    assert set(proof) == {"index", "size", "proof"} and proof["size"] == 10
    assert main(["ledger", "consistency", "--from", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"from", "to", "old_root", "new_root", "proof"}
    verify_consistency(
        3,
        10,
        [_b64(p) for p in result["proof"]],
        _b64(result["old_root"]),
        _b64(result["new_root"]),
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["prove", "--index", "10"],
        ["prove", "--index", "-1"],
        ["prove", "--index", "0", "--size", "99"],
        ["consistency", "--from", "0"],
        ["consistency", "--from", "11"],
    ],
)
def test_out_of_range_proof_requests_are_refused_clearly(log_of_ten, capsys, argv):
    assert main(["ledger", *argv]) == 2
    assert "must be between" in capsys.readouterr().err


def test_checkpoint_command_prints_a_signed_note(log_of_ten, capsys):
    assert main(["ledger", "checkpoint"]) == 0
    note = capsys.readouterr().out
    checkpoint = open_checkpoint(note, parse_vkey(ledger_signer().verifier.vkey))
    assert checkpoint.size == 10


def test_http_checkpoint_tiles_and_proofs_let_an_outsider_verify(client, log_of_ten):
    note = client.get("/transparency/log/checkpoint").content.decode()
    vkey = client.get("/transparency/log/vkey").content.decode()
    checkpoint = open_checkpoint(note, parse_vkey(vkey))
    hashes = client.get("/transparency/log/tile/0/000.p/10").content
    assert hashes == b"".join(leaf_hashes(leaves_upto(size=10)))
    bundle = client.get("/transparency/log/tile/entries/000.p/10").content
    assert decode_entry_bundle(bundle) == leaves_upto(size=10)
    proof = client.get("/api/v1/ledger/proof/inclusion", {"index": 7}).json()
    verify_inclusion(
        hashes[7 * 32 : 8 * 32],
        7,
        proof["size"],
        [_b64(p) for p in proof["proof"]],
        checkpoint.root_hash,
    )
    consistency = client.get("/api/v1/ledger/proof/consistency", {"from": 2}).json()
    assert consistency["to"] == 10


@pytest.mark.parametrize(
    "path", ["tile/0/000", "tile/0/000.p/11", "tile/1/000.p/1", "tile/../../etc/passwd", "tile/0/0"]
)
def test_http_tiles_outside_the_log_are_404(client, log_of_ten, path):
    assert client.get(f"/transparency/log/{path}").status_code == 404


def test_http_proof_out_of_range_is_a_clear_400(client, log_of_ten):
    response = client.get("/api/v1/ledger/proof/inclusion", {"index": 99})
    assert response.status_code == 400
    assert "must be between" in response.json()["detail"]


def test_http_checkpoint_before_any_signature_is_404(client, db):
    assert client.get("/transparency/log/checkpoint").status_code == 404


def test_keys_are_generated_once_with_mode_0600(settings, tmp_path):
    settings.HAVEN_DATA_DIR = tmp_path
    forget_cached_keys()
    try:
        signer, key = ledger_signer(), pseudonym_key()
        for name in ("signing.key", "pseudonym.key"):
            assert stat.S_IMODE((tmp_path / "ledger" / name).stat().st_mode) == 0o600
        forget_cached_keys()
        assert ledger_signer().verifier.vkey == signer.verifier.vkey
        assert pseudonym_key() == key
    finally:
        forget_cached_keys()


def test_signing_key_can_come_from_the_environment(settings, monkeypatch):
    from haven.ledger.note import generate_signer
    from haven.web.ledger.keys import ledger_origin
    from haven.web.settings import environment

    supplied = generate_signer("ops.example/haven")
    monkeypatch.setenv("HAVEN_LEDGER_SIGNING_KEY", supplied.to_skey())
    monkeypatch.setenv("HAVEN_PSEUDONYM_KEY", "ab" * 32)
    monkeypatch.setenv("HAVEN_LEDGER_ORIGIN", "ops.example/haven")
    # settings/environment.py reads the variables; keys.py reads the settings.
    settings.HAVEN_LEDGER_SIGNING_KEY = environment.ledger_signing_key()
    settings.HAVEN_PSEUDONYM_KEY = environment.pseudonym_key()
    settings.HAVEN_LEDGER_ORIGIN = environment.ledger_origin()
    forget_cached_keys()
    try:
        assert ledger_signer().verifier.vkey == supplied.verifier.vkey
        assert pseudonym_key() == bytes.fromhex("ab" * 32)
        assert ledger_origin() == "ops.example/haven"
    finally:
        forget_cached_keys()


def test_contract_report_received_leaf_reveals_nothing_about_the_report(met):
    from haven.web.ledger.models import LedgerEntry
    from haven.web.ledger.selectors import entry_event

    report = report_create(
        force=met,
        offence="honour_based_abuse",
        account="He took my passport; call me on 07700 900123.",
        people=[PersonInReport(role="victim", label="the caller", name="Amina Example")],
        channel=Channel.PORTAL,
    )
    (leaf,) = leaves_upto(size=1)
    public = json.loads(leaf)
    assert set(public) == {"v", "kind", "day", "commitment"}
    assert public["kind"] == "report_received"
    text = leaf.decode()
    for secret in (
        "Amina", "passport", "07700", "the caller", report.reference, "honour",
        "metropolitan", "portal", "victim", report.received_at.strftime("%H:%M"),
    ):  # fmt: skip
        assert secret not in text
    # The full event, opened from its sealed row, still holds only pseudonyms and codes.
    event = entry_event(LedgerEntry.objects.get())
    assert event["payload"]["report"].startswith("report_")
    assert event["payload"]["people"][0]["person"].startswith("person_")
    for secret in ("Amina", "passport", "07700", "the caller", report.reference):
        assert secret not in json.dumps(event)


def test_key_rotation_is_announced_in_the_log_and_vouched_for_by_the_old_key(
    settings, tmp_path, log_of_ten, capsys
):
    from haven.ledger.commitments import parse_leaf
    from haven.web.ledger.models import LedgerCheckpoint

    settings.HAVEN_DATA_DIR = tmp_path
    forget_cached_keys()
    try:
        old_vkey = ledger_signer().verifier.vkey
        assert main(["ledger", "rotate-key"]) == 0
        new_vkey = ledger_signer().verifier.vkey
        assert new_vkey != old_vkey
        announcement = parse_leaf(leaves_upto(size=11)[10]).event or {}
        assert announcement["kind"] == "key_rotation"
        assert announcement["payload"]["new_vkey"] == new_vkey
        signed_by = {
            vkey: open_checkpoint(row.note, parse_vkey(vkey)).size
            for vkey in (old_vkey, new_vkey)
            for row in LedgerCheckpoint.objects.filter(
                size=11, key_id=parse_vkey(vkey).key_id.hex()
            )
        }
        assert signed_by == {old_vkey: 11, new_vkey: 11}
        assert stat.S_IMODE((tmp_path / "ledger" / "signing.key").stat().st_mode) == 0o600
        capsys.readouterr()
        assert main(["ledger", "export", str(tmp_path / "out")]) == 0
        assert main(["ledger", "verify", str(tmp_path / "out"), "--vkey", new_vkey]) == 0
        # The old key no longer signs: verify names it and the entry that retired it.
        capsys.readouterr()
        assert main(["ledger", "verify", str(tmp_path / "out"), "--vkey", old_vkey]) == 2
        line = capsys.readouterr().err.strip()
        old_id = parse_vkey(old_vkey).key_id.hex()
        assert old_id in line and "key_rotation entry at log position 10" in line
        assert main(["ledger", "verify", str(tmp_path / "out"), "--vkey", old_vkey, "--json"]) == 2
        result = json.loads(capsys.readouterr().out)
        assert (result["reason"], result["key_id"], result["rotation_position"]) == (
            "retired_key",
            old_id,
            10,
        )
        assert result["new_vkey"] == new_vkey
    finally:
        forget_cached_keys()


def test_rotating_an_environment_key_needs_a_file_and_changes_nothing_without_one(
    log_of_ten, settings, capsys
):
    from haven.ledger.note import generate_signer

    settings.HAVEN_LEDGER_SIGNING_KEY = generate_signer("ops.example/haven").to_skey()
    forget_cached_keys()
    try:
        assert main(["ledger", "rotate-key"]) == 2
        assert "HAVEN_LEDGER_SIGNING_KEY" in capsys.readouterr().err
        assert len(leaves_upto(size=100)) == 10
    finally:
        forget_cached_keys()


def test_a_rotation_that_cannot_be_announced_leaves_no_new_key_behind(
    settings, tmp_path, log_of_ten, monkeypatch, capsys
):
    from django.db import OperationalError

    from haven.web.ledger import services

    def database_gone(event, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    settings.HAVEN_DATA_DIR = tmp_path
    forget_cached_keys()
    try:
        before = ledger_signer().verifier.vkey
        monkeypatch.setattr(services, "ledger_record", database_gone)
        assert main(["ledger", "rotate-key"]) == 2
        assert "cannot use the database" in capsys.readouterr().err
        assert not (tmp_path / "ledger" / "signing.key.next").exists()
        forget_cached_keys()
        assert ledger_signer().verifier.vkey == before
    finally:
        forget_cached_keys()
