"""Reads of reports, always scoped to what the user may see (`accounts.permissions`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from haven.web.accounts.models import Force, User
from haven.web.accounts.permissions import Capability, forces_where
from haven.web.reporting.models import Report, ReportPerson


def report_list_for_user(*, user: User) -> QuerySet[Report]:
    """Reports of the forces where `user` may view reports.

    Advocates see none here, even the reports their organisation made: the console shows
    a report's content, and a victim's consent lets an advocate see progress, exchange
    messages, ask for a copy or replace a code, never read the record itself. Their own
    pages (`portal.views_followup`, "Reports you made for victims") follow each scope."""
    if not user.is_authenticated or not user.is_active:
        return Report.objects.none()
    visible = Q(force__in=forces_where(user=user, capability=Capability.VIEW_REPORTS))
    return (
        Report.objects.filter(visible)
        .select_related("force", "advocate_organisation", "recorded_by")
        .prefetch_related("people")
        .distinct()
    )


@dataclass(frozen=True)
class ReportFilters:
    """What the console's list is narrowed to. Only plain columns can be filtered: the
    account, names and places are sealed, so free text is not searchable."""

    stage: str = ""
    offence: str = ""
    channel: str = ""
    received_from: date | None = None
    received_to: date | None = None
    reference: str = ""


def report_list_filtered(*, user: User, filters: ReportFilters) -> QuerySet[Report]:
    """`report_list_for_user`, narrowed by `filters`, newest first.

    The dates are whole days in the site's time zone, both ends included. A reference
    matches from its start, ignoring case and spaces (`hvn-7k3m` finds `HVN-7K3M-9Q2P`).
    """
    reports = (
        report_list_for_user(user=user)
        .prefetch_related(None)  # the list shows no people
        .order_by("-received_at", "reference")
    )
    if filters.stage:
        reports = reports.filter(stage=filters.stage)
    if filters.offence:
        reports = reports.filter(offence=filters.offence)
    if filters.channel:
        reports = reports.filter(channel=filters.channel)
    if filters.received_from is not None:
        reports = reports.filter(received_at__gte=_start_of(filters.received_from))
    if filters.received_to is not None:
        reports = reports.filter(received_at__lt=_start_of(filters.received_to + timedelta(days=1)))
    reference = "".join(filters.reference.split()).upper()
    if reference:
        reports = reports.filter(reference__startswith=reference)
    return reports


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def report_recording_forces(*, user: User) -> QuerySet[Force]:
    """The forces in which `user` may record a report (the console's record form)."""
    return forces_where(user=user, capability=Capability.RECORD_REPORTS).order_by("name")


def report_get_for_user(*, user: User, reference: str) -> Report:
    """One report `user` may see. Raises `Report.DoesNotExist` otherwise, so another force's report is a 404.

    References are upper case; one typed or read out in lower case finds its report."""
    return report_list_for_user(user=user).get(reference=reference.upper())


@dataclass(frozen=True)
class PersonContent:
    role: str
    role_label: str
    label: str
    name: str
    id: int | None = None
    relation_label: str = ""
    """How they stand to `related_to_label` ("Partner or ex-partner of"), or ""."""
    related_to_label: str = ""


@dataclass(frozen=True)
class ReportContent:
    """A report's personal data, opened for one reader (never cached, never logged)."""

    account: str
    contact: str
    people: tuple[PersonContent, ...]
    occurred: str = ""
    place: str = ""
    preferred_language: str = ""


def report_content(*, report: Report) -> ReportContent:
    """Open the report's sealed fields. The caller records the read (`services.report_read`).

    Raises:
        PrivacyError: a sealed field does not open (tampered, or its key destroyed).
    """
    return ReportContent(
        account=report.unseal_text("account"),
        contact=report.unseal_text("contact"),
        people=_people_content(list(report.people.all())),
        occurred=report.unseal_text("occurred"),
        place=report.unseal_text("place"),
        preferred_language=report.unseal_text("preferred_language"),
    )


def _people_content(people: list[ReportPerson]) -> tuple[PersonContent, ...]:
    labels = {person.pk: person.unseal_text("label") for person in people}
    return tuple(
        PersonContent(
            id=person.pk,
            role=person.role,
            role_label=str(person.get_role_display()),
            label=labels[person.pk],
            name=person.unseal_text("name"),
            relation_label=(
                str(person.get_relation_display())
                if person.relation and person.related_to_id in labels
                else ""
            ),
            related_to_label=labels.get(person.related_to_id, "") if person.relation else "",
        )
        for person in people
    )


def report_person_get(*, report: Report, person_id: int) -> ReportPerson:
    """One person of `report` (a person of another report is `DoesNotExist`, a 404)."""
    person = ReportPerson.objects.get(report=report, pk=person_id)
    person.report = report
    return person


def reader_role(*, user: User, report: Report) -> str:
    """The part in which `user` reads `report`: their role in its force, or advocate."""
    roles = set(user.memberships.filter(force_id=report.force_id).values_list("role", flat=True))
    for role in ("officer", "supervisor", "dpo", "auditor"):
        if role in roles:
            return role
    return "advocate"


# --- the case's timeline -----------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One ledger entry about a report, in words for the force's staff."""

    at: datetime | None
    what: str
    who: str
    index: int
    """The entry's position in the public log."""
    details: tuple[str, ...] = field(default=())
    """The rules a decision rested on and the obligations it carried, in words."""


def report_timeline(*, report: Report) -> list[TimelineEntry]:
    """Every ledger entry about `report`, newest first, in words: its arrival, who read
    it, stage and people changes, messages, and each decision, approval, disclosure and
    opening of the sealed compartment. Staff of the report's force appear by name; the
    ledger holds only their pseudonyms. Nothing here opens the report's own content.

    Raises:
        InvalidEventError: a stored event does not match its public leaf (tampering).
    """
    from haven.web.accounts.selectors import staff_names
    from haven.web.ledger.selectors import entries_about, entry_event
    from haven.web.reporting.services import person_pseudonym, report_pseudonym

    names = staff_names(report_force=report.force, organisation=report.advocate_organisation)
    people = {person_pseudonym(person): person.get_role_display() for person in report.people.all()}
    entries = []
    for entry in entries_about(subject=report_pseudonym(report)):
        event = entry_event(entry)
        payload = event.get("payload", {})
        what, details = _timeline_words(entry.kind, payload, people)
        entries.append(
            TimelineEntry(
                at=datetime.fromisoformat(event["at"]) if "at" in event else entry.recorded_at,
                what=what,
                who=_timeline_who(entry.kind, payload, names),
                index=entry.position,
                details=details,
            )
        )
    entries.reverse()
    return entries


def _timeline_who(kind: str, payload: dict[str, Any], names: dict[str, str]) -> str:
    """Who acted, in the same words as the reporter's own log says it to them
    (`portal.disclosure_log`), so the two pages never disagree."""
    if kind == "report_received":  # the event names no one: who made it follows its way in
        channel = payload.get("channel", "")
        return {"portal": "The reporter", "advocate": "Their advocate"}.get(channel, "An officer")
    if kind in ("support_referral_chosen", "receipt_issued"):  # the reporter's own steps
        return "The reporter"
    if kind == "receipt_code_changed" and payload.get("change") == "issued":
        # Issued with the submission (recorded as the reporter's), or by an officer.
        return (
            names.get(payload.get("by", ""), "An officer")
            if payload.get("via") == "force"
            else "Haven"
        )
    actor = payload.get("by") or payload.get("reader") or ""
    if actor in ("", "system"):
        return "Haven"
    if actor == "reporter":
        return "The reporter"
    return names.get(actor, "Someone outside this force")


def _label(choices: Any, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return "an unrecognised value"


def _rule_words(policy: str, rule: str) -> str:
    """What a rule says and where it comes from, or the policy alone if it is not shipped."""
    from haven.policy.registry import load_policy

    try:
        found = load_policy(policy).rule(rule)
    except Exception:  # noqa: BLE001 - a policy not shipped here still names itself
        return f"A rule of the policy {policy}"
    return f"Rule: {found.summary} ({found.source})" if found.source else f"Rule: {found.summary}"


def _timeline_words(
    kind: str, p: dict[str, Any], people: dict[str, str]
) -> tuple[str, tuple[str, ...]]:
    from haven.policy.obligations import describe_obligation
    from haven.web.reporting.models import Channel, Offence, PersonRole, Stage
    from haven.web.sharing.models import Action, Purpose, Recipient

    def person() -> str:
        role = people.get(p.get("person", ""))
        if role is None:
            role = _label(PersonRole, p.get("person_role") or p.get("role", ""))
            return f"a person no longer in the report ({role.lower()})"
        return f"the {str(role).lower()}"

    if kind == "report_received":
        return (
            f"Report received ({_label(Channel, p.get('channel', '')).lower()}): "
            f"{_label(Offence, p.get('offence', '')).lower()}.",
            (),
        )
    if kind == "report_read":
        return "Read the report.", ()
    if kind == "report_stage_changed":
        return (
            f"Moved the report from “{_label(Stage, p.get('stage_from', ''))}” "
            f"to “{_label(Stage, p.get('stage_to', ''))}”.",
            (),
        )
    if kind == "report_people_changed":
        change = {"added": "Added", "updated": "Changed", "removed": "Removed"}.get(
            p.get("change", ""), "Changed"
        )
        return f"{change} a person: {_label(PersonRole, p.get('role', '')).lower()}.", ()
    if kind == "records_destroyed":
        return "Destroyed the report's content under the retention schedule.", ()
    if kind == "message_sent":
        sender = {"reporter": "The reporter", "advocate": "Their advocate"}.get(
            p.get("sender", ""), "The force"
        )
        return f"{sender} sent a message on the follow-up page.", ()
    if kind == "receipt_code_changed":
        if p.get("change") == "issued":
            return "The reporter's receipt code was issued.", ()
        return "Replaced the reporter's receipt code.", ()
    if kind == "advocate_consent_changed":
        if p.get("change") == "revoked":
            return "The victim withdrew their consent for their advocate.", ()
        return "The victim's consent for their advocate was recorded.", ()
    if kind == "copy_requested":
        return "A copy of the report's data was asked for.", ()
    if kind == "support_referral_chosen":
        return "The reporter asked to be referred to support services.", ()
    if kind == "receipt_issued":
        return "The reporter was given a signed promise receipt.", ()
    if kind == "decision":
        action = _label(Action, p.get("action", ""))
        if p.get("action") == "disclose":
            action += (
                f" to {_label(Recipient, p.get('recipient', ''))}"
                f" for {_label(Purpose, p.get('purpose', '')).lower()}"
            )
        verdict = "allowed" if p.get("decision") == "allow" else "refused"
        details = tuple(_rule_words(p.get("policy", ""), rule) for rule in p.get("rules", []))
        details += tuple(
            f"Obligation: {describe_obligation(name)}" for name in p.get("obligations", [])
        )
        return f"Asked for: {action}, about {person()}. The policy {verdict} it.", details
    if kind == "request_step":
        step = {
            "rationale_recorded": "Recorded the reason for a request",
            "deferred_until_concluded": "Held a request until the case concludes",
            "released_from_deferral": "Released a held request: the case concluded",
            "first_approval": "Gave the first of two approvals of a request",
            "approved": "Approved a request",
            "refused_by_approver": "Refused a request",
            "referred_to_support": "Recorded a referral to a support service",
            "withdrawn": "Withdrew a request",
            "subject_notified": "Told the reporter that information was shared",
        }.get(p.get("step", ""), "A request moved on")
        return f"{step} about {person()}.", ()
    if kind == "disclosure":
        return (
            f"Downloaded the package disclosing information about {person()} to "
            f"{_label(Recipient, p.get('recipient', ''))} "
            f"for {_label(Purpose, p.get('purpose', '')).lower()}.",
            (),
        )
    if kind == "sealed_access":
        why = {
            "subject_access": "to answer their request for their information",
            "policy_impact": "to check how a new policy version would decide a past request",
        }.get(p.get("reason", ""), "for a decided request")
        return f"Opened the sealed compartment about {person()}, {why}.", ()
    if kind == "sealed_note_recorded":
        return f"Recorded a sealed note about {person() if p.get('person') else 'the report'}.", ()
    if kind == "subject_access_answered":
        withheld = (
            " under the immigration exemption, with a recorded reason" if p.get("exemption") else ""
        )
        return f"The DPO answered a subject access request{withheld}.", ()
    if kind == "subject_access_downloaded":
        who = "The advocate" if p.get("via") == "advocate" else "The reporter"
        return f"{who} downloaded the answer to a subject access request.", ()
    return "Something else about this report was recorded.", ()
