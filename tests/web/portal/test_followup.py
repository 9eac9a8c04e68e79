"""The reporter's follow-up pages: the receipt code, the session, messages, a new code,
withdrawing the advocate's consent, a copy of the data, and leaving."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from haven.web.ledger.models import LedgerEntry
from haven.web.portal import codes
from haven.web.portal.models import AdvocateConsent, Message, ReceiptCode
from haven.web.portal.selectors import FOLLOWUP_SESSION_KEY
from haven.web.portal.services import message_from_force, message_from_reporter
from haven.web.portal.views_followup import FOLLOWUP_SEEN_SESSION_KEY
from tests.web.portal.followup_helpers import dashed, portal_report

START = reverse("portal:followup-start")
SHOW = reverse("portal:followup-show")
NOT_RECOGNISED = "We do not recognise this receipt code"


def enter(client, code: str):
    return client.post(START, {"code": code})


@pytest.fixture
def reported(met):
    return portal_report(met)


@pytest.fixture
def following(client, reported):
    report, code = reported
    assert enter(client, dashed(code)).status_code == 302
    return report, code


# --- entering the code --------------------------------------------------------------------


def test_the_code_is_accepted_in_any_case_with_dashes_and_the_session_key_rotates(client, reported):
    report, code = reported
    client.get(START)
    before = client.session.session_key
    response = enter(client, dashed(code))
    assert response.status_code == 302 and response["Location"] == SHOW
    session = client.session
    assert session.session_key != before
    assert session[FOLLOWUP_SESSION_KEY] == ReceiptCode.objects.get(report=report).pk
    page = client.get(SHOW)
    assert page.status_code == 200
    assert report.reference in page.content.decode()


def test_the_code_with_spaces_works_too(client, reported):
    report, code = reported
    assert enter(client, f"  {codes.display(code)}  ").status_code == 302


def test_the_session_holds_no_code_and_no_hash_of_it(client, following):
    report, code = following
    stored = dict(client.session.items())
    assert set(stored) >= {FOLLOWUP_SESSION_KEY, FOLLOWUP_SEEN_SESSION_KEY}
    text = repr(stored)
    assert code not in text and codes.display(code) not in text
    assert codes.digest(code) not in text


def test_a_wrong_code_gets_one_message_and_no_access(client, reported):
    response = enter(client, "ABCD-EFGH-JKLM-NPQR")
    assert response.status_code == 200
    assert NOT_RECOGNISED in response.content.decode()
    assert FOLLOWUP_SESSION_KEY not in client.session
    assert client.get(SHOW)["Location"] == START


def test_a_replaced_code_gets_the_same_message_as_one_never_issued(client, met):
    report, old = portal_report(met)
    from django.db import transaction

    from haven.web.portal.services import _issue_code

    with transaction.atomic():
        _issue_code(report, change="replaced", via="reporter", by="reporter")
    replaced = enter(client, old).content.decode()
    never = enter(client, "ABCD-EFGH-JKLM-NPQR").content.decode()
    assert NOT_RECOGNISED in replaced
    assert "replaced" not in replaced.lower() and "no longer" not in replaced.lower()

    def body(page: str) -> str:  # the pages differ only in their CSRF token and CSP nonce
        import re

        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        return re.sub(r'nonce="[^"]+"', "", page)

    assert body(replaced) == body(never)


def test_something_that_cannot_be_a_code_says_what_a_code_looks_like_and_is_not_counted(
    client, reported, settings
):
    settings.HAVEN_PORTAL_CODE_FAILURES_PER_HOUR = 1
    for _ in range(3):
        response = enter(client, "not a code")
        assert response.status_code == 200
        assert "16 letters and numbers" in response.content.decode()
    assert "Enter your receipt code" in enter(client, "   ").content.decode()


def test_wrong_codes_are_throttled_per_client_even_a_right_code_then(client, reported, settings):
    settings.HAVEN_PORTAL_CODE_FAILURES_PER_HOUR = 2
    report, code = reported
    assert enter(client, "ABCD-EFGH-JKLM-NPQ2").status_code == 200
    assert enter(client, "ABCD-EFGH-JKLM-NPQ4").status_code == 200
    third = enter(client, "ABCD-EFGH-JKLM-NPQ3")
    assert third.status_code == 429
    assert "too many tries" in third.content.decode()
    # Exhausted: even the right code is not tried, so guessing cannot go on.
    assert enter(client, code).status_code == 429
    assert FOLLOWUP_SESSION_KEY not in client.session


def test_a_right_code_is_not_counted_as_a_failure(client, reported, settings):
    settings.HAVEN_PORTAL_CODE_FAILURES_PER_HOUR = 1
    report, code = reported
    for _ in range(3):
        assert enter(client, code).status_code == 302
        client.post(reverse("portal:followup-sign-out"))


# --- the session ----------------------------------------------------------------------------


def test_the_follow_up_ends_after_the_idle_time(client, following, settings):
    settings.HAVEN_PORTAL_FOLLOW_UP_IDLE_MINUTES = 30
    session = client.session
    session[FOLLOWUP_SEEN_SESSION_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(SHOW)
    assert response.status_code == 302
    assert response["Location"] == f"{START}?ended=idle"
    assert FOLLOWUP_SESSION_KEY not in client.session
    assert "not used for a while" in client.get(response["Location"]).content.decode()


def test_using_the_page_keeps_the_follow_up_open(client, following, settings):
    settings.HAVEN_PORTAL_FOLLOW_UP_IDLE_MINUTES = 30
    session = client.session
    session[FOLLOWUP_SEEN_SESSION_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(SHOW).status_code == 200
    assert client.session[FOLLOWUP_SEEN_SESSION_KEY] >= int(time.time()) - 60


def test_without_a_code_the_pages_send_you_to_enter_one(client, db):
    for name in ("followup-show", "followup-code-replace", "followup-copy"):
        assert client.get(reverse(f"portal:{name}"))["Location"] == START
    assert client.post(reverse("portal:followup-message"), {"text": "hi"})["Location"] == START
    assert Message.objects.count() == 0


def test_leaving_ends_the_session(client, following):
    response = client.post(reverse("portal:followup-sign-out"))
    assert response["Location"] == f"{START}?ended=signed_out"
    assert FOLLOWUP_SESSION_KEY not in client.session
    assert client.get(SHOW)["Location"] == START


def test_follow_up_pages_are_no_store(client, following):
    assert "no-store" in client.get(SHOW)["Cache-Control"]
    assert "no-store" in client.get(START)["Cache-Control"]


# --- the page -------------------------------------------------------------------------------


def test_the_page_shows_stage_reference_received_date_and_messages_newest_last(client, following):
    report, _code = following
    from django.db import transaction

    with transaction.atomic():
        message_from_reporter(report=report, text="first <script>alert(1)</script>")
        message_from_force(report=report, text="second, from the police", by=None)
    page = client.get(SHOW).content.decode()
    assert report.reference in page
    assert "Reported" in page and "will look at it" in page
    assert f"{report.received_at:%Y}" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert page.index("first &lt;script") < page.index("second, from the police")


def test_sending_a_message_seals_its_text_and_ledgers_it(client, following):
    report, _code = following
    response = client.post(reverse("portal:followup-message"), {"text": "Please call after six"})
    assert response.status_code == 302
    message = Message.objects.get(report=report)
    assert message.sender == "reporter"
    assert b"Please call after six" not in bytes(message.text)
    assert message.unseal_text("text") == "Please call after six"
    assert LedgerEntry.objects.filter(kind="message_sent").count() == 1
    assert "Please call after six" in client.get(SHOW).content.decode()


def test_an_empty_or_too_long_message_is_refused_and_nothing_is_sent(client, following):
    for text in ("   ", "x" * 2001):
        response = client.post(reverse("portal:followup-message"), {"text": text})
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    assert Message.objects.count() == 0


def test_messages_are_throttled(client, following, settings):
    settings.HAVEN_PORTAL_MESSAGES_PER_HOUR = 2
    url = reverse("portal:followup-message")
    assert client.post(url, {"text": "one"}).status_code == 302
    assert client.post(url, {"text": "two"}).status_code == 302
    assert client.post(url, {"text": "three"}).status_code == 429
    assert Message.objects.count() == 2


# --- a new code ----------------------------------------------------------------------------


def test_replacing_the_code_shows_the_new_one_once_and_the_old_stops_at_once(client, following):
    report, old = following
    url = reverse("portal:followup-code-replace")
    confirm = client.get(url)
    assert confirm.status_code == 200 and "stops working at once" in confirm.content.decode()
    response = client.post(url)
    assert response.status_code == 200
    page = response.content.decode()
    shown = [c.pk for c in ReceiptCode.objects.filter(report=report, replaced_at__isnull=True)]
    assert len(shown) == 1
    new_code = codes.normalise(response.context["code"])
    assert codes.display(new_code) in page
    assert new_code and new_code != old
    assert codes.digest(new_code) == ReceiptCode.objects.get(pk=shown[0]).digest
    # This browser goes on under the new code; the old one no longer opens anything.
    assert client.session[FOLLOWUP_SESSION_KEY] == shown[0]
    assert client.get(SHOW).status_code == 200
    assert "haven-receipt-code" not in client.get(SHOW).content.decode()
    other = client.__class__()
    assert NOT_RECOGNISED in enter(other, old).content.decode()
    assert enter(other, new_code).status_code == 302
    assert LedgerEntry.objects.filter(kind="receipt_code_changed").count() == 2


def test_a_browser_on_the_old_code_is_shut_out_when_it_is_replaced(client, following):
    report, _old = following
    from django.db import transaction

    from haven.web.portal.services import _issue_code

    with transaction.atomic():
        _issue_code(report, change="replaced", via="force", by="x")
    response = client.get(SHOW)
    assert response["Location"] == f"{START}?ended=ended"
    assert FOLLOWUP_SESSION_KEY not in client.session


# --- the advocate's consent and a copy --------------------------------------------------------


def test_withdrawing_consent_stops_the_advocate(client, kent, organisation, advocate):
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from haven.web.portal.services import message_from_advocate

    report, code = portal_report(
        kent, organisation=organisation, advocate=advocate, scopes=("exchange_messages",)
    )
    enter(client, code)
    page = client.get(SHOW).content.decode()
    assert "Stop Refuge (test) acting for you" in page
    url = reverse("portal:followup-consent-revoke")
    confirm = client.get(url).content.decode()
    assert "Read and send messages with the police" in confirm
    assert client.post(url)["Location"] == f"{SHOW}?done=withdrawn"
    assert not AdvocateConsent.objects.get(report=report).active
    assert "acting for you" not in client.get(SHOW).content.decode()
    with pytest.raises(PermissionDenied), transaction.atomic():
        message_from_advocate(report=report, text="hello", by=advocate)
    staff = client.__class__()
    staff.force_login(advocate)
    refused = staff.post(
        reverse("portal:followup-advocate-message", args=[report.reference]), {"text": "hello"}
    )
    assert refused.status_code == 403
    assert Message.objects.filter(sender="advocate").count() == 0


def test_there_is_nothing_to_withdraw_without_consent(client, following):
    assert client.get(reverse("portal:followup-consent-revoke"))["Location"] == SHOW
    assert client.post(reverse("portal:followup-consent-revoke"))["Location"] == SHOW


def test_asking_for_a_copy_sends_a_request_and_ledgers_it(client, following):
    report, _code = following
    url = reverse("portal:followup-copy")
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert LedgerEntry.objects.filter(kind="copy_requested").count() == 1
    assert "subject access request" in Message.objects.get(report=report).unseal_text("text")


def test_coming_back_to_the_code_page_after_the_idle_time_says_why(client, following):
    session = client.session
    session[FOLLOWUP_SEEN_SESSION_KEY] = int(time.time()) - 24 * 60 * 60
    session.save()
    page = client.get(START)
    assert page.status_code == 200
    assert "not used for a while" in page.content.decode()
    assert FOLLOWUP_SESSION_KEY not in client.session


def test_the_code_page_sends_a_browser_already_following_to_its_report(client, following):
    assert client.get(START)["Location"] == SHOW


def test_a_destroyed_report_still_shows_its_log_but_takes_no_messages(client, following):
    report, _code = following
    from django.utils import timezone

    from haven.web.reporting.models import Report

    Report.objects.filter(pk=report.pk).update(destroyed_on=timezone.localdate())
    page = client.get(SHOW)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your report was received." in text and 'name="text"' not in text
    response = client.post(reverse("portal:followup-message"), {"text": "hello"})
    assert response.status_code == 200
    assert "can no longer take messages" in response.content.decode()
    assert Message.objects.count() == 0


def test_the_page_offers_the_promise_receipt_which_knows_this_report(client, following):
    report, _code = following
    page = client.get(SHOW).content.decode()
    assert reverse("receipts:offer") in page
    offer = client.get(reverse("receipts:offer"))
    assert offer.status_code == 200
    assert "There is no report in this session" not in offer.content.decode()
    client.post(reverse("portal:followup-sign-out"))
    assert (
        "There is no report in this session"
        in client.get(reverse("receipts:offer")).content.decode()
    )


def test_in_polish_the_stage_is_translated_and_the_month_takes_its_date_form(client, following):
    from datetime import datetime

    report, _code = following
    report.received_at = datetime(2026, 3, 3, 12, 0, tzinfo=report.received_at.tzinfo)
    report.save(update_fields=["received_at"])

    page = client.get(SHOW, HTTP_ACCEPT_LANGUAGE="pl").content.decode()

    assert "Zgłoszone" in page and ">Reported<" not in page
    assert "3 marca 2026" in page and "Marzec" not in page
