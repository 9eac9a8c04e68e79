"""The auditor's pages: home, ledger events and decisions across forces, a report's audit.

Events are opened from their commitments and shown in words, with their leaf index and a
verified / not verified mark; decisions are pseudonymised; no auditor page ever holds a
report's account, a person's label or name, or contact details."""

from __future__ import annotations

import html

import pytest
from django.urls import NoReverseMatch, reverse

from haven.web.accounts.models import Role
from haven.web.accounts.services import membership_grant, user_create
from haven.web.ledger.models import LedgerEntry
from haven.web.oversight import selectors
from haven.web.reporting.models import Channel
from haven.web.reporting.services import PersonInReport, report_create, report_pseudonym
from tests.web.conftest import PASSWORD, with_authenticator
from tests.web.sharing.conftest import asked

SECRETS = (
    "He took my passport",
    "the caller",
    "husband",
    "Call after six on 07700 900123",
    "Ayesha Khan",
    "Bicycle stolen",
    "Refuge asked",
)


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def contact_report(met):
    return report_create(
        force=met,
        offence="domestic_abuse",
        account="He took my passport.",
        contact="Call after six on 07700 900123",
        people=[PersonInReport(role="victim", label="the caller", name="Ayesha Khan")],
        channel=Channel.PORTAL,
    )


@pytest.fixture
def two_force_auditor(met, kent):
    user = user_create(username="two-force-auditor", password=PASSWORD)
    membership_grant(user=user, force=met, role=Role.AUDITOR)
    membership_grant(user=user, force=kent, role=Role.AUDITOR)
    return with_authenticator(user)


def test_the_home_page_links_the_auditor_s_pages(client, auditor):
    client.force_login(auditor)
    page = text(client.get(reverse("oversight:index")))
    assert reverse("oversight:events") in page
    assert reverse("oversight:decisions") in page
    assert "Metropolitan Police" in page
    try:
        assert reverse("statistics:index") in page
    except NoReverseMatch:
        pass


@pytest.mark.parametrize("name", ["oversight:index", "oversight:events", "oversight:decisions"])
def test_other_roles_are_refused(client, officer, supervisor, name):
    for user in (officer, supervisor):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403
    client.logout()
    assert client.get(reverse(name)).status_code == 302


def test_events_are_shown_in_words_with_their_leaf_and_verified(client, auditor, report):
    client.force_login(auditor)
    response = client.get(reverse("oversight:events"))
    assert response.status_code == 200
    page = text(response)
    assert "Report received" in page
    assert "Verified" in page and "Not verified" not in page
    assert reverse("oversight:report-audit", args=[report.reference]) in page
    entry = LedgerEntry.objects.get(subject=report_pseudonym(report), kind="report_received")
    assert f">{entry.position}" in page
    for raw in ("{'", "payload", "report_received</"):
        assert raw not in page


def test_an_event_whose_opening_does_not_match_its_leaf_is_not_verified(
    client, auditor, report, monkeypatch
):
    from haven.ledger.errors import InvalidEventError

    def broken(entry):
        raise InvalidEventError("the commitment does not match")

    monkeypatch.setattr(selectors, "entry_event", broken)
    client.force_login(auditor)
    page = text(client.get(reverse("oversight:events")))
    assert "Not verified" in page
    assert "This event could not be opened." in page


def test_an_auditor_reads_across_the_forces_they_audit_only(
    client, auditor, two_force_auditor, report, kent_report
):
    client.force_login(two_force_auditor)
    page = text(client.get(reverse("oversight:events")))
    assert report.reference in page and kent_report.reference in page
    page = text(client.get(reverse("oversight:events"), {"force": "kent"}))
    assert kent_report.reference in page and report.reference not in page
    client.force_login(auditor)  # the Met's only
    page = text(client.get(reverse("oversight:events")))
    assert report.reference in page and kent_report.reference not in page


def test_a_force_the_auditor_does_not_audit_is_refused_with_a_message(
    client, auditor, report, kent_report
):
    client.force_login(auditor)
    page = text(client.get(reverse("oversight:events"), {"force": "kent"}))
    assert "Choose a force from the list." in page
    assert kent_report.reference not in page


def test_the_kind_and_day_filters(client, auditor, report, officer):
    client.force_login(officer)
    client.get(reverse("reporting:report-show", args=[report.reference]))
    client.force_login(auditor)
    page = text(client.get(reverse("oversight:events"), {"kind": "report_read"}))
    assert "Report read" in page and 'data-kind="report_received"' not in page
    page = text(client.get(reverse("oversight:events"), {"day": "2001-01-01"}))
    assert "No events." in page
    page = text(client.get(reverse("oversight:events"), {"day": "yesterday", "kind": "nope"}))
    assert "Enter the day as a date" in page and "Choose a kind of event" in page
    assert 'data-kind="report_received"' not in page  # nothing listed under a bad filter
    assert "No events." not in page
    page = text(client.get(reverse("oversight:decisions"), {"force": "nowhere"}))
    assert "Choose a force from the list." in page and "Decisions, newest first" not in page


def test_events_are_paged(client, auditor, met, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    made = [
        report_create(
            force=met,
            offence="other",
            account=f"account {n}",
            people=[PersonInReport(role="victim", label="someone")],
            channel=Channel.PORTAL,
        )
        for n in range(3)
    ]
    client.force_login(auditor)
    first = text(client.get(reverse("oversight:events")))
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = text(client.get(reverse("oversight:events"), {"page": 2}))
    assert "Page 2 of 2" in second
    shown = [r.reference for r in made if r.reference in first + second]
    assert len(shown) == 3


def test_decisions_are_pseudonymised(client, officer, auditor, report):
    victim = report.people.get(role="victim")
    client.force_login(officer)
    request = asked(client, report, victim, recipient="support_service", rationale="Refuge asked.")
    client.force_login(auditor)
    response = client.get(reverse("oversight:decisions"))
    assert response.status_code == 200
    page = text(response)
    assert "Metropolitan Police" in page
    assert report_pseudonym(report)[:12] in page
    assert report.reference not in page
    assert "Domestic abuse" in page
    assert request.decision in ("allow", "deny")
    assert ("Allowed" in page) or ("Refused" in page)
    page = text(client.get(reverse("oversight:decisions"), {"force": "nowhere"}))
    assert "Choose a force from the list." in page


def test_the_report_audit_page_is_in_words(client, officer, auditor, report):
    client.force_login(officer)
    client.get(reverse("reporting:report-show", args=[report.reference]))
    client.force_login(auditor)
    page = text(client.get(reverse("oversight:report-audit", args=[report.reference])))
    assert "Report received" in page and "Report read" in page
    assert "Verified" in page
    assert "{'" not in page and "reader_role" not in page


def test_canary_no_auditor_page_holds_personal_data(
    client, officer, two_force_auditor, contact_report, kent_report
):
    victim = contact_report.people.get(role="victim")
    client.force_login(officer)
    client.get(reverse("reporting:report-show", args=[contact_report.reference]))
    asked(client, contact_report, victim, recipient="support_service", rationale="Refuge asked.")
    client.force_login(two_force_auditor)
    urls = [
        reverse("oversight:index"),
        reverse("oversight:events"),
        reverse("oversight:decisions"),
        reverse("oversight:report-audit", args=[contact_report.reference]),
        reverse("oversight:report-audit", args=[kent_report.reference]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = text(response)
        for secret in SECRETS:
            assert secret not in page, (url, secret)
