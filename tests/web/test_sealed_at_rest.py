"""Personal data sealed at rest, every read and change on the record, retention and rotation."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.urls import reverse

from haven.privacy import (
    Binding,
    KekId,
    KeyDestroyedError,
    TamperedError,
    rewrap,
    wrapped_kek_id,
)
from haven.web import key_rotation
from haven.web.accounts.models import Role
from haven.web.accounts.services import membership_grant, user_create
from haven.web.key_rotation import kek_usage, keys_rotate
from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.selectors import entries_about, entry_event
from haven.web.reporting.models import (
    Channel,
    Report,
    ReportPerson,
    RetentionSchedule,
    SealedNote,
    Stage,
)
from haven.web.reporting.selectors import report_content
from haven.web.reporting.services import (
    PersonInReport,
    report_create,
    report_person_add,
    report_person_remove,
    report_person_update,
    report_pseudonym,
    report_stage_change,
    retention_shred,
    sealed_note_record,
    staff_pseudonym,
)
from haven.web.sealing import forget_site_keyring, site_keyring
from tests.web.conftest import PASSWORD, with_authenticator


def events(report: Report, kind: str) -> list[dict]:
    return [
        entry_event(entry)["payload"]
        for entry in entries_about(subject=report_pseudonym(report), kinds=(kind,))
    ]


# --- reads ---------------------------------------------------------------------------------


def test_viewing_a_report_records_exactly_one_read_naming_the_viewer(client, officer, report):
    client.force_login(officer)
    before = LedgerEntry.objects.count()
    response = client.get(reverse("reporting:report-show", args=[report.reference]))
    assert response.status_code == 200
    assert "He took my passport." in response.content.decode()
    assert LedgerEntry.objects.count() == before + 1
    [read] = events(report, "report_read")
    assert read == {
        "report": report_pseudonym(report),
        "reader": staff_pseudonym(officer),
        "reader_role": "officer",
    }


def test_the_report_list_opens_no_content_and_records_no_read(client, officer, report):
    client.force_login(officer)
    response = client.get(reverse("reporting:report-index"))
    assert response.status_code == 200
    assert "He took my passport." not in response.content.decode()
    assert events(report, "report_read") == []


def test_a_report_of_another_force_is_not_found_and_not_read(client, kent_officer, report):
    client.force_login(kent_officer)
    response = client.get(reverse("reporting:report-show", args=[report.reference]))
    assert response.status_code == 404
    assert events(report, "report_read") == []


# --- changes -------------------------------------------------------------------------------


def test_stage_changes_and_changes_to_people_are_recorded(report, officer):
    report_stage_change(report=report, stage=Stage.INVESTIGATION, by=officer)
    person = report_person_add(
        report=report, person=PersonInReport(role="witness", label="a neighbour"), by=officer
    )
    report_person_update(person=person, label="the neighbour", name="", role="witness", by=officer)
    report_person_remove(person=person, by=officer)
    [stage] = events(report, "report_stage_changed")
    assert stage["stage_from"] == "report" and stage["stage_to"] == "investigation"
    assert stage["by"] == staff_pseudonym(officer)
    changes = [e["change"] for e in events(report, "report_people_changed")]
    assert changes == ["added", "updated", "removed"]


def test_a_label_moved_to_another_person_of_the_same_report_does_not_open(report):
    victim, suspect = report.people.all()
    ReportPerson.objects.filter(pk=suspect.pk).update(label=victim.label)
    with pytest.raises(TamperedError):
        ReportPerson.objects.select_related("report").get(pk=suspect.pk).unseal_text("label")


def test_people_are_sealed_and_validated(report, officer):
    with pytest.raises(ValidationError):
        report_person_add(
            report=report, person=PersonInReport(role="witness", label=""), by=officer
        )
    with pytest.raises(ValidationError):
        report_person_add(
            report=report, person=PersonInReport(role="bystander", label="x"), by=officer
        )
    row = report_person_add(
        report=report, person=PersonInReport(role="witness", label="Mrs Okafor"), by=officer
    )
    assert b"Okafor" not in bytes(row.label)
    assert ReportPerson.objects.get(pk=row.pk).unseal_text("label") == "Mrs Okafor"


# --- tampering -----------------------------------------------------------------------------


def test_a_ciphertext_swapped_between_reports_fails_to_open(met, report):
    from haven.web.reporting.services import report_create

    other = report_create(
        force=met,
        offence="other",
        account="Someone else's account.",
        people=[PersonInReport(role="victim", label="me")],
        channel="portal",
    )
    Report.objects.filter(pk=report.pk).update(account=other.account)
    with pytest.raises(TamperedError):
        report_content(report=Report.objects.get(pk=report.pk))


# --- the sealed compartment ---------------------------------------------------------------


def test_a_sealed_note_has_its_own_keys_and_refuses_impossible_combinations(report, officer):
    note = sealed_note_record(
        report=report,
        recorded_by=officer,
        status_concern="doubt",
        status_source="suspect",
        note="Her husband says her visa ran out.",
    )
    assert b"visa" not in bytes(note.note)
    from haven.privacy import wrapped_kek_id

    assert wrapped_kek_id(bytes(note.wrapped_key)).compartment == "sealed"
    assert wrapped_kek_id(bytes(report.wrapped_key)).compartment == "personal"
    with pytest.raises(ValidationError, match="always has a source"):
        sealed_note_record(
            report=report, recorded_by=officer, status_concern="doubt", status_source="none"
        )


# --- retention -----------------------------------------------------------------------------


def test_concluding_starts_the_clock_and_reopening_stops_it(report, officer, met):
    RetentionSchedule.objects.create(force=met, days=30)
    report_stage_change(report=report, stage=Stage.CONCLUDED, by=officer)
    report.refresh_from_db()
    assert report.shred_on == report.concluded_on + timedelta(days=30)
    assert kek_scopes(report) == {report.shred_on.isoformat()}
    report_stage_change(report=report, stage=Stage.INVESTIGATION, by=officer)
    report.refresh_from_db()
    assert report.shred_on is None and kek_scopes(report) == {"open"}


def kek_scopes(report: Report) -> set[str]:
    from haven.privacy import wrapped_kek_id

    # People share their report's key: the report and its sealed notes hold keys.
    assert all(bytes(person.wrapped_key) == b"" for person in report.people.all())
    rows = [report, *report.sealed_notes.all()]
    return {wrapped_kek_id(bytes(row.wrapped_key)).scope for row in rows}


def test_an_open_case_is_never_shredded(report):
    result = retention_shred(today=date(2099, 1, 1))
    assert result.reports == 0
    assert report_content(report=Report.objects.get(pk=report.pk)).account


def test_shredding_makes_a_restored_backup_unreadable(client, report, officer, met):
    RetentionSchedule.objects.create(force=met, days=1)
    sealed_note_record(
        report=report, recorded_by=officer, status_concern="suspected", status_source="records"
    )
    report_stage_change(report=report, stage=Stage.CONCLUDED, by=officer)
    report.refresh_from_db()
    backup = {
        "report": (report.wrapped_key, report.account),
        "people": list(report.people.values_list("pk", "label")),
    }
    early = retention_shred(today=report.shred_on - timedelta(days=1))
    assert early.reports == 0
    result = retention_shred(today=report.shred_on)
    assert result.reports == 1 and result.dates == (report.shred_on,)
    report.refresh_from_db()
    assert report.destroyed_on == report.shred_on
    # Restore the rows from the backup copy: the keys are gone, so nothing opens.
    Report.objects.filter(pk=report.pk).update(
        wrapped_key=backup["report"][0], account=backup["report"][1]
    )
    forget_site_keyring()
    with pytest.raises(KeyDestroyedError):
        Report.objects.get(pk=report.pk).unseal_text("account")
    for pk, label in backup["people"]:
        ReportPerson.objects.filter(pk=pk).update(label=label)
        with pytest.raises(KeyDestroyedError):
            ReportPerson.objects.get(pk=pk).unseal_text("label")
    [destroyed] = events(report, "records_destroyed")
    assert destroyed["shred_date"] == report.shred_on.isoformat()
    # The page says so, and records no read.
    client.force_login(officer)
    page = client.get(reverse("reporting:report-show", args=[report.reference])).content.decode()
    assert "destroyed under the retention schedule on" in page
    assert events(report, "report_read") == []
    assert retention_shred(today=report.shred_on).reports == 0  # idempotent
    with pytest.raises(ValidationError, match="destroyed"):
        report_stage_change(report=report, stage=Stage.INVESTIGATION, by=officer)
    assert SealedNote.objects.get(report=report).note == b""


# --- rotation ------------------------------------------------------------------------------


def test_rotation_rewraps_every_record_and_the_old_keys_go_unused(report, officer):
    sealed_note_record(
        report=report, recorded_by=officer, status_concern="doubt", status_source="officer"
    )
    accounts_before = bytes(Report.objects.get(pk=report.pk).account)
    before = kek_usage()
    # The keys in use: v1 on a fresh key directory, later if an earlier test in this
    # process rotated already (the test settings share one key directory a process).
    olds = {kek for kek in before if kek.startswith(("personal/open/", "sealed/open/"))}
    assert {kek.rsplit("/", 1)[0] for kek in olds} == {"personal/open", "sealed/open"}
    result = keys_rotate()
    for old in olds:
        scope, version = old.rsplit("/v", 1)
        assert result.rotated[old] == f"{scope}/v{int(version) + 1}"
    after = kek_usage()
    assert not set(after) & olds
    assert sum(after.values()) == sum(before.values())
    forget_site_keyring()
    fresh = Report.objects.get(pk=report.pk)
    assert bytes(fresh.account) == accounts_before  # no field was re-encrypted
    assert report_content(report=fresh).account == "He took my passport."
    rotation_events = [
        entry_event(entry)["payload"] for entry in LedgerEntry.objects.filter(kind="key_rotation")
    ]
    assert {e["old_key_id"] for e in rotation_events} >= olds


def _wrap_back_under(report: Report, old: str) -> None:
    """Put one report's data key back under an old KEK, as a process still holding the
    old keyring would write it while a rotation runs."""
    row = Report.objects.get(pk=report.pk)
    binding = Binding(Report._meta.db_table, str(row.seal_id))
    wrapped = rewrap(site_keyring(), binding, bytes(row.wrapped_key), KekId.parse(old))
    Report.objects.filter(pk=report.pk).update(wrapped_key=wrapped)


def test_a_row_written_under_the_old_key_during_rotation_is_moved_by_the_second_pass(
    report, monkeypatch
):
    old = str(wrapped_kek_id(Report.objects.get(pk=report.pk).wrapped_key))
    passes = []
    first_pass = key_rotation._rewrap_pass

    def pass_then_stale_write(*args):  # type: ignore[no-untyped-def]
        moved = first_pass(*args)
        passes.append(moved)
        if len(passes) == 1:
            _wrap_back_under(report, old)
        return moved

    monkeypatch.setattr(key_rotation, "_rewrap_pass", pass_then_stale_write)
    result = keys_rotate()
    assert passes[1] == 1  # the second pass read and moved only the stale row
    assert old in result.rotated
    assert old not in kek_usage()
    forget_site_keyring()
    assert report_content(report=Report.objects.get(pk=report.pk)).account == "He took my passport."


def test_rotation_retires_no_key_while_a_row_still_uses_an_old_one(report, monkeypatch):
    old = str(wrapped_kek_id(Report.objects.get(pk=report.pk).wrapped_key))
    passes = []
    first_pass = key_rotation._rewrap_pass

    def stale_write_after_each_pass(*args):  # type: ignore[no-untyped-def]
        moved = first_pass(*args)
        passes.append(moved)
        _wrap_back_under(report, old)
        return moved

    monkeypatch.setattr(key_rotation, "_rewrap_pass", stale_write_after_each_pass)
    with pytest.raises(RuntimeError, match=f"still wrapped under {old}"):
        keys_rotate()
    assert not LedgerEntry.objects.filter(kind="key_rotation").exists()
    forget_site_keyring()
    assert report_content(report=Report.objects.get(pk=report.pk)).account == "He took my passport."


@pytest.mark.django_db(transaction=True)
def test_rotation_outside_a_transaction_writes_batches_on_the_side_and_all_of_them_land(
    met, monkeypatch
):
    """The command's path: on PostgreSQL, batches written by a second connection."""
    monkeypatch.setattr(key_rotation, "BATCH", 2)
    made = [
        report_create(
            force=met,
            offence="other",
            account=f"account {n}",
            people=[PersonInReport(role="victim", label="the caller")],
            channel=Channel.PORTAL,
        )
        for n in range(7)
    ]
    old = str(wrapped_kek_id(Report.objects.get(pk=made[0].pk).wrapped_key))
    threads = []
    write = key_rotation._write_wrapped_keys

    def write_noting_the_thread(model, updates):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        write(model, updates)

    monkeypatch.setattr(key_rotation, "_write_wrapped_keys", write_noting_the_thread)
    result = keys_rotate()
    assert old in result.rotated
    assert old not in kek_usage()
    assert len(threads) >= 4  # 7 reports and their people, 2 rows a batch
    if connection.vendor == "postgresql":
        assert all(name.startswith("haven-keys-rotate") for name in threads)
    else:
        assert threads == [threading.current_thread().name] * len(threads)
    forget_site_keyring()
    for n, report in enumerate(made):
        assert report_content(report=Report.objects.get(pk=report.pk)).account == f"account {n}"


