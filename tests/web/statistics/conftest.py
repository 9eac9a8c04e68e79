"""Fixtures for the statistics tests: reports and requests placed in 2026Q3."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from haven.web.reporting.models import Channel, Report
from haven.web.reporting.services import PersonInReport, report_create
from haven.web.sharing.models import DecisionRequest
from haven.web.sharing.services import OfficerAnswers, decision_request_create

IN_Q3 = datetime(2026, 8, 14, 12, 0, tzinfo=ZoneInfo("Europe/London"))
IN_Q4 = datetime(2026, 10, 2, 12, 0, tzinfo=ZoneInfo("Europe/London"))


def place(report: Report, at: datetime) -> None:
    """Move a report and its requests to `at` (the release counts by date)."""
    Report.objects.filter(pk=report.pk).update(received_at=at)
    DecisionRequest.objects.filter(report=report).update(requested_at=at)


def a_report(force, *, offence="domestic_abuse", account="He took my passport.") -> Report:
    return report_create(
        force=force,
        offence=offence,
        account=account,
        people=[
            PersonInReport(role="victim", label="Amara Okafor"),
            PersonInReport(role="suspect", label="husband"),
        ],
        channel=Channel.PORTAL,
    )


def a_request(report: Report, by, *, action="disclose", recipient="support_service"):
    return decision_request_create(
        report=report,
        person=report.people.get(role="victim"),
        action=action,
        answers=OfficerAnswers(purpose="safeguarding", recipient=recipient),
        by=by,
        rationale="Refuge asked.",
    )


@pytest.fixture
def generous_budget(settings):
    """A budget so large the noise is negligible (scale 7 / 1000), for counting checks."""
    settings.HAVEN_STATISTICS_YEARLY_EPSILON = "4000"
    return "1000"
