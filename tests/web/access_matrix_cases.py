"""The objects and URLs the access-matrix test visits (tests/web/test_access_matrix.py)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from django.urls import reverse

from haven.web.accounts.models import Force, Role
from haven.web.accounts.services import membership_grant, user_create
from haven.web.portal.models import AdvocateConsent, ConsentScope
from haven.web.portal.services import receipt_code_issue_by_force
from haven.web.reporting.models import Channel, Report
from haven.web.reporting.services import PersonInReport, report_create
from haven.web.sharing.models import DecisionRequest
from haven.web.sharing.services import OfficerAnswers, decision_request_create
from tests.web.conftest import PASSWORD, with_authenticator

ROLES = ("anonymous", "officer", "supervisor", "dpo", "auditor", "advocate")
SIDES = ("own", "other")

# Areas that keep their rows apart: tests/web/access_matrix_<area>.py.
AREAS = tuple(
    importlib.import_module(f"tests.web.{path.stem}")
    for path in sorted(Path(__file__).parent.glob("access_matrix_*.py"))
    if path.stem != "access_matrix_cases"
)


@dataclass(frozen=True)
class Side:
    """One force's (or one organisation's) objects, as the URLs need them."""

    report: Report
    person_id: int
    request: DecisionRequest
    coded: Report
    """A second report, whose reporter has a receipt code (for the code's pages)."""


def side_objects(force: Force, *, advocate=None) -> Side:  # type: ignore[no-untyped-def]
    """A report with two people and one decided request; with `advocate`, a report their
    organisation made, with the victim's consent."""
    organisation = advocate.advocate_organisations.first() if advocate else None
    report = report_create(
        force=force,
        offence="domestic_abuse",
        account="He took my passport.",
        people=[
            PersonInReport(role="victim", label="the caller"),
            PersonInReport(role="suspect", label="husband"),
        ],
        channel=Channel.ADVOCATE if organisation else Channel.PORTAL,
        advocate_organisation=organisation,
    )
    if organisation is not None:
        AdvocateConsent.objects.create(
            report=report,
            organisation=organisation,
            scopes=[scope.value for scope in ConsentScope],
            recorded_by=advocate,
        )
    asker = user_create(username=f"asker-{force.code}", password=PASSWORD)
    membership_grant(user=asker, force=force, role=Role.OFFICER)
    asker = with_authenticator(asker)
    victim = report.people.get(role="victim")
    request = decision_request_create(
        report=report,
        person=victim,
        action="disclose",
        answers=OfficerAnswers(purpose="safeguarding", recipient="support_service"),
        by=asker,
        rationale="Refuge asked.",
    )
    coded = report_create(
        force=force,
        offence="other",
        account="Phone stolen.",
        people=[PersonInReport(role="witness", label="the caller")],
        channel=Channel.PHONE,
    )
    receipt_code_issue_by_force(report=coded, person=coded.people.get(), by=asker)
    return Side(report=report, person_id=victim.pk, request=request, coded=coded)


def url_for(name: str, side: Side) -> str:
    """The URL named `name`, with the side's objects as its arguments."""
    reference, pk = side.report.reference, side.request.pk
    args: dict[str, list] = {
        "reporting:report-show": [reference],
        "reporting:report-stage": [reference],
        "reporting:report-person-add": [reference],
        "reporting:report-person-edit": [reference, side.person_id],
        "reporting:report-person-remove": [reference, side.person_id],
        "reporting:report-message": [reference],
        "reporting:report-code-replace": [side.coded.reference],
        "reporting:report-code-issue": [reference],
        "sharing:request-new": [reference],
        "sharing:sealed-note": [reference],
        "sharing:request-show": [pk],
        "sharing:request-referral": [pk],
        "sharing:request-withdraw": [pk],
        "sharing:request-package": [pk, "json"],
        "sharing:approval": [pk],
        "oversight:report-audit": [reference],
        "portal:followup-advocate-show": [reference],
        "portal:followup-advocate-message": [reference],
        "portal:followup-advocate-copy": [reference],
        "portal:followup-advocate-code-replace": [reference],
    }
    for area in AREAS:
        if name in getattr(area, "URL_ARGS", {}):
            return reverse(name, args=area.URL_ARGS[name](side))
    return reverse(name, args=args.get(name, []))
