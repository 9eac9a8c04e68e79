"""Reads for auditors: ledger events opened from their commitments, and who read a report.

An auditor sees no personal data: events carry only pseudonyms and codes. The site,
which holds the pseudonym key, resolves a staff pseudonym to the staff member's
username for staff of the auditor's own forces, so an inspector can say who read a
report without anyone handing them the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from haven.ledger.errors import InvalidEventError
from haven.privacy import PrivacyError
from haven.web.accounts.models import Force, User
from haven.web.accounts.permissions import Capability, forces_where
from haven.web.accounts.selectors import staff_names
from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.selectors import entries_about, entry_event, published_size
from haven.web.oversight.labels import decision_label, kind_label, role_label
from haven.web.reporting.models import Offence, PersonRole, Report
from haven.web.reporting.selectors import _label, _rule_words, _timeline_words
from haven.web.reporting.services import report_pseudonym
from haven.web.sharing.labels import obligation_title
from haven.web.sharing.models import Action, Recipient


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
                reader_role=role_label(str(event.payload["reader_role"])),
            )
        )
    return records


# --- events and decisions across the forces a user audits ----------------------------------

PAGE_SIZE = 25


@dataclass(frozen=True)
class AuditedReport:
    reference: str
    force_code: str
    force_name: str
    offence: str


def audited_reports(*, forces: QuerySet[Force]) -> dict[str, AuditedReport]:
    """The reports of `forces`, by their ledger pseudonym (reference and codes only: on
    PostgreSQL, `reporting_report` is an `audited` table, so an auditor's scope reads it)."""
    rows = Report.objects.filter(force__in=forces).values_list(
        "reference", "force__code", "force__name", "offence"
    )
    found = {}
    for reference, code, name, offence in rows:
        report = Report(reference=reference)
        found[report_pseudonym(report)] = AuditedReport(reference, code, name, offence)
    return found


@dataclass(frozen=True)
class EventFilters:
    kind: str = ""
    force: str = ""
    """A force code, one of the audited forces (or empty: all of them)."""
    day: date | None = None


def _entries(
    *, reports: dict[str, AuditedReport], filters: EventFilters, kinds: tuple[str, ...] = ()
) -> QuerySet[LedgerEntry]:
    subjects = [
        pseudonym
        for pseudonym, report in reports.items()
        if not filters.force or report.force_code == filters.force
    ]
    entries = LedgerEntry.objects.filter(subject__in=subjects)
    if kinds:
        entries = entries.filter(kind__in=kinds)
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.day is not None:
        entries = entries.filter(recorded_at__date=filters.day)
    return entries.order_by("-position")


def _open(entry: LedgerEntry) -> tuple[bool, dict[str, Any], datetime | None]:
    """(verified, payload, at): the entry opened and its commitment recomputed."""
    try:
        event = entry_event(entry)
    except (InvalidEventError, PrivacyError):
        return False, {}, entry.recorded_at
    at = datetime.fromisoformat(event["at"]) if "at" in event else entry.recorded_at
    return True, event.get("payload", {}), at


def _people(payload: dict[str, Any]) -> dict[str, str]:
    """The event's person pseudonym, named by the role the event itself records."""
    if "person" not in payload:
        return {}
    return {payload["person"]: _label(PersonRole, payload.get("person_role", ""))}


@dataclass(frozen=True)
class EventRow:
    position: int
    kind: str
    kind_label: str
    at: datetime | None
    force_name: str
    reference: str
    what: str
    details: tuple[str, ...]
    verified: bool
    published: bool
    """Within the latest published checkpoint: its inclusion proof can be asked for."""


def events_page(
    *, user: User, filters: EventFilters, number: int | str = 1
) -> tuple[Page, list[EventRow]]:
    """One page of the events about the reports of the forces `user` audits, newest first,
    each opened and checked against its public leaf."""
    reports = audited_reports(forces=audited_forces(user=user))
    page = Paginator(_entries(reports=reports, filters=filters), PAGE_SIZE).get_page(number)
    published = published_size() or 0
    rows = [
        _event_row(
            entry,
            force_name=reports[entry.subject].force_name,
            reference=reports[entry.subject].reference,
            published=published,
        )
        for entry in page.object_list
    ]
    return page, rows


def _event_row(entry: LedgerEntry, *, force_name: str, reference: str, published: int) -> EventRow:
    """One event in words, opened from its commitment and checked against its leaf."""
    verified, payload, at = _open(entry)
    what, details = (
        _timeline_words(entry.kind, payload, _people(payload))
        if verified
        else (str(_("This event could not be opened.")), ())
    )
    return EventRow(
        position=entry.position,
        kind=entry.kind,
        kind_label=kind_label(entry.kind),
        at=at,
        force_name=force_name,
        reference=reference,
        what=what,
        details=details,
        verified=verified,
        published=entry.position < published,
    )


@dataclass(frozen=True)
class DecisionRow:
    position: int
    at: datetime | None
    force_name: str
    action: str
    recipient: str
    role: str
    offence: str
    decision: str
    obligations: tuple[str, ...]
    rules: tuple[str, ...]
    report_pseudonym: str
    person_pseudonym: str
    verified: bool


def decisions_page(
    *, user: User, filters: EventFilters, number: int | str = 1
) -> tuple[Page, list[DecisionRow]]:
    """One page of the policy's decisions on the requests of the forces `user` audits,
    newest first: every `sharing.DecisionRequest` is ledgered as a `decision` event
    (the ledger audit's coverage), so they are read from the ledger, pseudonymised.
    Never a name, reference, label or free text."""
    reports = audited_reports(forces=audited_forces(user=user))
    entries = _entries(
        reports=reports, filters=EventFilters(force=filters.force), kinds=("decision",)
    )
    page = Paginator(entries, PAGE_SIZE).get_page(number)
    rows = []
    for entry in page.object_list:
        verified, p, at = _open(entry)
        report = reports[entry.subject]
        rows.append(
            DecisionRow(
                position=entry.position,
                at=at,
                force_name=report.force_name,
                action=_label(Action, p.get("action", "")),
                recipient=_label(Recipient, p.get("recipient", "")),
                role=_label(PersonRole, p.get("person_role", "")),
                offence=_label(Offence, report.offence),
                decision=decision_label(p.get("decision", "")) if verified else "",
                obligations=tuple(obligation_title(o) for o in p.get("obligations", [])),
                rules=tuple(_rule_words(p.get("policy", ""), r) for r in p.get("rules", [])),
                report_pseudonym=entry.subject,
                person_pseudonym=str(p.get("person", "")),
                verified=verified,
            )
        )
    return page, rows


def report_event_rows(*, report: Report) -> list[EventRow]:
    """Every event about one report, in log order, in words, each checked against its leaf."""
    published = published_size() or 0
    return [
        _event_row(
            entry, force_name=report.force.name, reference=report.reference, published=published
        )
        for entry in entries_about(subject=report_pseudonym(report))
    ]
