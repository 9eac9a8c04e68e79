"""Reads for auditors: ledger events opened from their commitments, and who read a report.

An auditor sees no personal data: events carry only pseudonyms and codes. The site,
which holds the pseudonym key, resolves a staff pseudonym to the staff member's
username for staff of the auditor's own forces, so an inspector can say who read a
report without anyone handing them the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from haven.web.accounts.models import Force, User
from haven.web.accounts.permissions import Capability, forces_where
from haven.web.accounts.selectors import staff_names
from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.selectors import entries_about, entry_event
from haven.web.reporting.models import Report
from haven.web.reporting.services import report_pseudonym


def audited_forces(*, user: User) -> QuerySet[Force]:
    return forces_where(user=user, capability=Capability.VERIFY_LEDGER)


def audited_report(*, user: User, reference: str) -> Report:
    """A report of a force the user audits (reference and codes only).

    Raises:
        Report.DoesNotExist: not one of the user's forces (a 404, as for any other report).
    """
    return Report.objects.select_related("force").get(
        reference=reference, force__in=audited_forces(user=user)
    )


@dataclass(frozen=True)
class OpenedEvent:
    position: int
    kind: str
    at: datetime | None
    payload: dict[str, Any]
    public: bool


def opened_event(*, entry: LedgerEntry) -> OpenedEvent:
    event = entry_event(entry)
    return OpenedEvent(
        position=entry.position,
        kind=entry.kind,
        at=datetime.fromisoformat(event["at"]) if "at" in event else None,
        payload=event["payload"],
        public=not entry.event,
    )


def report_events(*, report: Report) -> list[OpenedEvent]:
    """Every event about one report, opened (each checked against its public leaf)."""
    return [opened_event(entry=e) for e in entries_about(subject=report_pseudonym(report))]


@dataclass(frozen=True)
class ReadRecord:
    position: int
    at: datetime | None
    reader: str
    """The staff member's name (or username), or their pseudonym when they are not staff of
    this force."""
    reader_role: str


def report_readers(*, report: Report) -> list[ReadRecord]:
    """Who opened a report's content, when, and in which role."""
    names = staff_names(report_force=report.force, organisation=report.advocate_organisation)
    records = []
    for entry in entries_about(subject=report_pseudonym(report), kinds=("report_read",)):
        event = opened_event(entry=entry)
        reader = str(event.payload["reader"])
        records.append(
            ReadRecord(
                position=event.position,
                at=event.at,
                reader=names.get(reader, reader),
                reader_role=str(event.payload["reader_role"]),
            )
        )
    return records
