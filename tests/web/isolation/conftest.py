"""Rows in every force-scoped table for two forces (and an advocate's report), and the
site's database role (`haven_app`) for the test's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import connection

from haven.web.accounts.models import User
from haven.web.isolation.roles import APP_ROLE, app_role_ensure, app_role_grant
from haven.web.portal import codes
from haven.web.portal.models import AdvocateConsent, Message, ReceiptCode, Reporter
from haven.web.reporting.models import Report, SealedNote
from haven.web.sharing.models import Approval, DecisionRequest, SupportReferral

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-level security is PostgreSQL's; on SQLite the selectors' filters are the rule",
)


@dataclass
class World:
    """Every registered table's row ids, by the force each belongs to."""

    rows: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    """A live receipt code in plain text, by force code."""

    def add(self, table: str, force: str, pk: int) -> None:
        self.rows.setdefault(table, {}).setdefault(force, set()).add(pk)

    def ids(self, table: str, *forces: str) -> set[int]:
        return set().union(*(self.rows.get(table, {}).get(f, set()) for f in forces))


def _case(world: World, label: str, report: Report, officer: User, supervisor: User, org) -> None:
    person = report.people.first()
    world.add("reporting_report", label, report.pk)
    for p in report.people.all():
        world.add("reporting_reportperson", label, p.pk)
    note = SealedNote.objects.create(report=report, person=person, recorded_by=officer)
    world.add("reporting_sealednote", label, note.pk)
    reporter = Reporter.objects.create(report=report, person=person, way_in="victim")
    world.add("portal_reporter", label, reporter.pk)
    code = codes.new_code()
    receipt = ReceiptCode.objects.create(report=report, digest=codes.digest(code))
    world.codes[label] = code
    world.add("portal_receiptcode", label, receipt.pk)
    message = Message.objects.create(report=report, sender="reporter")
    world.add("portal_message", label, message.pk)
    if org is not None:
        consent = AdvocateConsent.objects.create(
            report=report, organisation=org, scopes=["see_updates"], recorded_by=officer
        )
        world.add("portal_advocateconsent", label, consent.pk)
    request = DecisionRequest.objects.create(
        force=report.force,
        report=report,
        person=person,
        requested_by=officer,
        action="status_check",
        recipient="immigration_enforcement",
        purpose="immigration_control",
        policy="firewall",
        policy_version="1",
        decision="deny",
        status="refused",
    )
    world.add("sharing_decisionrequest", label, request.pk)
    approval = Approval.objects.create(request=request, approver=supervisor, approved=False)
    world.add("sharing_approval", label, approval.pk)
    referral = SupportReferral.objects.create(request=request, service="a", recorded_by=officer)
    world.add("sharing_supportreferral", label, referral.pk)


MET, KENT, KENT_ADVOCATE = "met", "kent", "kent-advocate"
"""Labels of the rows: Met's report; Kent's report; an advocate's report, also Kent's,
kept apart so that organisation scope can be told from force scope."""


@pytest.fixture
def world(report, kent_report, advocate_report, officer, kent_officer, supervisor, organisation):
    built = World()
    _case(built, MET, report, officer, supervisor, None)
    _case(built, KENT, kent_report, kent_officer, supervisor, None)
    _case(built, KENT_ADVOCATE, advocate_report, kent_officer, supervisor, organisation)
    return built


@pytest.fixture
def app_role(world):
    """The rest of the test runs as the site's role (`SET LOCAL ROLE`, undone with the
    test's transaction). The role is created if this server lacks it, and granted the
    test database's tables, both inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user = %s", [APP_ROLE])
        if not cursor.fetchone()[0]:  # the suite runs as the superuser (tests/web/conftest.py)
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
            if cursor.fetchone() is None:
                app_role_ensure(cursor.cursor, APP_ROLE)
            app_role_grant(cursor.cursor, APP_ROLE)
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
    yield APP_ROLE
