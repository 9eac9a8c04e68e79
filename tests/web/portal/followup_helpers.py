"""Reports made through the portal, for the follow-up tests (no browser, no draft)."""

from __future__ import annotations

from django.db import transaction

from haven.web.accounts.models import AdvocateOrganisation, Force, User
from haven.web.portal.models import AdvocateConsent, Reporter, WayIn
from haven.web.portal.services import _issue_code
from haven.web.reporting.models import Channel, Report
from haven.web.reporting.services import PersonInReport, report_create


def portal_report(
    force: Force,
    *,
    organisation: AdvocateOrganisation | None = None,
    advocate: User | None = None,
    scopes: tuple[str, ...] = (),
) -> tuple[Report, str]:
    """A report as the portal makes it (the reporter, a suspect), and its receipt code."""
    with transaction.atomic():
        report = report_create(
            force=force,
            offence="domestic_abuse",
            account="He hit me and took my phone.",
            people=[
                PersonInReport(role="victim", label="the person reporting"),
                PersonInReport(role="suspect", label="her husband", name="Sam Suspect"),
            ],
            channel=Channel.ADVOCATE if organisation else Channel.PORTAL,
            advocate_organisation=organisation,
            preferred_language="Polish",
            interpreter_needed=True,
        )
        Reporter.objects.create(
            report=report,
            person=report.people.order_by("id").first(),
            way_in=WayIn.ADVOCATE if organisation else WayIn.VICTIM,
        )
        if organisation is not None:
            AdvocateConsent.objects.create(
                report=report, organisation=organisation, scopes=list(scopes), recorded_by=advocate
            )
        code = _issue_code(report, change="issued", via="report_submitted", by="reporter")
    return report, code


def dashed(code: str) -> str:
    """The code as someone might type it: small letters, dashes between the groups."""
    return "-".join(code[i : i + 4] for i in range(0, 16, 4)).lower()
