"""No console page shows a raw capability code, language code or other code to a person.

Every console page is rendered for a report whose ledger holds each kind of event the
timeline words (decisions with rules and obligations, request steps, disclosures, openings
of the sealed compartment, messages, stage and people changes), and the visible text (no
tags or attributes) is scanned for codes.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from haven.ledger.kinds import Decision, Disclosure, RequestStep, SealedAccess
from haven.web.accounts.services import staff_pseudonym
from haven.web.ledger.services import ledger_record
from haven.web.portal.services import message_from_reporter
from haven.web.reporting.models import Report, Stage
from haven.web.reporting.services import (
    person_pseudonym,
    report_pseudonym,
    report_stage_change,
)
from tests.web.console.helpers import scan_for_codes
from tests.web.portal.followup_helpers import portal_report


def _busy_report(met, officer, supervisor) -> Report:
    report, _code = portal_report(met)
    Report.objects.filter(pk=report.pk).update(language="pl")
    report.refresh_from_db()
    victim = report.people.order_by("id").first()
    common = {
        "report": report_pseudonym(report),
        "person": person_pseudonym(victim),
        "person_role": "victim",
        "request": "request-1",
    }
    with transaction.atomic():
        message_from_reporter(report=report, text="Please text only")
        ledger_record(
            Decision(
                **common,
                action="status_check",
                recipient="immigration_enforcement",
                purpose="immigration_control",
                policy="hmicfrs-2020",
                version="1",
                decision="deny",
                rules=("no_such_rule",),
                obligations=("refer_to_support", "defer_until_concluded", "minimise_fields"),
                by=staff_pseudonym(officer),
            )
        )
        for step in ("rationale_recorded", "first_approval", "refused_by_approver"):
            ledger_record(RequestStep(**common, step=step, by=staff_pseudonym(supervisor)))
        ledger_record(
            Disclosure(
                **common,
                recipient="safeguarding_partner",
                purpose="regularisation_support",
                fields=("person_label", "offence"),
                by=staff_pseudonym(officer),
            )
        )
        ledger_record(SealedAccess(**common, reason="decided_request", by=staff_pseudonym(officer)))
    report_stage_change(report=report, stage=Stage.PROSECUTION, by=officer)
    return report


def test_console_pages_show_words_not_codes(client, met, officer, supervisor, dpo):
    report = _busy_report(met, officer, supervisor)
    victim = report.people.order_by("id").first()
    ref = report.reference
    pages = [
        reverse("reporting:report-index"),
        reverse("reporting:report-index") + "?stage=prosecution&offence=domestic_abuse",
        reverse("reporting:report-index") + "?received_from=31/2/2026&stage=nonsense",
        reverse("reporting:report-record"),
        reverse("reporting:report-show", args=[ref]),
        reverse("reporting:report-stage", args=[ref]),
        reverse("reporting:report-person-add", args=[ref]),
        reverse("reporting:report-person-edit", args=[ref, victim.pk]),
        reverse("reporting:report-person-remove", args=[ref, victim.pk]),
        reverse("reporting:report-code-replace", args=[ref]),
    ]
    client.force_login(officer)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        scan_for_codes(response.content.decode(), url)
    # The form pages with every error showing, and the case page as the DPO sees it.
    scan_for_codes(
        client.post(reverse("reporting:report-record"), {}).content.decode(), "record errors"
    )
    add = reverse("reporting:report-person-add", args=[ref])
    scan_for_codes(
        client.post(add, {"role": "x", "relation": "x"}).content.decode(), "person errors"
    )
    client.force_login(dpo)
    scan_for_codes(client.get(reverse("reporting:report-show", args=[ref])).content.decode(), "dpo")


def test_the_scan_would_catch_a_code(client):
    """The check itself fails on a raw code, so the test above can fail."""
    import pytest

    for leak in ("Stage: domestic_abuse", "Language: pl", "Can view_reports"):
        with pytest.raises(AssertionError):
            scan_for_codes(f"<p>{leak}</p>", "leak")
