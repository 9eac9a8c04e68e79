"""A canary: a unique string in every kind of personal data never shows up where it must not.

It goes into a report's account, a person's name, the safe-contact detail and a sealed
note, through the real services and the real report page. Then it is looked for in the
database files (SQLite and its WAL, or a `pg_dump`), every log record, the public log
and an export, and an error page.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.urls import reverse

from haven.cli import main
from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.services import checkpoint_sign
from haven.web.reporting.models import Channel, Report
from haven.web.reporting.services import PersonInReport, report_create, sealed_note_record


@pytest.fixture
def canary() -> str:
    return f"CANARY{secrets.token_hex(8).upper()}"


@pytest.fixture
def canary_report(met, officer, canary) -> Report:
    report = report_create(
        force=met,
        offence="domestic_abuse",
        account=f"He hit me. {canary} account",
        people=[
            PersonInReport(role="victim", label="the caller", name=f"{canary} name"),
            PersonInReport(role="suspect", label=f"{canary} label"),
        ],
        contact=f"Text {canary} contact after 6pm",
        channel=Channel.PORTAL,
    )
    sealed_note_record(
        report=report,
        recorded_by=officer,
        status_concern="doubt",
        status_source="suspect",
        note=f"{canary} sealed note",
    )
    return report


def database_bytes(tmp_path: Path) -> bytes:
    """Everything the database holds on disk (files) or would dump."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")  # WAL stays; read both anyway
        name = Path(connection.settings_dict["NAME"])
        return b"".join(
            Path(f"{name}{suffix}").read_bytes()
            for suffix in ("", "-wal", "-shm")
            if Path(f"{name}{suffix}").exists()
        )
    if shutil.which("pg_dump") is None:
        pytest.fail("pg_dump is needed for the PostgreSQL canary (Debian: postgresql-client)")
    settings = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "--host",
            settings["HOST"] or "127.0.0.1",
            "--port",
            str(settings["PORT"] or 5432),
            "--username",
            settings["USER"],
            "--data-only",
            settings["NAME"],
        ],  # fmt: skip
        capture_output=True,
        check=True,
    )
    return dump.stdout


@pytest.mark.django_db(transaction=True)
def test_the_canary_never_leaves_the_sealed_columns(
    client, officer, canary, canary_report, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    client.force_login(officer)
    page = client.get(reverse("reporting:report-show", args=[canary_report.reference]))
    # The officer does read the report, but nothing opens the sealed note.
    text = page.content.decode()
    assert f"{canary} account" in text and f"{canary} name" in text
    assert f"{canary} sealed note" not in text

    with transaction.atomic():
        checkpoint_sign()
    export = tmp_path / "export"
    assert main(["ledger", "export", str(export)]) == 0

    token = canary.encode()
    stored = database_bytes(tmp_path)
    assert token not in stored, "the canary is in the database in plain text"
    # pg_dump writes binary columns as hex: look for that spelling too.
    assert token.hex().encode() not in stored.lower(), "the canary is in a binary column"
    for record in caplog.records:
        assert canary not in record.getMessage()
    for leaf in LedgerEntry.objects.values_list("leaf", flat=True):
        assert token not in bytes(leaf)
    for path in export.rglob("*"):
        if path.is_file():
            assert token not in path.read_bytes(), f"the canary is in the export ({path})"


@pytest.mark.django_db(transaction=True)
def test_an_error_page_about_a_damaged_report_shows_no_canary_and_no_traceback(
    officer, canary, canary_report, caplog
):
    from django.test import Client

    other = report_create(
        force=canary_report.force,
        offence="other",
        account="another account",
        people=[PersonInReport(role="victim", label="me")],
        channel=Channel.PORTAL,
    )
    # Damage the row: its account now belongs to another report and cannot open.
    Report.objects.filter(pk=canary_report.pk).update(account=other.account)
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get(reverse("reporting:report-show", args=[canary_report.reference]))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Traceback" not in body and canary not in body
    for record in caplog.records:
        assert canary not in record.getMessage()
        if record.exc_text:
            assert canary not in record.exc_text
