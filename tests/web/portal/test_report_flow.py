"""The reporting flow end to end: three ways in, what is stored and sealed, what is shown once."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session

from haven.web.ledger.selectors import entries_about, entry_event
from haven.web.portal import codes
from haven.web.portal.models import AdvocateConsent, PortalDraft, ReceiptCode, Reporter
from haven.web.portal.selectors import DRAFT_SESSION_KEY, SUBMITTED_SESSION_KEY
from haven.web.reporting.models import Channel, Report
from haven.web.reporting.services import report_pseudonym

from .report_helpers import (
    ACCOUNT,
    VICTIM_ANSWERS,
    answer_all,
    clear_portal_throttles,
    with_way,
)

CODE_SHOWN = re.compile(r'id="receipt-code">([A-Z0-9 ]{19})<')


@pytest.fixture(autouse=True)
def _fresh_throttles():
    clear_portal_throttles()
    yield
    clear_portal_throttles()


def submit(client):
    response = client.post("/report/check-answers")
    assert response.status_code == 200
    return response


def kinds_recorded(report: Report) -> list[str]:
    return [entry.kind for entry in entries_about(subject=report_pseudonym(report))]


def raw_column(model: type, column: str, pk: int) -> bytes:
    """The column as stored (the ciphertext, not opened)."""
    return bytes(model.objects.filter(pk=pk).values_list(column, flat=True).get())


def test_a_victim_reports_and_gets_a_reference_and_a_receipt_code_once(client, met):
    answer_all(client, VICTIM_ANSWERS)
    draft_id = client.session[DRAFT_SESSION_KEY]
    # The unfinished answers are sealed in the draft row, never in the session.
    assert ACCOUNT.encode() not in raw_column(PortalDraft, "answers", draft_id)
    session_row = Session.objects.get(session_key=client.session.session_key)
    assert "locked in the flat" not in session_row.get_decoded().__repr__()

    check = client.get("/report/check-answers")
    assert check.status_code == 200
    summary = check.content.decode()
    assert ACCOUNT in summary
    for shown_answer in (
        "Metropolitan Police Service",
        "3 February 2024",
        "Above the shop on Green Lane",
        "Someone who did it, or who you think did it: the shop owner",
        "07700 900123",
        "Romanian",
        "I need an interpreter",
        "Victim Support",
    ):
        assert shown_answer in summary, shown_answer
    assert summary.count("?from=check") == 10

    response = submit(client)
    page = response.content.decode()
    report = Report.objects.get()
    assert report.reference in page
    shown = CODE_SHOWN.search(page).group(1)
    canonical = codes.normalise(shown)
    assert shown == codes.display(canonical)
    receipt = ReceiptCode.objects.get(report=report)
    assert receipt.digest == codes.digest(canonical) and receipt.live

    # The report, its reporter and its people, sealed at rest.
    assert report.channel == Channel.PORTAL and report.force == met
    assert report.offence == "modern_slavery"
    assert report.unseal_text("account") == ACCOUNT
    assert ACCOUNT.encode() not in raw_column(Report, "account", report.pk)
    assert b"07700 900123" not in raw_column(Report, "contact", report.pk)
    assert "07700 900123" in report.unseal_text("contact")
    assert "Do NOT say" in report.unseal_text("contact")
    assert report.unseal_text("occurred") == "3 February 2024"
    assert report.unseal_text("preferred_language") == "Romanian"
    assert report.interpreter_needed is True
    reporter = Reporter.objects.get(report=report)
    assert reporter.way_in == "victim" and reporter.person.role == "victim"
    roles = sorted(report.people.values_list("role", flat=True))
    assert roles == ["suspect", "victim"]
    assert {"report_received", "receipt_code_changed", "support_referral_chosen"} <= set(
        kinds_recorded(report)
    )
    (chosen,) = entries_about(subject=report_pseudonym(report), kinds=("support_referral_chosen",))
    assert set(entry_event(chosen)["payload"]["services"]) == {
        "modern_slavery_helpline",
        "victim_support",
    }

    # The draft is gone; the session holds only the report's id.
    assert not PortalDraft.objects.filter(pk=draft_id).exists()
    assert DRAFT_SESSION_KEY not in client.session
    assert client.session[SUBMITTED_SESSION_KEY] == report.pk
    assert "policeconduct.gov.uk" in page and "professional standards" in page
    assert "/report/follow-up/" in page and "/receipts/" in page
    assert "Modern Slavery &amp; Exploitation Helpline" in page and "08000 121 700" in page

    # A reload shows the reference, never the code again.
    again = client.get("/report/confirmation")
    assert again.status_code == 200
    assert report.reference in again.content.decode()
    assert shown not in again.content.decode() and canonical not in again.content.decode()
    assert "shown once" in again.content.decode()
    assert "Modern Slavery &amp; Exploitation Helpline" in again.content.decode()
    # Sending the form again (back button, reload) makes no second report.
    assert client.post("/report/check-answers").status_code == 302
    assert Report.objects.count() == 1


def test_a_witness_reports_and_is_told_their_rights_as_a_witness(client, met):
    answer_all(client, with_way("witness"))
    page = submit(client).content.decode()
    report = Report.objects.get()
    assert Reporter.objects.get(report=report).way_in == "witness"
    assert Reporter.objects.get(report=report).person.role == "witness"
    assert "Your rights as a witness" in page
    assert CODE_SHOWN.search(page)


def test_an_advocate_reports_for_a_victim_with_scoped_consent(client, advocate, kent):
    client.force_login(advocate)
    way = client.get("/report/")
    assert 'value="advocate"' in way.content.decode()
    consent_page = client.post("/report/", {"way": "advocate"})
    assert consent_page.url == "/report/consent"
    refused = client.post("/report/consent", {})
    assert "Select at least one thing" in refused.content.decode()
    assert "receipt code" in client.get("/report/consent").content.decode()
    answers = with_way(
        "advocate", ("/report/consent", {"consent": ["see_updates", "exchange_messages"]})
    )[1:]
    contact_pages = {
        "/report/contact": {"channel": "advocate"},
        "/report/contact-details": {"say_police": "yes", "details": "ignored"},
    }
    answers = [(url, contact_pages.get(url, data)) for url, data in answers]
    answer_all(client, answers)
    page = submit(client).content.decode()
    report = Report.objects.get()
    assert report.channel == Channel.ADVOCATE
    assert report.advocate_organisation == advocate.advocate_organisations.get()
    consent = AdvocateConsent.objects.get(report=report)
    assert sorted(consent.scopes) == ["exchange_messages", "see_updates"]
    assert consent.recorded_by == advocate
    assert "advocate_consent_changed" in kinds_recorded(report)
    assert "Through the advocate organisation" in report.unseal_text("contact")
    assert CODE_SHOWN.search(page)
    assert "take back their consent" in page


def test_someone_who_is_not_an_advocate_cannot_report_as_one(client, officer, met):
    for signed_in in (False, True):
        if signed_in:
            client.force_login(officer)
        assert 'value="advocate"' not in client.get("/report/").content.decode()
        response = client.post("/report/", {"way": "advocate"})
        assert response.status_code == 200
        assert "Select who is reporting" in response.content.decode()
        assert DRAFT_SESSION_KEY not in client.session
    assert PortalDraft.objects.count() == 0
    assert client.get("/report/consent").status_code == 302


def test_an_advocate_report_is_refused_once_the_user_is_no_longer_an_advocate(
    client, advocate, kent
):
    client.force_login(advocate)
    answer_all(client, with_way("advocate", ("/report/consent", {"consent": ["see_updates"]})))
    advocate.advocate_organisations.clear()
    response = client.post("/report/check-answers")
    assert response.status_code == 403
    assert Report.objects.count() == 0
