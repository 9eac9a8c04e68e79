"""The force's side of the follow-up, on the officer's case page: the reporter's language
and whether they asked for an interpreter, the messages and a reply, and replacing the
reporter's receipt code once the officer is satisfied who is asking."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from haven.web.ledger.models import LedgerEntry
from haven.web.portal import codes
from haven.web.portal.models import Message, ReceiptCode
from haven.web.portal.services import message_from_reporter
from tests.web.portal.followup_helpers import portal_report


@pytest.fixture
def reported(met):
    return portal_report(met)


def case(report):
    return reverse("reporting:report-show", args=[report.reference])


def test_the_case_shows_the_language_the_interpreter_and_the_messages(client, officer, reported):
    report, _code = reported
    with transaction.atomic():
        message_from_reporter(report=report, text="Please <i>text</i> only")
    client.force_login(officer)
    page = client.get(case(report)).content.decode()
    assert "Language to contact them in" in page and "Polish" in page
    assert "Yes, they asked for an interpreter" in page
    assert "Please &lt;i&gt;text&lt;/i&gt; only" in page
    assert "Reply to the reporter" in page
    assert (
        "Replace the reporter&#x27;s receipt code" in page
        or "Replace the reporter's receipt code" in page
    )


def test_an_officers_own_report_says_nobody_asked_about_an_interpreter(client, officer, report):
    client.force_login(officer)
    page = client.get(case(report)).content.decode()
    assert "Not asked" in page and "Not given" in page
    assert reverse("reporting:report-code-replace", args=[report.reference]) not in page


def test_an_officer_replies_and_it_is_sealed_and_ledgered(client, officer, reported):
    report, code = reported
    client.force_login(officer)
    url = reverse("reporting:report-message", args=[report.reference])
    response = client.post(url, {"text": "We will call you on Tuesday"})
    assert response.status_code == 302
    message = Message.objects.get(report=report)
    assert message.sender == "force" and message.sent_by == officer
    assert b"We will call you on Tuesday" not in bytes(message.text)
    assert LedgerEntry.objects.filter(kind="message_sent").count() == 1
    reporter = client.__class__()
    reporter.post(reverse("portal:followup-start"), {"code": code})
    assert (
        "We will call you on Tuesday"
        in reporter.get(reverse("portal:followup-show")).content.decode()
    )


def test_an_empty_reply_sends_nothing(client, officer, reported):
    report, _code = reported
    client.force_login(officer)
    client.post(reverse("reporting:report-message", args=[report.reference]), {"text": "  "})
    assert Message.objects.count() == 0


def test_a_refused_reply_comes_back_in_its_box_with_the_reason(client, officer, reported):
    report, _code = reported
    client.force_login(officer)
    too_long = "We will call you on Tuesday. " * 200
    response = client.post(
        reverse("reporting:report-message", args=[report.reference]), {"text": too_long}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert Message.objects.count() == 0
    assert "govuk-error-summary" in page and 'href="#reply-text"' in page
    assert 'id="reply-text-error"' in page and "<title>Error: " in page
    assert f">{too_long}</textarea>" in page


def test_another_forces_officer_can_neither_reply_nor_replace(client, kent_officer, reported):
    report, _code = reported
    client.force_login(kent_officer)
    ref = report.reference
    assert (
        client.post(reverse("reporting:report-message", args=[ref]), {"text": "x"}).status_code
        == 404
    )
    url = reverse("reporting:report-code-replace", args=[ref])
    assert client.post(url, {"verified": "yes"}).status_code == 404
    assert Message.objects.count() == 0
    assert ReceiptCode.objects.filter(report=report).count() == 1


def test_replacing_the_code_needs_the_identity_check_then_shows_the_new_code_once(
    client, officer, reported
):
    report, old = reported
    client.force_login(officer)
    url = reverse("reporting:report-code-replace", args=[report.reference])
    assert "I have checked who is asking" in client.get(url).content.decode()
    unchecked = client.post(url)
    assert unchecked.status_code == 200
    assert "Confirm that you have checked who is asking" in unchecked.content.decode()
    assert ReceiptCode.objects.filter(report=report).count() == 1
    response = client.post(url, {"verified": "yes"})
    assert response.status_code == 200
    new = codes.normalise(response.context["code"])
    assert new and new != old
    assert codes.display(new) in response.content.decode()
    assert ReceiptCode.objects.get(report=report, replaced_at__isnull=True).digest == codes.digest(
        new
    )
    change = LedgerEntry.objects.filter(kind="receipt_code_changed").order_by("position").last()
    from haven.web.ledger.selectors import entry_event

    assert entry_event(change)["payload"]["via"] == "force"
    # The old code stops at once; the case page never shows the code again.
    reporter = client.__class__()
    assert reporter.post(reverse("portal:followup-start"), {"code": old}).status_code == 200
    assert reporter.post(reverse("portal:followup-start"), {"code": new}).status_code == 302
    assert codes.display(new) not in client.get(case(report)).content.decode()


def test_an_advocate_has_no_case_page_and_no_force_tools(client, kent, organisation, advocate):
    report, _code = portal_report(kent, organisation=organisation, advocate=advocate, scopes=())
    client.force_login(advocate)
    response = client.get(case(report))
    assert response.status_code == 404  # the console is for force staff only
    assert "Reply to the reporter" not in response.content.decode()
    url = reverse("reporting:report-code-replace", args=[report.reference])
    assert client.post(url, {"verified": "yes"}).status_code == 404


def test_the_language_the_site_was_used_in_is_named_not_coded(client, officer, met):
    report, _code = portal_report(met)
    type(report).objects.filter(pk=report.pk).update(language="cy")
    client.force_login(officer)
    page = client.get(case(report)).content.decode()
    assert "Welsh" in page


def test_the_case_timeline_and_the_reporters_log_agree_on_who_did_what(met):
    from haven.ledger.kinds import ReceiptIssued, SupportReferralChosen
    from haven.web.ledger.services import ledger_record
    from haven.web.portal.disclosure_log import disclosure_log
    from haven.web.reporting.selectors import report_timeline
    from haven.web.reporting.services import report_pseudonym

    report, _code = portal_report(met)  # its code issued with the submission
    with transaction.atomic():
        pseudonym = report_pseudonym(report)
        ledger_record(SupportReferralChosen(report=pseudonym, services=("refuge",)))
        ledger_record(ReceiptIssued(report=pseudonym, policy_version="npcc-2018"))
    reporter_says = {line.index: line.who for line in disclosure_log(report)}
    force_says = {entry.index: entry.who for entry in report_timeline(report=report)}
    same_words = {"You": "The reporter", "Haven": "Haven"}
    compared = [i for i in reporter_says if reporter_says[i] in same_words and i in force_says]
    assert len(compared) >= 3  # the code, the referral, the promise receipt
    for index in compared:
        assert force_says[index] == same_words[reporter_says[index]], index
