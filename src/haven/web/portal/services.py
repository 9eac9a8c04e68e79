"""Writes of the portal: drafts, submission, receipt codes, messages, consent, copy requests.

Each write that changes a report records its typed ledger event in the same transaction
(`ledger_record`): the report arriving (`report_insert`), the receipt code issued or
replaced, the advocate's consent given or revoked, each message sent (never its text),
a request for a copy, and the support services the reporter asked for. Drafts are not
reports and are not ledgered: they are sealed, expire, and are deleted on exit and on
submission.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from haven.ledger.kinds import (
    AdvocateConsentChanged,
    CopyRequested,
    MessageSent,
    ReceiptCodeChanged,
    SupportReferralChosen,
)
from haven.web.accounts.models import Force, User
from haven.web.accounts.permissions import Capability, can
from haven.web.accounts.services import staff_pseudonym
from haven.web.isolation.scope import force_admit
from haven.web.ledger.services import ledger_batch, ledger_record
from haven.web.portal import codes
from haven.web.portal.answers import (
    Answers,
    contact_text,
    occurred_text,
    preferred_language_text,
    support_codes,
)
from haven.web.portal.models import (
    AdvocateConsent,
    ConsentScope,
    Message,
    PortalDraft,
    ReceiptCode,
    Reporter,
    Sender,
    WayIn,
)
from haven.web.reporting.models import Channel, PersonRole, Report, ReportPerson
from haven.web.reporting.services import (
    PersonInReport,
    report_insert,
    report_prepare,
    report_pseudonym,
)

MAX_MESSAGE_CHARACTERS = 2_000
REPORTER = "reporter"
SYSTEM = "system"

# How the reporter appears among the report's people (data for the force, in English).
REPORTER_LABELS = {
    WayIn.VICTIM: "the person reporting",
    WayIn.WITNESS: "the person reporting",
    WayIn.ADVOCATE: "the advocate's client",
}
REPORTER_ROLES = {WayIn.VICTIM: "victim", WayIn.WITNESS: "witness", WayIn.ADVOCATE: "victim"}


# --- drafts ------------------------------------------------------------------------------


def draft_lifetime() -> timedelta:
    return timedelta(hours=settings.HAVEN_PORTAL_DRAFT_HOURS)


@transaction.atomic
def draft_start() -> PortalDraft:
    """A new, empty draft (and the expired ones deleted on the way)."""
    drafts_purge_expired()
    draft = PortalDraft(expires_at=timezone.now() + draft_lifetime())
    draft.seal_text("answers", "{}")
    draft.save()
    return draft


def draft_answers(draft: PortalDraft) -> Answers:
    return json.loads(draft.unseal_text("answers") or "{}")


@transaction.atomic
def draft_save(*, draft: PortalDraft, answers: Answers) -> PortalDraft:
    """Seal and store the answers so far (the expiry does not move)."""
    draft.seal_text("answers", json.dumps(answers, ensure_ascii=False, sort_keys=True))
    draft.save(update_fields=["answers", "wrapped_key"])
    return draft


def draft_discard(*, draft_id: int | None) -> None:
    """Delete a draft (on exit, on submission); nothing happens if it is gone already."""
    if draft_id is not None:
        PortalDraft.objects.filter(pk=draft_id).delete()


def drafts_purge_expired() -> int:
    """Delete every expired draft; returns how many."""
    deleted, _ = PortalDraft.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


# --- submission --------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    report: Report
    code: str
    """The receipt code, canonical: shown once, on the confirmation page, never stored."""


def _people(answers: Answers, way: WayIn) -> list[PersonInReport]:
    me = PersonInReport(role=REPORTER_ROLES[way], label=REPORTER_LABELS[way])
    others = [
        PersonInReport(role=p["role"], label=p["label"], name=p.get("name", ""))
        for p in answers.get("people", [])
    ]
    return [me, *others]


def portal_submit(
    *, draft: PortalDraft, answers: Answers, advocate: User | None = None, language: str = "en"
) -> Submitted:
    """Turn complete answers into a report, issue its receipt code and delete the draft.

    The report, its people and the reporter's row are checked and sealed first; then one
    transaction saves them, with their ledger events (the report received, the support
    asked for, the advocate's consent, the receipt code issued) appended together at its
    end (`ledger_batch`). Every submission waits for the log's head (and on SQLite for
    the database's one writer), so the transaction holds only the writes, and the head
    is locked once, for the append and the commit.

    Raises:
        ValidationError: the answers are not complete or not valid (nothing is saved).
        PermissionDenied: an advocate's report from someone who is not an advocate.
    """
    from haven.web.portal.steps import missing_step

    if missing_step(answers) is not None:
        raise ValidationError("Some questions have not been answered yet.")
    way = WayIn(answers["way"])
    organisation = None
    if way == WayIn.ADVOCATE:
        organisation = advocate.advocate_organisations.first() if advocate else None
        if organisation is None:
            raise PermissionDenied("Only a signed-in advocate can report for someone.")
    new = report_prepare(
        force=Force.objects.get(code=answers["force"]),
        offence=answers["offence"],
        account=answers["account"],
        people=_people(answers, way),
        channel=Channel.ADVOCATE if organisation else Channel.PORTAL,
        contact=contact_text(answers),
        advocate_organisation=organisation,
        language=language,
        occurred=occurred_text(answers),
        place=answers.get("place", ""),
        preferred_language=preferred_language_text(answers),
        interpreter_needed=bool(answers.get("interpreter")),
    )
    # The reporter is the first of the report's people (`_people`).
    reporter = Reporter(report=new.report, person=new.people[0], way_in=way)
    services = support_codes(answers)
    reporter.seal_text("support", json.dumps(list(services)))
    # Row-level security (PostgreSQL): the request may now write into the chosen force.
    force_admit(new.report.force_id)
    with transaction.atomic(), ledger_batch():
        report = report_insert(new)
        reporter.save()
        if services:
            ledger_record(SupportReferralChosen(report=report_pseudonym(report), services=services))
        if organisation is not None:
            scopes = tuple(s for s in answers.get("consent", []) if s in ConsentScope.values)
            AdvocateConsent.objects.create(
                report=report, organisation=organisation, scopes=list(scopes), recorded_by=advocate
            )
            ledger_record(
                AdvocateConsentChanged(
                    report=report_pseudonym(report),
                    change="given",
                    scopes=scopes,
                    by=staff_pseudonym(advocate),
                )
            )
        code = _issue_code(report, change="issued", via="report_submitted", by=REPORTER, new=True)
        draft_discard(draft_id=draft.pk)
    return Submitted(report=report, code=code)


# --- receipt codes -----------------------------------------------------------------------


def _issue_code(report: Report, *, change: str, via: str, by: str, new: bool = False) -> str:
    """Issue a receipt code; any live one stops working (a `new` report has none yet)."""
    now = timezone.now()
    if not new:
        ReceiptCode.objects.filter(report=report, replaced_at__isnull=True).update(replaced_at=now)
    code = codes.new_code()
    ReceiptCode.objects.create(report=report, digest=codes.digest(code), issued_at=now)
    ledger_record(
        ReceiptCodeChanged(report=report_pseudonym(report), change=change, via=via, by=by)
    )
    return code


@transaction.atomic
def receipt_code_replace_by_reporter(*, receipt: ReceiptCode) -> str:
    """The holder of a live code replaces it (they fear someone found it): the old one
    stops working at once. Returns the new code."""
    receipt = ReceiptCode.objects.select_for_update().get(pk=receipt.pk)
    if not receipt.live:
        raise PermissionDenied("This receipt code has been replaced.")
    return _issue_code(receipt.report, change="replaced", via=REPORTER, by=REPORTER)


@transaction.atomic
def receipt_code_replace_by_advocate(*, report: Report, by: User) -> str:
    """The victim's advocate replaces the code, if the victim's consent allows it."""
    require_consent(report=report, user=by, scope=ConsentScope.REPLACE_CODE)
    return _issue_code(report, change="replaced", via="advocate", by=staff_pseudonym(by))


@transaction.atomic
def receipt_code_replace_by_force(*, report: Report, by: User) -> str:
    """An officer of the report's force replaces the code, once satisfied who is asking."""
    if not can(user=by, capability=Capability.RECORD_REPORTS, force=report.force):
        raise PermissionDenied(f"{by.username} may not act for {report.force.name}")
    return _issue_code(report, change="replaced", via="force", by=staff_pseudonym(by))


CODE_ALREADY_ISSUED = (
    "The reporter already has a receipt code. If they have lost it, replace it instead."
)
# How the person an officer gives the first code to came in: by their part in the report.
WAYS_IN_BY_ROLE = {PersonRole.VICTIM: WayIn.VICTIM, PersonRole.WITNESS: WayIn.WITNESS}


@transaction.atomic
def receipt_code_issue_by_force(*, report: Report, person: ReportPerson, by: User) -> str:
    """The first receipt code of a report an officer recorded (by phone, at a front desk),
    for `person`, the victim or witness the officer is talking to: they become the
    report's `Reporter` (whose disclosure log they see) and get the code, shown once.

    Raises:
        PermissionDenied: `by` may not record reports in the report's force.
        ValidationError: the report already has a code (or a reporter), was destroyed,
            or `person` is not a victim or witness in it (nothing is saved).
    """
    if not can(user=by, capability=Capability.RECORD_REPORTS, force=report.force):
        raise PermissionDenied(f"{by.username} may not act for {report.force.name}")
    # Locked, so that two officers (or a double click) cannot both issue a first code.
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.destroyed:
        raise ValidationError("This report was destroyed under the retention schedule.")
    if report.receipt_codes.exists() or Reporter.objects.filter(report=report).exists():
        raise ValidationError(CODE_ALREADY_ISSUED)
    person = ReportPerson.objects.filter(pk=person.pk, report=report).first()
    if person is None:
        raise ValidationError("Choose someone in this report.")
    if person.role not in WAYS_IN_BY_ROLE:
        if person.role in (PersonRole.SUSPECT, PersonRole.VICTIM_AND_SUSPECT):
            raise ValidationError(
                "A suspect cannot be given the reporter's receipt code. Choose the victim "
                "or witness you are talking to."
            )
        raise ValidationError(
            "Only a victim or a witness can be given the reporter's receipt code."
        )
    reporter = Reporter(report=report, person=person, way_in=WAYS_IN_BY_ROLE[person.role])
    reporter.seal_text("support", json.dumps([]))  # asked for none: as portal_submit seals it
    reporter.save()
    return _issue_code(report, change="issued", via="force", by=staff_pseudonym(by), new=True)


# --- advocates' consent ------------------------------------------------------------------


def require_consent(*, report: Report, user: User, scope: str) -> AdvocateConsent:
    """The live consent that lets `user` (a member of the organisation) do `scope`.

    Raises:
        PermissionDenied: no such consent, it was revoked, or it does not cover `scope`.
    """
    consent = AdvocateConsent.objects.filter(report=report).first()
    if (
        consent is None
        or not consent.organisation.members.filter(pk=user.pk).exists()
        or not consent.allows(scope)
    ):
        raise PermissionDenied("The victim's consent does not allow this.")
    return consent


@transaction.atomic
def consent_revoke_by_reporter(*, report: Report) -> AdvocateConsent | None:
    """The victim withdraws everything their advocate could do; None if there was nothing."""
    consent = AdvocateConsent.objects.select_for_update().filter(report=report).first()
    if consent is None or not consent.active:
        return None
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    ledger_record(
        AdvocateConsentChanged(
            report=report_pseudonym(report), change="revoked", scopes=(), by=REPORTER
        )
    )
    return consent


# --- messages ----------------------------------------------------------------------------


def _check_message(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write a message."})
    if len(text) > MAX_MESSAGE_CHARACTERS:
        raise ValidationError(
            {"text": f"A message can be {MAX_MESSAGE_CHARACTERS:,} characters at most."}
        )
    return text


def _message(report: Report, sender: str, text: str, by: User | None, actor: str) -> Message:
    if report.destroyed:
        raise ValidationError("This report was destroyed under the retention schedule.")
    message = Message(report=report, sender=sender, sent_by=by)
    message.seal_text("text", _check_message(text))
    message.save()
    ledger_record(MessageSent(report=report_pseudonym(report), sender=sender, by=actor))
    return message


@transaction.atomic
def message_from_reporter(*, report: Report, text: str) -> Message:
    return _message(report, Sender.REPORTER, text, None, REPORTER)


@transaction.atomic
def message_from_advocate(*, report: Report, text: str, by: User) -> Message:
    require_consent(report=report, user=by, scope=ConsentScope.EXCHANGE_MESSAGES)
    return _message(report, Sender.ADVOCATE, text, by, staff_pseudonym(by))


@transaction.atomic
def message_from_force(*, report: Report, text: str, by: User | None) -> Message:
    """A message from the force: an officer replying (`by`), or Haven itself on the force's
    behalf (`by=None`, e.g. the gateway telling the reporter their data was shared)."""
    if by is not None and not (
        can(user=by, capability=Capability.RECORD_REPORTS, force=report.force)
        or can(user=by, capability=Capability.ANSWER_SUBJECT_ACCESS, force=report.force)
    ):
        raise PermissionDenied(f"{by.username} may not write for {report.force.name}")
    return _message(
        report, Sender.FORCE, text, by, staff_pseudonym(by) if by is not None else SYSTEM
    )


# --- copies of the data ------------------------------------------------------------------

COPY_REQUEST_TEXT = (
    "The reporter asks for a copy of the information the force holds about them "
    "(a subject access request). Please answer it within one month."
)


@transaction.atomic
def copy_request(*, report: Report, advocate: User | None = None) -> Message:
    """Ask the force for a copy of the data (a subject access request), as a message the
    force answers; by the reporter, or by their advocate if the consent allows it."""
    if advocate is not None:
        require_consent(report=report, user=advocate, scope=ConsentScope.REQUEST_COPY)
        via, by = "advocate", staff_pseudonym(advocate)
        sender = Sender.ADVOCATE
    else:
        via, by, sender = REPORTER, REPORTER, Sender.REPORTER
    ledger_record(CopyRequested(report=report_pseudonym(report), via=via, by=by))
    return _message(report, sender, COPY_REQUEST_TEXT, advocate, by)
