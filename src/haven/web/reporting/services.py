"""Writes of reports: the one place each change to a report happens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from haven.web.accounts.models import AdvocateOrganisation, Force, User
from haven.web.ledger.services import ledger_append, ledger_pseudonym
from haven.web.reporting.models import Channel, Report, ReportPerson, Stage


@dataclass(frozen=True)
class PersonInReport:
    role: str
    label: str
    name: str = ""


@transaction.atomic
def report_create(
    *,
    force: Force,
    offence: str,
    account: str,
    people: Sequence[PersonInReport],
    channel: Channel,
    recorded_by: User | None = None,
    advocate_organisation: AdvocateOrganisation | None = None,
    language: str = "en",
    received_at: datetime | None = None,
    reference: str | None = None,
) -> Report:
    """Record a report and the people in it. Raises `ValidationError`; nothing is saved then."""
    if not people:
        raise ValidationError(
            {"people": "A report names at least one person: the victim or a witness."}
        )
    report = Report(
        force=force,
        offence=offence,
        account=account,
        channel=channel,
        recorded_by=recorded_by,
        advocate_organisation=advocate_organisation,
        language=language,
        received_at=received_at or timezone.now(),
    )
    if reference:
        report.reference = reference
    report.full_clean()
    report.save()
    rows = []
    for person in people:
        row = ReportPerson(report=report, role=person.role, label=person.label, name=person.name)
        row.full_clean()
        row.save()
        rows.append(row)
    ledger_append(
        kind="report_received",
        payload={
            "report": report_pseudonym(report),
            "force": force.code,
            "offence": report.offence,
            "channel": report.channel,
            "people": [{"person": person_pseudonym(row), "role": row.role} for row in rows],
        },
        at=report.received_at,
    )
    return report


def report_pseudonym(report: Report) -> str:
    return ledger_pseudonym(kind="report", value=report.reference)


def person_pseudonym(person: ReportPerson) -> str:
    return ledger_pseudonym(kind="person", value=f"{person.report.reference}/{person.pk}")


@transaction.atomic
def report_stage_change(*, report: Report, stage: Stage) -> Report:
    report.stage = stage
    report.full_clean()
    report.save(update_fields=["stage"])
    return report
