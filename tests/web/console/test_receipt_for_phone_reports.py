"""A report an officer takes by phone or at a front desk: the officer gives the reporter
their first receipt code, and with it the reporter follows the report on the portal's
follow-up page (stage, messages, their disclosure log), like a portal reporter."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from haven.web.ledger.models import LedgerEntry
from haven.web.portal import codes
from haven.web.portal.disclosure_log import disclosure_log
from haven.web.portal.models import ReceiptCode, Reporter, WayIn
from haven.web.portal.services import receipt_code_issue_by_force
from haven.web.reporting.models import Report
from tests.web.console.helpers import events, visible_text
from tests.web.console.test_record import ANSWERS, RECORD

ANSWERS_WITH_A_WITNESS = ANSWERS | {
    "other_2_role": "witness",
    "other_2_label": "her neighbour",
    "other_2_name": "",
}


def issue_url(report: Report) -> str:
    return reverse("reporting:report-code-issue", args=[report.reference])


def case_url(report: Report) -> str:
    return reverse("reporting:report-show", args=[report.reference])


def recorded(client, officer, answers=ANSWERS) -> Report:
    """The officer records a phone report (the caller, a victim; her employer, a suspect)."""
    client.force_login(officer)
    response = client.post(RECORD, answers)
    assert response.status_code == 302
    return Report.objects.get()


def person(report: Report, role: str):
    return report.people.get(role=role)


def the_code(page: str) -> str:
    """The code shown on the officer's page (four groups of four)."""
    return re.search(r'<div class="govuk-panel__body"><strong lang="en">([^<]+)</strong>', page)[1]


def reads(report: Report) -> int:
    return len(events(report, "report_read"))


def test_the_whole_path_from_the_phone_call_to_the_follow_up_page(client, officer, met):
    report = recorded(client, officer)
    # The record's success path says what to do next, and the case page leads there.
    case = client.get(case_url(report)).content.decode()
    assert "Now give the reporter a receipt code" in case
    assert "The reporter has no receipt code yet." in visible_text(case)
    assert issue_url(report) in case
    # The choice lists the victim and witnesses by label and role in words (not the suspect).
    choice = client.get(issue_url(report)).content.decode()
    assert "the caller (victim)" in choice
    assert "her employer" not in choice and "(suspect)" not in choice
    caller = person(report, "victim")
    response = client.post(issue_url(report), {"person": caller.pk, "verified": "yes"})
    assert response.status_code == 200
    page = response.content.decode()
    code = the_code(page)
    assert codes.normalise(code) is not None
    assert "/report/follow-up/" in page and "Read the code out" in page
    assert "The old code no longer works" not in page
    # Nothing about the code is kept but its hash; the caller is now the report's reporter.
    [receipt] = ReceiptCode.objects.filter(report=report)
    assert receipt.live and receipt.digest == codes.digest(codes.normalise(code))
    reporter = Reporter.objects.get(report=report)
    assert (reporter.person, reporter.way_in) == (caller, WayIn.VICTIM)
    assert reporter.unseal_text("support") == "[]"
    # The officer moves the case on and writes to the reporter.
    client.post(
        reverse("reporting:report-stage", args=[report.reference]), {"stage": "investigation"}
    )
    client.post(
        reverse("reporting:report-message", args=[report.reference]),
        {"text": "We will call you on Tuesday after 6pm"},
    )
    # The case page no longer offers a first code, but offers to replace it.
    case = client.get(case_url(report)).content.decode()
    assert issue_url(report) not in case
    assert reverse("reporting:report-code-replace", args=[report.reference]) in case
    # The reporter, on their own browser, enters the code they were read.
    reporter_client = Client()
    entered = reporter_client.post(reverse("portal:followup-start"), {"code": code.lower()})
    assert entered.status_code == 302 and entered["Location"] == reverse("portal:followup-show")
    followup = visible_text(reporter_client.get(reverse("portal:followup-show")).content.decode())
    assert "The police are investigating what you reported." in followup
    assert "We will call you on Tuesday after 6pm" in followup
    assert "Your receipt code was issued." in followup
    # Their log: the code was issued by a police officer, not by them or by Haven.
    issued = [
        line for line in disclosure_log(report) if line.what == "Your receipt code was issued."
    ]
    assert [line.who for line in issued] == ["A police officer"]
    # And the reporter can write back.
    sent = reporter_client.post(reverse("portal:followup-message"), {"text": "Tuesday is fine"})
    assert sent.status_code == 302
    case = client.get(case_url(report)).content.decode()
    assert "Tuesday is fine" in case


def test_the_issue_is_ledgered_by_the_officer(client, officer, met):
    report = recorded(client, officer)
    client.post(issue_url(report), {"person": person(report, "victim").pk, "verified": "yes"})
    [event] = events(report, "receipt_code_changed")
    assert event["change"] == "issued" and event["via"] == "force"
    assert event["by"] not in ("reporter", "system", officer.username)
    timeline = visible_text(client.get(case_url(report)).content.decode())
    assert "The reporter's receipt code was issued." in timeline


def test_a_witness_can_be_the_one_given_the_code(client, officer, met):
    report = recorded(client, officer, ANSWERS_WITH_A_WITNESS)
    witness = person(report, "witness")
    assert "her neighbour (witness)" in client.get(issue_url(report)).content.decode()
    client.post(issue_url(report), {"person": witness.pk, "verified": "yes"})
    reporter = Reporter.objects.get(report=report)
    assert (reporter.person, reporter.way_in) == (witness, WayIn.WITNESS)


