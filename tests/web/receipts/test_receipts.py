"""Promise receipts on the site (docs/receipts.md): offered only for this browser's report,
issued with a ledger event, verified by the page and by `haven receipt verify`, and
refused once any byte of the file changes."""

from __future__ import annotations

import json
import stat
import time
from datetime import timedelta

import pytest

from haven.cli import main
from haven.ledger.events import canonical_json
from haven.ledger.note import generate_signer
from haven.ledger.receipts import (
    CHECK_NAMES,
    ReceiptError,
    parse_receipt,
    sign_receipt,
    verify_receipt,
)
from haven.policy.promises import HOLDS, check
from haven.web.accounts.selectors import force_active_policy
from haven.web.ledger.keys import ledger_signer
from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.selectors import entry_event
from haven.web.ledger.services import checkpoint_sign
from haven.web.portal.selectors import (
    FOLLOWUP_SEEN_SESSION_KEY,
    FOLLOWUP_SESSION_KEY,
    SUBMITTED_SESSION_KEY,
)
from haven.web.receipts.keys import (
    forget_receipt_key,
    receipt_signer,
    receipt_verifier,
    receipt_vkey,
)
from haven.web.receipts.services import ReceiptNotReadyError, receipt_issue
from haven.web.reporting.models import Channel
from haven.web.reporting.services import PersonInReport, report_create, report_pseudonym


def _in_session(client, report, key=SUBMITTED_SESSION_KEY, value=None) -> None:
    session = client.session
    session[key] = report.pk if value is None else value
    session.save()


def _issued_entries(report) -> list[dict]:
    entries = LedgerEntry.objects.filter(subject=report_pseudonym(report), kind="receipt_issued")
    return [entry_event(entry) for entry in entries]


def _keys() -> dict:
    return {"receipt_keys": receipt_verifier(), "log_keys": ledger_signer().verifier}


@pytest.fixture
def receipt_file(report) -> bytes:
    checkpoint_sign()  # stands in for the scheduled checkpoint that covers the report
    return receipt_issue(report=report).data


# --- the offer page ---------------------------------------------------------------------


def test_without_a_report_in_this_session_the_page_says_so_and_issues_nothing(client, report):
    checkpoint_sign()
    response = client.get("/receipts/")
    assert response.status_code == 200
    assert "There is no report in this session" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    download = client.post("/receipts/download")
    assert "There is no report in this session" in download.content.decode()
    assert not _issued_entries(report)