@pytest.mark.django_db(transaction=True)
def test_a_failed_batch_write_stops_the_rotation_and_retires_nothing(met, monkeypatch):
    monkeypatch.setattr(key_rotation, "BATCH", 2)
    made = [
        report_create(
            force=met,
            offence="other",
            account=f"account {n}",
            people=[PersonInReport(role="victim", label="the caller")],
            channel=Channel.PORTAL,
        )
        for n in range(5)
    ]
    writes = []
    write = key_rotation._write_wrapped_keys

    def second_write_fails(model, updates):  # type: ignore[no-untyped-def]
        writes.append(len(updates))
        if len(writes) == 2:
            raise DatabaseError("the disk is full")
        write(model, updates)

    monkeypatch.setattr(key_rotation, "_write_wrapped_keys", second_write_fails)
    with pytest.raises(DatabaseError, match="the disk is full"):
        keys_rotate()
    assert not LedgerEntry.objects.filter(kind="key_rotation").exists()
    forget_site_keyring()
    for n, report in enumerate(made):
        assert report_content(report=Report.objects.get(pk=report.pk)).account == f"account {n}"


# --- auditors --------------------------------------------------------------------------------


def test_an_auditor_can_list_who_read_a_report_without_seeing_its_content(
    client, officer, auditor, report
):
    client.force_login(officer)
    client.get(reverse("reporting:report-show", args=[report.reference]))
    client.force_login(auditor)
    page = client.get(reverse("oversight:report-audit", args=[report.reference]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "officer" in text  # the reader, by username, and their role
    assert "report_read" in text and "report_received" in text
    for secret in ("He took my passport", "the caller", "husband"):
        assert secret not in text
    # The auditor still cannot open the report itself.
    assert client.get(reverse("reporting:report-show", args=[report.reference])).status_code == 404


def test_the_audit_page_is_only_for_auditors_of_the_report_s_force(client, kent_officer, report):
    client.force_login(kent_officer)
    response = client.get(reverse("oversight:report-audit", args=[report.reference]))
    assert response.status_code == 404


def test_an_auditor_lists_the_readers_of_a_report_an_advocate_made(
    client, kent, kent_officer, advocate_report
):
    auditor = user_create(username="kent-auditor", password=PASSWORD)
    membership_grant(user=auditor, force=kent, role=Role.AUDITOR)
    client.force_login(with_authenticator(auditor))
    client.force_login(kent_officer)
    client.get(reverse("reporting:report-show", args=[advocate_report.reference]))
    client.force_login(auditor)
    page = client.get(reverse("oversight:report-audit", args=[advocate_report.reference]))
    assert page.status_code == 200
    assert "kent-officer" in page.content.decode()
