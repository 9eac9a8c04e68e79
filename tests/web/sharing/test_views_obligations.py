"""Each obligation's workflow, end to end through the pages, under the test policy
`policies/duties.cedar` (one rule per obligation), and the reporter's disclosure log."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from haven.web.accounts.models import Role
from haven.web.ledger.models import LedgerEntry
from haven.web.portal.models import Message
from haven.web.reporting.models import Stage
from haven.web.reporting.services import report_stage_change
from haven.web.sharing.models import Approval, DecisionRequest, Status
from tests.web.conftest import _staff
from tests.web.portal.followup_helpers import dashed, portal_report
from tests.web.sharing.conftest import (
    DUTIES,
    ask,
    asked,
    download,
    kinds,
    show,
    steps,
    text,
    use_policy,
    verdict,
)

TO_SUPPORT = {"recipient": "support_service", "purpose": "safeguarding"}  # reason + supervisor
TO_POLICE = {"recipient": "police", "purpose": "investigation"}  # dual control
TO_PARTNER = {"recipient": "safeguarding_partner", "purpose": "safeguarding"}  # minimise, notify
TO_NRM = {"recipient": "nrm", "purpose": "safeguarding"}  # defer until concluded


@pytest.fixture
def reported(met):
    use_policy(met, DUTIES)
    return portal_report(met)


@pytest.fixture
def person(reported):
    return reported[0].reporter.person


def followup_log(code: str) -> str:
    reporter = Client()
    assert (
        reporter.post(reverse("portal:followup-start"), {"code": dashed(code)}).status_code == 302
    )
    return text(reporter.get(reverse("portal:followup-show")))


# --- record_rationale and supervisor_approval ------------------------------------------------


def test_a_reason_is_required_and_nothing_is_recorded_without_one(
    client, officer, reported, person
):
    report, _code = reported
    client.force_login(officer)
    response = ask(client, report, person, **TO_SUPPORT)
    assert response.status_code == 400
    assert "Give a reason: this policy requires one." in text(response)
    assert not DecisionRequest.objects.exists()
    assert "decision" not in kinds(report)


def test_reason_then_a_supervisor_approves_through_the_queue(
    client, officer, supervisor, reported, person
):
    report, code = reported
    client.force_login(officer)
    request = asked(client, report, person, rationale="She asked for a refuge place.", **TO_SUPPORT)
    assert request.status == Status.AWAITING_APPROVAL
    page = text(show(client, request))
    assert "Record the reason" in page and "A supervisor's approval" in page
    assert "The package can be downloaded once the request is approved." in page
    assert download(client, request).status_code == 302  # refused: not approved
    assert client.get(reverse("sharing:approvals")).status_code == 403  # officers have no queue

    client.force_login(supervisor)
    queue = text(client.get(reverse("sharing:approvals")))
    assert report.reference in queue and "0 of 1" in queue
    page = text(client.get(reverse("sharing:approval", args=[request.pk])))
    assert "She asked for a refuge place." in page  # the sealed reason, opened for the verdict
    assert kinds(report).count("sealed_access") == 1  # ... and that opening is ledgered
    response = verdict(client, request, reason="")
    assert response.status_code == 400 and "Give a reason for your verdict." in text(response)
    assert verdict(client, request).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.APPROVED
    assert report.reference not in text(client.get(reverse("sharing:approvals")))

    client.force_login(officer)
    assert download(client, request).status_code == 200
    assert steps(report) == ["rationale_recorded", "approved"]
    log = followup_log(code)
    assert "The officer recorded the reason for a request about you." in log
    assert "A supervisor approved a request about you." in log
    assert "Information about you was shared with Support service, for safeguarding." in log


def test_a_supervisor_cannot_approve_their_own_request(client, supervisor, reported, person):
    report, _code = reported
    client.force_login(supervisor)
    request = asked(client, report, person, rationale="Refuge.", **TO_SUPPORT)
    assert "Your request" in text(client.get(reverse("sharing:approvals")))
    page = text(client.get(reverse("sharing:approval", args=[request.pk])))
    assert "another supervisor must approve or refuse it" in page
    assert "Refuge." not in page  # not opened for someone who may not decide
    response = verdict(client, request)
    assert response.status_code == 400
    assert "Someone else must approve a request you made." in text(response)
    assert not Approval.objects.exists()


def test_an_approver_refuses_and_nothing_can_be_shared(
    client, officer, supervisor, reported, person
):
    report, code = reported
    client.force_login(officer)
    request = asked(client, report, person, rationale="Refuge.", **TO_SUPPORT)
    client.force_login(supervisor)
    assert verdict(client, request, "refuse", "Not needed: she has a place.").status_code == 302
    request.refresh_from_db()
    assert request.status == Status.REFUSED_BY_APPROVER
    client.force_login(officer)
    page = text(show(client, request))
    assert "Refused by supervisor" in page and "Download the package" not in page
    assert download(client, request).status_code == 302
    assert "disclosure" not in kinds(report)
    assert "A supervisor refused a request about you." in followup_log(code)


def test_another_forces_supervisor_sees_no_queue_entry_and_gets_a_404(
    client, officer, kent, reported, person
):
    report, _code = reported
    client.force_login(officer)
    request = asked(client, report, person, rationale="Refuge.", **TO_SUPPORT)
    client.force_login(_staff("kent-supervisor", kent, Role.SUPERVISOR))
    assert report.reference not in text(client.get(reverse("sharing:approvals")))
    assert client.get(reverse("sharing:approval", args=[request.pk])).status_code == 404
    assert verdict(client, request).status_code == 404
    assert show(client, request).status_code == 404


# --- dual_control -----------------------------------------------------------------------------


def test_dual_control_needs_two_different_approvers(
    client, officer, supervisor, second_supervisor, reported, person
):
    report, code = reported
    client.force_login(officer)
    request = asked(client, report, person, **TO_POLICE)
    assert "Two different approvers" in text(show(client, request))

    client.force_login(supervisor)
    assert verdict(client, request).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.AWAITING_SECOND_APPROVAL
    assert "You have given your verdict" in text(client.get(reverse("sharing:approvals")))
    response = verdict(client, request, reason="Again.")
    assert response.status_code == 400
    assert "a second approver must be someone else" in text(response)

    client.force_login(second_supervisor)
    assert "1 of 2" in text(client.get(reverse("sharing:approvals")))
    assert verdict(client, request).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.APPROVED
    client.force_login(officer)
    page = text(show(client, request))
    assert "Approved by supervisor, supervisor-two." in page
    assert steps(report) == ["first_approval", "approved"]
    log = followup_log(code)
    assert "A supervisor approved a request about you; it needs a second approval." in log


# --- minimise_fields and notify_subject ------------------------------------------------------


def test_minimised_package_and_the_reporter_is_told(client, officer, reported, person):
    report, code = reported
    client.force_login(officer)
    request = asked(client, report, person, **TO_PARTNER)
    page = text(show(client, request))
    assert "Share only the fields the purpose needs" in page
    assert "Haven tells the reporter when the package is downloaded." in page

    response = download(client, request)
    package = json.loads(response.content)
    assert set(package["fields"]) == {
        "reference", "offence", "person_role", "person_label", "contact",
    }  # fmt: skip
    assert "account" not in package["fields"] and "person_name" not in package["fields"]
    assert Message.objects.filter(report=report).count() == 1
    page = text(show(client, request))
    assert "The reporter was told on their follow-up page." in page

    download(client, request, "pdf")  # a second download tells them nothing new
    assert Message.objects.filter(report=report).count() == 1
    log = followup_log(code)
    assert "Information from your report was shared with Safeguarding partner" in log  # message
    assert "You were told here that information about you was shared." in log


# --- defer_until_concluded ---------------------------------------------------------------------


def test_a_deferred_request_is_held_until_the_case_concludes(client, officer, reported, person):
    report, code = reported
    client.force_login(officer)
    request = asked(client, report, person, **TO_NRM)
    assert request.status == Status.DEFERRED
    page = text(show(client, request))
    assert "Held" in page and "It moves on when the case is marked concluded." in page
    assert "The package can be downloaded once the case has concluded." in page
    assert download(client, request).status_code == 302
    assert "disclosure" not in kinds(report)

    report_stage_change(report=report, stage=Stage.CONCLUDED, by=officer)
    page = text(show(client, request))
    assert "The case has concluded." in page
    assert download(client, request).status_code == 200
    log = followup_log(code)
    assert "A request about you is held until the case concludes." in log
    assert "The case concluded, so a request about you that was held can go ahead." in log


# --- refer_to_support on a refusal, withdrawal ---------------------------------------------------


def test_a_refused_status_check_asks_for_a_referral(client, officer, reported, person):
    report, _code = reported
    client.force_login(officer)
    request = asked(client, report, person, action="status_check", purpose="immigration_control")
    assert request.status == Status.REFUSED
    page = text(show(client, request))
    assert "No status checks for immigration control" in page
    client.post(reverse("sharing:request-referral", args=[request.pk]), {"service": "Refuge"})
    assert steps(report) == ["referred_to_support"]


def test_withdrawing_a_request(client, officer, reported, person):
    report, code = reported
    client.force_login(officer)
    request = asked(client, report, person, **TO_NRM)
    assert client.post(reverse("sharing:request-withdraw", args=[request.pk])).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN
    assert "Withdraw the request" not in text(show(client, request))
    assert "A request about you was withdrawn." in followup_log(code)


# --- the package files ---------------------------------------------------------------------------


def test_each_download_is_a_ledgered_disclosure_and_never_stored(client, officer, reported, person):
    report, _code = reported
    client.force_login(officer)
    request = asked(client, report, person, **TO_PARTNER)
    pdf = download(client, request, "pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert pdf["Cache-Control"] == "no-store"
    as_json = download(client, request, "json")
    assert as_json["Content-Type"] == "application/json" and as_json["Cache-Control"] == "no-store"
    assert kinds(report).count("disclosure") == 2
    assert download(client, request, "docx").status_code == 302  # unknown: nothing recorded
    assert kinds(report).count("disclosure") == 2


def test_a_package_cannot_be_had_with_a_get(client, officer, reported, person):
    report, _code = reported
    client.force_login(officer)
    request = asked(client, report, person, **TO_PARTNER)
    assert (
        client.get(reverse("sharing:request-package", args=[request.pk, "json"])).status_code == 405
    )
    assert "disclosure" not in kinds(report)


# --- who may ask -----------------------------------------------------------------------------------


def test_other_forces_and_other_roles_get_a_404(
    client, officer, kent_officer, auditor, dpo, reported, person
):
    report, _code = reported
    client.force_login(officer)
    request = asked(client, report, person, **TO_PARTNER)
    for user in (kent_officer, auditor, dpo):
        client.force_login(user)
        assert (
            client.get(reverse("sharing:request-new", args=[report.reference])).status_code == 404
        )
        assert ask(client, report, person, **TO_PARTNER).status_code == 404
        assert show(client, request).status_code == 404
        assert download(client, request).status_code == 404
        assert (
            client.get(reverse("sharing:sealed-note", args=[report.reference])).status_code == 404
        )
    assert DecisionRequest.objects.count() == 1
    assert not LedgerEntry.objects.filter(kind="disclosure").exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, reported):
    report, _code = reported
    response = client.get(reverse("sharing:request-new", args=[report.reference]))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_a_disclosure_needs_a_recipient(client, officer, reported, person):
    report, _code = reported
    client.force_login(officer)
    response = ask(client, report, person, recipient="")
    assert response.status_code == 400
    assert "Choose who would receive the information." in text(response)
    assert not DecisionRequest.objects.exists()