def test_the_choice_page_records_exactly_one_read(client, officer, met):
    report = recorded(client, officer)
    before = reads(report)
    client.get(issue_url(report))
    assert reads(report) == before + 1
    client.post(issue_url(report), {"person": person(report, "victim").pk})  # no tick
    assert reads(report) == before + 2


def test_no_tick_is_an_error_and_changes_nothing(client, officer, met):
    report = recorded(client, officer)
    entries = LedgerEntry.objects.exclude(kind="report_read").count()
    response = client.post(issue_url(report), {"person": person(report, "victim").pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Confirm that you have checked who you are talking to" in page
    assert "govuk-error-summary" in page and "<title>Error:" in page
    assert not ReceiptCode.objects.exists() and not Reporter.objects.exists()
    assert LedgerEntry.objects.exclude(kind="report_read").count() == entries


def test_no_person_chosen_is_an_error_and_changes_nothing(client, officer, met):
    report = recorded(client, officer)
    page = client.post(issue_url(report), {"verified": "yes"}).content.decode()
    assert "Choose the person you are talking to" in page
    assert not ReceiptCode.objects.exists() and not Reporter.objects.exists()


def test_a_suspect_is_refused(client, officer, met):
    report = recorded(client, officer)
    suspect = person(report, "suspect")
    response = client.post(issue_url(report), {"person": suspect.pk, "verified": "yes"})
    assert response.status_code == 200
    assert "A suspect cannot be given the reporter&#x27;s receipt code" in response.content.decode()
    assert not ReceiptCode.objects.exists() and not Reporter.objects.exists()
    assert events(report, "receipt_code_changed") == []


def test_a_second_issue_is_refused(client, officer, met):
    report = recorded(client, officer)
    victim = person(report, "victim")
    client.post(issue_url(report), {"person": victim.pk, "verified": "yes"})
    again = client.post(issue_url(report), {"person": victim.pk, "verified": "yes"}, follow=True)
    assert "The reporter already has a receipt code." in visible_text(again.content.decode())
    assert ReceiptCode.objects.filter(report=report).count() == 1
    assert len(events(report, "receipt_code_changed")) == 1
    # The service refuses too (a second officer's request racing the first).
    with pytest.raises(ValidationError, match="already has a receipt code"):
        with transaction.atomic():
            receipt_code_issue_by_force(report=report, person=victim, by=officer)
    assert ReceiptCode.objects.filter(report=report).count() == 1


def test_another_forces_officer_gets_a_404_and_changes_nothing(client, officer, kent_officer, met):
    report = recorded(client, officer)
    victim = person(report, "victim")
    other = Client()
    other.force_login(kent_officer)
    assert other.get(issue_url(report)).status_code == 404
    assert (
        other.post(issue_url(report), {"person": victim.pk, "verified": "yes"}).status_code == 404
    )
    assert not ReceiptCode.objects.exists() and not Reporter.objects.exists()
    with pytest.raises(PermissionDenied):
        with transaction.atomic():
            receipt_code_issue_by_force(report=report, person=victim, by=kent_officer)
    assert not ReceiptCode.objects.exists()


def test_an_auditor_is_not_offered_it_and_cannot_issue(client, officer, auditor, met):
    report = recorded(client, officer)
    viewer = Client()
    viewer.force_login(auditor)
    assert issue_url(report) not in viewer.get(case_url(report)).content.decode()
    assert viewer.get(issue_url(report)).status_code == 404


def test_a_person_from_another_report_is_refused(client, officer, met, report):
    other_person = report.people.get(role="victim")  # of the fixture's report
    client.force_login(officer)
    assert client.post(RECORD, ANSWERS).status_code == 302
    phone_report = Report.objects.exclude(pk=report.pk).get()
    with pytest.raises(ValidationError, match="Choose someone in this report"):
        with transaction.atomic():
            receipt_code_issue_by_force(report=phone_report, person=other_person, by=officer)
    page = client.post(
        issue_url(phone_report), {"person": other_person.pk, "verified": "yes"}
    ).content.decode()
    assert "Choose the person you are talking to" in page
    assert not ReceiptCode.objects.exists()


def test_a_destroyed_report_is_refused(client, officer, met):
    report = recorded(client, officer)
    victim = person(report, "victim")
    Report.objects.filter(pk=report.pk).update(destroyed_on="2026-01-01")
    report.refresh_from_db()
    assert client.get(issue_url(report)).status_code == 404
    with pytest.raises(ValidationError, match="destroyed"):
        with transaction.atomic():
            receipt_code_issue_by_force(report=report, person=victim, by=officer)
    assert not ReceiptCode.objects.exists()


def test_a_report_with_nobody_to_give_it_to_says_so(client, officer, met):
    answers = ANSWERS | {"reporter_role": "victim"}
    report = recorded(client, officer, answers)
    with transaction.atomic():
        report.people.filter(role="victim").update(role="family_member")
    page = visible_text(client.get(issue_url(report)).content.decode())
    assert "Nobody in this report is recorded as a victim or a witness" in page
    family = person(report, "family_member")
    with pytest.raises(ValidationError, match="Only a victim or a witness"):
        with transaction.atomic():
            receipt_code_issue_by_force(report=report, person=family, by=officer)
    assert not ReceiptCode.objects.exists()
