"""The disclosure log: the reporter's own view of the ledger, and only of what concerns
them (never the suspect or anyone else in the report, never another report)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from haven.ledger.kinds import Decision, Disclosure, RequestStep
from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.services import ledger_record
from haven.web.portal.disclosure_log import disclosure_log
from haven.web.reporting.models import Stage
from haven.web.reporting.services import (
    person_pseudonym,
    report_pseudonym,
    report_read,
    report_stage_change,
)
from tests.web.portal.followup_helpers import portal_report


def _decision(report, person, *, recipient="immigration_enforcement", decision="deny"):
    return Decision(
        report=report_pseudonym(report),
        person=person_pseudonym(person),
        person_role=person.role,
        request="request-pseudonym-" + person.role,
        action="disclose",
        recipient=recipient,
        purpose="immigration_control",
        policy="iemvp-2023",
        version="0123456789ab",
        decision=decision,
        rules=("victims-not-shared",),
        obligations=(),
        by="staff-pseudonym",
    )


@pytest.fixture
def reported(met):
    return portal_report(met)


def _people(report):
    reporter = report.reporter.person
    suspect = report.people.get(role="suspect")
    return reporter, suspect


def test_a_decision_about_the_suspect_is_not_shown_one_about_the_reporter_is(reported):
    report, _code = reported
    reporter, suspect = _people(report)
    with transaction.atomic():
        about_suspect = ledger_record(_decision(report, suspect, decision="allow"))
        about_reporter = ledger_record(_decision(report, reporter))
        ledger_record(
            RequestStep(
                report=report_pseudonym(report),
                person=person_pseudonym(suspect),
                person_role="suspect",
                request="request-pseudonym-suspect",
                step="approved",
                by="staff-pseudonym",
            )
        )
        ledger_record(
            Disclosure(
                report=report_pseudonym(report),
                person=person_pseudonym(suspect),
                person_role="suspect",
                request="request-pseudonym-suspect",
                recipient="immigration_enforcement",
                purpose="immigration_control",
                fields=("person_name",),
                by="staff-pseudonym",
            )
        )
    lines = disclosure_log(report)
    indexes = [line.index for line in lines]
    assert about_reporter in indexes
    assert about_suspect not in indexes
    assert not any("shared with" in line.what or "approved" in line.what for line in lines)
    mine = next(line for line in lines if line.index == about_reporter)
    assert "Immigration Enforcement" in mine.what and "refused" in mine.what
    assert mine.who == "A police officer"
    assert [str(rule) for rule in mine.rules] == ["iemvp-2023: victims-not-shared"]
    assert mine.at == LedgerEntry.objects.get(position=about_reporter).recorded_at


def test_the_filter_is_by_person_not_by_role(met):
    """A second victim in the same report is someone else: their decisions are not shown."""
    from haven.web.reporting.models import ReportPerson

    report, _code = portal_report(met)
    other = ReportPerson(report=report, role="victim")
    other.seal_text("label", "her sister")
    other.seal_text("name", "")
    other.save()
    with transaction.atomic():
        position = ledger_record(_decision(report, other))
    assert position not in [line.index for line in disclosure_log(report)]


def test_a_read_by_an_officer_shows_the_role_never_the_name(client, reported, met):
    from haven.web.accounts.models import Role
    from tests.web.conftest import _staff

    officer = _staff("constable-jane-doe", met, Role.OFFICER)
    report, code = reported
    with transaction.atomic():
        report_read(report=report, reader=officer, reader_role="officer")
    line = next(line for line in disclosure_log(report) if "read" in line.what)
    assert line.what == "A police officer read your report."
    assert line.who == "A police officer"
    client.post(reverse("portal:followup-start"), {"code": code})
    page = client.get(reverse("portal:followup-show")).content.decode()
    assert "A police officer read your report." in page
    assert officer.username not in page
    from haven.web.accounts.services import staff_pseudonym

    assert staff_pseudonym(officer) not in page


def test_the_log_holds_this_reports_events_only_with_their_public_index(reported, met, officer):
    report, _code = reported
    other, _ = portal_report(met)
    with transaction.atomic():
        theirs = ledger_record(_decision(other, other.reporter.person))
        report_stage_change(report=report, stage=Stage.INVESTIGATION, by=officer)
    lines = disclosure_log(report)
    assert theirs not in [line.index for line in lines]
    ours = {
        entry.position for entry in LedgerEntry.objects.filter(subject=report_pseudonym(report))
    }
    assert {line.index for line in lines} == ours  # nothing here is about anyone else
    kinds = [line.what for line in lines]
    assert kinds[0] == "Your report was received."
    assert "Your receipt code was issued." in kinds
    assert "Your report moved from “Reported” to “Under investigation”." in kinds


def test_the_report_received_line_does_not_list_the_people(reported):
    report, _code = reported
    first = disclosure_log(report)[0]
    assert first.what == "Your report was received." and first.who == "You"
    assert "suspect" not in first.what.lower()


def test_a_report_whose_reporter_was_removed_shows_no_person_events(reported):
    report, _code = reported
    reporter, _suspect = _people(report)
    with transaction.atomic():
        position = ledger_record(_decision(report, reporter))
    report.reporter.person = None
    report.reporter.save()
    report.refresh_from_db()
    assert position not in [line.index for line in disclosure_log(report)]


def test_a_shipped_rule_is_cited_with_its_summary_and_source(client, reported):
    from haven.policy.registry import load_policy

    report, code = reported
    reporter, _suspect = _people(report)
    rule = load_policy("iemvp-2023").rules[0]
    event = _decision(report, reporter)
    with transaction.atomic():
        ledger_record(Decision(**{**event.payload(), "rules": (rule.id,), "obligations": ()}))
    line = next(line for line in disclosure_log(report) if line.rules)
    assert line.rules[0].summary == rule.summary and line.rules[0].source == rule.source
    client.post(reverse("portal:followup-start"), {"code": code})
    page = client.get(reverse("portal:followup-show")).content.decode()
    from django.utils.html import escape

    assert escape(rule.summary) in page
    assert f"Rule {rule.id} of policy iemvp-2023" in page


def test_through_the_gateway_requests_about_the_suspect_never_reach_the_reporters_log(
    met, reported, officer
):
    """Real decided requests (sealed access, decision, steps, disclosure) about both people."""
    from haven.web.ledger.selectors import entries_about, entry_event
    from haven.web.sharing.models import Status
    from haven.web.sharing.services import OfficerAnswers, decision_request_create, package_build

    met.active_policy = "npcc-2018"
    met.save(update_fields=["active_policy"])
    report, _code = reported
    reporter, suspect = _people(report)
    for person in (reporter, suspect):
        request = decision_request_create(
            report=report,
            person=person,
            action="disclose",
            answers=OfficerAnswers(purpose="investigation", recipient="police"),
            by=officer,
            rationale="To progress the investigation.",
        )
        if request.status == Status.APPROVED:
            package_build(request=request, by=officer)
    about = {"reporter": set(), "suspect": set()}
    for entry in entries_about(subject=report_pseudonym(report)):
        person = entry_event(entry)["payload"].get("person")
        if person == person_pseudonym(reporter):
            about["reporter"].add(entry.position)
        elif person == person_pseudonym(suspect):
            about["suspect"].add(entry.position)
    assert about["reporter"] and about["suspect"]
    shown = {line.index for line in disclosure_log(report)}
    assert about["reporter"] <= shown
    assert not about["suspect"] & shown
