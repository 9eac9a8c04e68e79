"""Advocates' follow-up pages: only the reports their organisation made, each limited to
what the victim's consent allows; after withdrawal, only that it was withdrawn."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from haven.web.accounts import services as account_services
from haven.web.accounts.models import AdvocateOrganisation
from haven.web.ledger.models import LedgerEntry
from haven.web.portal import codes
from haven.web.portal.models import Message, ReceiptCode
from haven.web.portal.services import consent_revoke_by_reporter, message_from_force
from tests.web.conftest import PASSWORD, with_authenticator
from tests.web.portal.followup_helpers import portal_report

ALL = ("see_updates", "exchange_messages", "request_copy", "replace_code")


def show(report):
    return reverse("portal:followup-advocate-show", args=[report.reference])


@pytest.fixture
def signed_in(client, advocate):
    client.force_login(advocate)
    return client


def test_the_index_lists_the_organisations_reports_and_consent(
    signed_in, kent, organisation, advocate
):
    given, _ = portal_report(kent, organisation=organisation, advocate=advocate, scopes=ALL)
    withdrawn, _ = portal_report(kent, organisation=organisation, advocate=advocate, scopes=ALL)
    consent_revoke_by_reporter(report=withdrawn)
    unrelated, _ = portal_report(kent)
    page = signed_in.get(reverse("portal:followup-advocate-index")).content.decode()
    assert given.reference in page and withdrawn.reference in page
    assert unrelated.reference not in page
    assert "Withdrawn" in page and "Given" in page


def test_signing_in_is_required(client, kent, organisation, advocate):
    report, _ = portal_report(kent, organisation=organisation, advocate=advocate, scopes=ALL)
    for url in (reverse("portal:followup-advocate-index"), show(report)):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"]


def test_another_organisations_report_is_not_found(signed_in, kent, advocate):
    other = AdvocateOrganisation.objects.create(code="other-org", name="Other")
    someone = with_authenticator(account_services.user_create(username="b", password=PASSWORD))
    account_services.advocate_organisation_join(user=someone, organisation=other)
    report, _ = portal_report(kent, organisation=other, advocate=someone, scopes=ALL)
    assert signed_in.get(show(report)).status_code == 404
    url = reverse("portal:followup-advocate-message", args=[report.reference])
    assert signed_in.post(url, {"text": "hi"}).status_code == 404
    assert Message.objects.count() == 0


def test_updates_only_shows_the_stage_and_log_but_no_messages(
    signed_in, kent, organisation, advocate
):
    report, _ = portal_report(
        kent, organisation=organisation, advocate=advocate, scopes=("see_updates",)
    )
    with transaction.atomic():
        message_from_force(report=report, text="secret reply to the victim", by=None)
    page = signed_in.get(show(report)).content.decode()
    assert "Where it has got to" in page and "Your report was received." in page
    assert "secret reply to the victim" not in page
    assert 'name="text"' not in page
    ref = report.reference
    assert (
        signed_in.post(
            reverse("portal:followup-advocate-message", args=[ref]), {"text": "x"}
        ).status_code
        == 403
    )
    assert signed_in.post(reverse("portal:followup-advocate-copy", args=[ref])).status_code == 403
    assert (
        signed_in.get(reverse("portal:followup-advocate-code-replace", args=[ref])).status_code
        == 403
    )
    assert (
        signed_in.post(reverse("portal:followup-advocate-code-replace", args=[ref])).status_code
        == 403
    )
    assert Message.objects.filter(sender="advocate").count() == 0
    assert ReceiptCode.objects.filter(report=report).count() == 1


def test_messages_only_shows_messages_but_no_stage_or_log(signed_in, kent, organisation, advocate):
    report, _ = portal_report(
        kent, organisation=organisation, advocate=advocate, scopes=("exchange_messages",)
    )
    with transaction.atomic():
        message_from_force(report=report, text="reply <b>bold</b>", by=None)
    page = signed_in.get(show(report)).content.decode()
    assert "reply &lt;b&gt;bold&lt;/b&gt;" in page
    assert "Your report was received." not in page and "Where it has got to" not in page
    url = reverse("portal:followup-advocate-message", args=[report.reference])
    assert signed_in.post(url, {"text": "We will call on Monday"}).status_code == 302
    message = Message.objects.get(sender="advocate")
    assert b"We will call on Monday" not in bytes(message.text)
    assert message.sent_by == advocate


def test_viewing_is_ledgered_as_the_advocates_read(signed_in, kent, organisation, advocate):
    report, _ = portal_report(kent, organisation=organisation, advocate=advocate, scopes=ALL)
    signed_in.get(show(report))
    from haven.web.portal.disclosure_log import disclosure_log

    assert "Your advocate read your report." in [line.what for line in disclosure_log(report)]


def test_copy_and_new_code_when_the_consent_allows(signed_in, kent, organisation, advocate):
    report, old = portal_report(kent, organisation=organisation, advocate=advocate, scopes=ALL)
    ref = report.reference
    assert signed_in.post(reverse("portal:followup-advocate-copy", args=[ref])).status_code == 302
    assert LedgerEntry.objects.filter(kind="copy_requested").count() == 1
    url = reverse("portal:followup-advocate-code-replace", args=[ref])
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(url)
    assert response.status_code == 200
    new = codes.normalise(response.context["code"])
    assert new != old
    live = ReceiptCode.objects.get(report=report, replaced_at__isnull=True)
    assert live.digest == codes.digest(new)
    reporter = signed_in.__class__()
    assert reporter.post(reverse("portal:followup-start"), {"code": old}).status_code == 200
    assert reporter.post(reverse("portal:followup-start"), {"code": new}).status_code == 302


def test_after_withdrawal_only_the_withdrawal_is_shown(signed_in, kent, organisation, advocate):
    report, _ = portal_report(kent, organisation=organisation, advocate=advocate, scopes=ALL)
    with transaction.atomic():
        message_from_force(report=report, text="secret reply to the victim", by=None)
    consent_revoke_by_reporter(report=report)
    before = LedgerEntry.objects.count()
    page = signed_in.get(show(report)).content.decode()
    assert "withdrew their consent" in page
    assert "secret reply to the victim" not in page
    assert "Your report was received." not in page
    assert 'name="text"' not in page
    assert LedgerEntry.objects.count() == before  # nothing was read
    ref = report.reference
    assert signed_in.post(reverse("portal:followup-advocate-copy", args=[ref])).status_code == 403
    assert (
        signed_in.post(reverse("portal:followup-advocate-code-replace", args=[ref])).status_code
        == 403
    )


def test_a_report_submitted_by_an_advocate_is_followed_up_by_victim_and_advocate(
    client, kent, organisation, advocate
):
    """Through the real submission: the victim's log shows the consent and their own
    support request; the suspect named in the report appears nowhere."""
    from haven.web.portal.services import draft_start, portal_submit

    answers = {
        "way": "advocate",
        "consent": ["see_updates", "exchange_messages"],
        "force": kent.code,
        "offence": "domestic_abuse",
        "account": "Her employer keeps her passport.",
        "when": {"kind": "roughly", "text": "last spring"},
        "place": "",
        "people": [{"role": "suspect", "label": "her employer", "name": "Ed Employer"}],
        "people_done": True,
        "contact": {"allowed": False},
        "language": "pl",
        "interpreter": True,
        "support": ["victim_support"],
    }
    submitted = portal_submit(
        draft=draft_start(), answers=answers, advocate=advocate, language="pl"
    )
    client.post(reverse("portal:followup-start"), {"code": submitted.code})
    page = client.get(reverse("portal:followup-show")).content.decode()
    assert "Your consent for your advocate was recorded" in page
    assert "You asked to be referred to support services." in page
    assert "Ed Employer" not in page and "her employer" not in page
    staff = client.__class__()
    staff.force_login(advocate)
    seen = staff.get(show(submitted.report)).content.decode()
    assert "Your report was received." in seen