def test_the_offer_warns_and_offers_but_issues_nothing_until_asked(client, report):
    checkpoint_sign()
    _in_session(client, report)
    response = client.get("/receipts/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Anyone who finds this receipt can tell that you made a report" in page
    assert "do not download or print it" in page
    assert 'action="/receipts/download"' in page and 'action="/receipts/print"' in page
    assert not _issued_entries(report)


def test_before_a_checkpoint_covers_the_report_it_is_not_ready(client, report):
    _in_session(client, report)
    page = client.get("/receipts/").content.decode()
    assert "Your receipt is not ready yet" in page
    assert 'action="/receipts/download"' not in page
    response = client.post("/receipts/download")
    assert response.status_code == 302 and response["Location"] == "/receipts/"
    with pytest.raises(ReceiptNotReadyError):
        receipt_issue(report=report)
    assert not _issued_entries(report)


def test_download_is_an_attachment_kept_nowhere_and_recorded_in_the_ledger(client, report):
    checkpoint_sign()
    _in_session(client, report)
    response = client.post("/receipts/download")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="promise-receipt-')
    assert response["Cache-Control"] == "no-store"
    verified = verify_receipt(response.content, **_keys())
    assert verified.receipt.report == report_pseudonym(report)
    [issued] = _issued_entries(report)
    assert issued["payload"] == {
        "report": report_pseudonym(report),
        "policy_version": verified.receipt.policy_version,
    }


def test_a_follow_up_session_gets_a_receipt_for_its_report(client, report, settings):
    from haven.web.portal import codes
    from haven.web.portal.models import ReceiptCode

    checkpoint_sign()
    code = ReceiptCode.objects.create(
        report=report, digest=codes.digest(codes.new_code()), issued_at=report.received_at
    )
    _in_session(client, report, FOLLOWUP_SESSION_KEY, code.pk)
    _in_session(client, report, FOLLOWUP_SEEN_SESSION_KEY, int(time.time()))
    response = client.post("/receipts/download")
    assert verify_receipt(response.content, **_keys()).receipt.report == report_pseudonym(report)
    # Once the follow-up has been idle too long, or its code replaced, there is none.
    _in_session(
        client,
        report,
        FOLLOWUP_SEEN_SESSION_KEY,
        int(time.time()) - (settings.HAVEN_PORTAL_FOLLOW_UP_IDLE_MINUTES + 1) * 60,
    )
    assert "There is no report in this session" in client.get("/receipts/").content.decode()
    _in_session(client, report, FOLLOWUP_SEEN_SESSION_KEY, int(time.time()))
    ReceiptCode.objects.filter(pk=code.pk).update(replaced_at=report.received_at)
    assert "There is no report in this session" in client.get("/receipts/").content.decode()
    assert len(_issued_entries(report)) == 1


def test_a_submission_counts_as_just_made_only_for_the_idle_time(client, report, settings):
    checkpoint_sign()
    _in_session(client, report)
    assert "Download the receipt" in client.get("/receipts/").content.decode()
    report.received_at -= timedelta(minutes=settings.HAVEN_PORTAL_FOLLOW_UP_IDLE_MINUTES + 1)
    report.save(update_fields=["received_at"])
    assert "There is no report in this session" in client.get("/receipts/").content.decode()
    client.post("/receipts/download")
    assert not _issued_entries(report)


def test_the_printable_page_states_the_receipt_and_holds_its_exact_text(client, report):
    checkpoint_sign()
    _in_session(client, report)
    response = client.post("/receipts/print")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Metropolitan" in page
    assert "receipts/receipt.css" in page
    start = page.index('<pre class="haven-receipt-json" lang="en"><code>') + len(
        '<pre class="haven-receipt-json" lang="en"><code>'
    )
    import html

    text = html.unescape(page[start : page.index("</code></pre>", start)])
    verified = verify_receipt(text.encode("utf-8"), **_keys())
    for promise in verified.receipt.promises:
        assert html.escape(promise.text) in page
    assert len(_issued_entries(report)) == 1


def test_the_receipt_holds_what_it_must(report, receipt_file):
    verified = verify_receipt(receipt_file, **_keys())
    receipt = verified.receipt
    compiled = force_active_policy(force=report.force)
    assert (receipt.force_code, receipt.force_name) == (report.force.code, report.force.name)
    assert receipt.policy_id == compiled.id
    assert receipt.policy_sha256 == compiled.policy.digest
    assert receipt.policy_version == compiled.version == receipt.policy_sha256[:12]
    holding = [result.promise.id for result in check(compiled) if result.status == HOLDS]
    assert [promise.id for promise in receipt.promises] == holding
    assert holding, "the default policy proves some promise, or this test proves nothing"
    assert verified.event["kind"] == "report_received"
    assert verified.event["payload"]["report"] == report_pseudonym(report)
    assert report.reference not in receipt_file.decode()


def test_only_proven_promises_appear_never_failing_or_unstated(report, receipt_file):
    compiled = force_active_policy(force=report.force)
    not_holding = {result.promise.id for result in check(compiled) if result.status != HOLDS}
    assert not_holding, "the default policy leaves some promise unproven"
    ids = {promise.id for promise in parse_receipt(receipt_file).receipt.promises}
    assert not ids & not_holding


# --- verification -------------------------------------------------------------------------


def test_the_verify_page_shows_what_a_genuine_receipt_proves(client, report, receipt_file):
    response = client.post(
        "/receipts/verify", {"receipt": _upload(receipt_file)}, format="multipart"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This promise receipt is genuine" in page
    assert report.force.name in page
    receipt = parse_receipt(receipt_file).receipt
    assert receipt.policy_version in page
    assert response["Cache-Control"] == "no-store"


def _upload(data: bytes, name: str = "promise-receipt.json"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/json")


def test_the_verify_page_names_the_check_that_failed(client, receipt_file):
    document = json.loads(receipt_file)
    document["receipt"]["force"]["name"] = "Kent Police"
    changed = canonical_json(document) + b"\n"
    response = client.post("/receipts/verify", {"receipt": _upload(changed)})
    page = response.content.decode()
    assert "This promise receipt does not check out" in page
    assert 'data-check="signature"' in page
    assert "This promise receipt is genuine" not in page


def test_the_verify_page_refuses_a_missing_or_oversized_file(client, db):
    missing = client.post("/receipts/verify", {})
    assert missing.status_code == 400
    assert "Select a promise receipt file" in missing.content.decode()
    large = client.post("/receipts/verify", {"receipt": _upload(b"{" * (64 * 1024 + 1))})
    assert large.status_code == 400
    assert "The file must be smaller than 64 KB" in large.content.decode()


def test_every_changed_byte_fails_verification(receipt_file):
    assert verify_receipt(receipt_file, **_keys())
    keys = _keys()
    for position in range(len(receipt_file)):
        changed = bytearray(receipt_file)
        changed[position] ^= 0x01
        with pytest.raises(ReceiptError):
            verify_receipt(bytes(changed), **keys)
    with pytest.raises(ReceiptError):
        verify_receipt(receipt_file[:-1], **keys)
    with pytest.raises(ReceiptError):
        verify_receipt(receipt_file + b"\n", **keys)


def test_wrong_keys_fail(receipt_file):
    other = generate_signer(receipt_signer().verifier.name).verifier
    with pytest.raises(ReceiptError) as wrong_receipt_key:
        verify_receipt(receipt_file, receipt_keys=other, log_keys=ledger_signer().verifier)
    assert wrong_receipt_key.value.check == "signature"
    with pytest.raises(ReceiptError) as checkpoint_key_as_receipt_key:
        verify_receipt(
            receipt_file, receipt_keys=ledger_signer().verifier, log_keys=ledger_signer().verifier
        )
    assert checkpoint_key_as_receipt_key.value.check == "signature"
    with pytest.raises(ReceiptError) as wrong_log_key:
        verify_receipt(
            receipt_file,
            receipt_keys=receipt_verifier(),
            log_keys=generate_signer(ledger_signer().verifier.name).verifier,
        )
    assert wrong_log_key.value.check == "checkpoint"


def test_a_receipt_for_one_report_cannot_pass_as_another(met, report, receipt_file):
    other = report_create(
        force=met,
        offence="other",
        account="Someone else's report.",
        people=[PersonInReport(role="victim", label="the caller")],
        channel=Channel.PORTAL,
    )
    checkpoint_sign()
    other_file = receipt_issue(report=other).data
    mine, theirs = parse_receipt(receipt_file).receipt, parse_receipt(other_file).receipt
    assert mine.report != theirs.report
    # Re-signed with the real receipt key, so only the proof can tell: A's name on B's entry.
    from dataclasses import replace

    for forged in (
        replace(mine, report=theirs.report),
        replace(theirs, entry=mine.entry),
    ):
        with pytest.raises(ReceiptError) as refused:
            verify_receipt(sign_receipt(forged, receipt_signer()), **_keys())
        assert refused.value.check == "event"


def test_the_receipt_key_is_its_own_published_at_receipts_key(db, client, settings, tmp_path):
    # `db`: on PostgreSQL every request opens its transaction (row-level security).
    response = client.get("/receipts/key")
    assert response.status_code == 200
    assert response.content.decode() == receipt_vkey() + "\n"
    assert receipt_vkey() != ledger_signer().verifier.vkey
    settings.HAVEN_DATA_DIR = tmp_path
    forget_receipt_key()
    try:
        key = receipt_vkey()
        path = tmp_path / "receipts" / "signing.key"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        forget_receipt_key()
        assert receipt_vkey() == key
    finally:
        forget_receipt_key()


def test_the_receipt_key_can_come_from_the_setting(settings):
    supplied = generate_signer("ops.example/receipts")
    settings.HAVEN_RECEIPT_SIGNING_KEY = supplied.to_skey()
    forget_receipt_key()
    try:
        assert receipt_vkey() == supplied.verifier.vkey
    finally:
        forget_receipt_key()


# --- the command line -----------------------------------------------------------------------


@pytest.fixture
def pinned(tmp_path, db) -> dict:
    receipt_key = tmp_path / "receipt.vkey"
    receipt_key.write_text(receipt_vkey() + "\n")
    return {"receipt": str(receipt_key), "log": ledger_signer().verifier.vkey}


def _cli(path, pinned, *extra) -> list[str]:
    return [
        "receipt",
        "verify",
        str(path),
        "--receipt-key",
        pinned["receipt"],
        "--log-key",
        pinned["log"],
        *extra,
    ]


def test_the_command_verifies_a_site_receipt_offline(tmp_path, receipt_file, pinned, capsys):
    path = tmp_path / "promise-receipt.json"
    path.write_bytes(receipt_file)
    assert main(_cli(path, pinned)) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "Metropolitan" in out
    assert main(_cli(path, pinned, "--json")) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["verified"] is True
    assert summary["report"] == parse_receipt(receipt_file).receipt.report


def test_the_command_refuses_a_changed_receipt_in_one_line(tmp_path, receipt_file, pinned, capsys):
    changed = bytearray(receipt_file)
    changed[len(changed) // 2] ^= 0x20
    path = tmp_path / "promise-receipt.json"
    path.write_bytes(bytes(changed))
    assert main(_cli(path, pinned)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("haven: the receipt does not verify (")
    assert main(_cli(path, pinned, "--json")) == 2
    failure = json.loads(capsys.readouterr().out)
    assert failure["verified"] is False and failure["check"] in CHECK_NAMES


def test_the_command_refuses_wrong_keys(tmp_path, receipt_file, pinned, capsys):
    path = tmp_path / "promise-receipt.json"
    path.write_bytes(receipt_file)
    swapped = {"receipt": pinned["log"], "log": pinned["log"]}
    assert main(_cli(path, swapped)) == 2
    assert "(signature)" in capsys.readouterr().err


def test_the_command_needs_no_database_or_site(tmp_path, receipt_file, pinned):
    import os
    import subprocess
    import sys

    path = tmp_path / "promise-receipt.json"
    path.write_bytes(receipt_file)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "HAVEN_DATA_DIR"}
    }
    environment["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
    result = subprocess.run(
        [sys.executable, "-m", "haven.cli", *_cli(path, pinned)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: a promise receipt for report_")


def test_the_command_without_pinned_keys_says_so(tmp_path, receipt_file, capsys):
    path = tmp_path / "promise-receipt.json"
    path.write_bytes(receipt_file)
    assert main(["receipt", "verify", str(path), "--log-key", "x"]) == 2
    assert "no --receipt-key given" in capsys.readouterr().err
    assert (
        main(["receipt", "verify", str(tmp_path / "missing.json"), "--receipt-key", "a+b+c"]) == 2
    )


# --- promises in the reporter's language ------------------------------------------------


def test_a_promise_is_stated_in_the_reporters_language_when_translated(report, monkeypatch):
    from haven.web.receipts import selectors

    compiled = force_active_policy(force=report.force)
    promise = selectors.proven_promises(compiled)[0]
    # A language with no translation: the promise is stated in English, and says so.
    untranslated = selectors.promise_in_language(promise, "zz")
    assert (untranslated.language, untranslated.text) == ("en", promise.english)
    monkeypatch.setattr(selectors, "gettext", lambda text: f"[cy] {text}")
    welsh = selectors.promise_in_language(promise, "cy")
    assert (welsh.language, welsh.text) == ("cy", f"[cy] {promise.english}")
    checkpoint_sign()
    from django.utils import translation

    with translation.override("cy"):
        receipt = receipt_issue(report=report).receipt
    assert {p.language for p in receipt.promises} == {"cy"}
    assert _issued_entries(report)
