"""The gateway: the only code that opens the sealed compartment or builds an outbound package.

Every status check, disclosure, PNC check or immigration arrest about a person in a
report goes through `decision_request_create`:

1. the case is assembled from the record (the person's role, the offence, the stage),
   the sealed compartment (the status concern and who raised it, opened here and the
   opening ledgered) and the officer's answers (purpose, recipient, consent, risk to
   others, regularisation support);
2. the force's active policy decides it;
3. its obligations are carried out, not just shown: `record_rationale` needs a reason,
   `supervisor_approval` one supervisor of the same force, `dual_control` two different
   ones, `defer_until_concluded` holds the request until the case concludes,
   `refer_to_support` needs a referral recorded, `minimise_fields` narrows the package,
   `notify_subject` tells the reporter on their follow-up page when data is released.

Refusals are recorded too. Each step writes its ledger event in the same transaction.
Haven sends nothing anywhere: a released request yields a package the officer downloads
(`package_build`), and the download is the disclosure on the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from haven.ledger.kinds import (
    Decision,
    Disclosure,
    RequestStep,
    SealedAccess,
    SealedNoteRecorded,
)
from haven.policy import InvalidCaseError, PolicyDecision
from haven.web.accounts.models import User
from haven.web.accounts.permissions import Capability, can
from haven.web.accounts.selectors import force_active_policy
from haven.web.accounts.services import staff_pseudonym
from haven.web.database.columns import insert_new
from haven.web.ledger.services import ledger_batch, ledger_pseudonym, ledger_record
from haven.web.reporting.models import Report, ReportPerson, SealedNote, Stage
from haven.web.reporting.services import person_pseudonym, report_pseudonym, sealed_note_record
from haven.web.sealing import open_sealed_field
from haven.web.sharing.labels import STATUS_SOURCES, concern_label
from haven.web.sharing.models import (
    Approval,
    DecisionRequest,
    Status,
    SupportReferral,
)
from haven.web.sharing.packages import SEALED_FIELDS, package_fields

MAX_REASON_CHARACTERS = 2_000


@dataclass(frozen=True)
class OfficerAnswers:
    """What only the officer can say about the request."""

    purpose: str
    recipient: str = "none"
    consent: str = "not_sought"
    risk_to_others: bool = False
    regularisation_support: bool = False


def request_pseudonym(request: DecisionRequest) -> str:
    return ledger_pseudonym(kind="request", value=str(request.seal_id))


def _step(request: DecisionRequest, step: str, by: User | None) -> None:
    ledger_record(
        RequestStep(
            report=report_pseudonym(request.report),
            person=person_pseudonym(request.person),
            person_role=request.person.role,
            request=request_pseudonym(request),
            step=step,
            by=staff_pseudonym(by) if by is not None else "system",
        )
    )


def _require(user: User, capability: Capability, report: Report) -> None:
    if not can(user=user, capability=capability, force=report.force):
        raise PermissionDenied(f"{user.username} may not do this for {report.force.name}")


def _refuse_destroyed(report: Report) -> None:
    if report.destroyed:
        raise ValidationError(
            "This report was destroyed under the retention schedule: nothing of it can be "
            "shared or approved."
        )


def _check_reason(text: str, field: str, *, required: bool) -> None:
    if required and not text.strip():
        raise ValidationError({field: "Give a reason: this policy requires one."})
    if len(text) > MAX_REASON_CHARACTERS:
        raise ValidationError(
            {field: f"Keep the reason under {MAX_REASON_CHARACTERS:,} characters."}
        )


# --- the sealed compartment --------------------------------------------------------------


def _sealed_access(
    report: Report, person: ReportPerson, request_seal: str, reason: str, by: User
) -> None:
    """Ledger one opening of the sealed compartment about `person`, inside a request."""
    ledger_record(
        SealedAccess(
            report=report_pseudonym(report),
            person=person_pseudonym(person),
            person_role=person.role,
            request=request_seal,
            reason=reason,
            by=staff_pseudonym(by),
        )
    )


def status_from_sealed(
    *, report: Report, person: ReportPerson, request_seal: str, reason: str, by: User
) -> tuple[str, str]:
    """The latest (concern, source) recorded for `person` (or for the report as a whole),
    opened from the sealed compartment; ("none", "none") when nothing was recorded.

    Opening is ledgered (`sealed_access`) only when there is something to open.
    """
    opened = _status_opened(latest_sealed_note(report=report, person=person))
    if opened is None:
        return "none", "none"
    _sealed_access(report, person, request_seal, reason, by)
    return opened


def latest_sealed_note(*, report: Report, person: ReportPerson) -> SealedNote | None:
    """The note the gateway decides on: the newest about `person`, else the newest about
    the report as a whole; still sealed. (`selectors.request_subject` picks the same one
    in the API's single read.)"""
    # One query: the notes about the person first (the filter leaves one person id, so
    # ordering by it puts the report-wide notes, with none, after them), newest first.
    return (
        SealedNote.objects.filter(Q(person=person) | Q(person__isnull=True), report=report)
        .order_by(F("person").asc(nulls_last=True), "-recorded_at", "-id")
        .first()
    )


def _status_opened(note: SealedNote | None) -> tuple[str, str] | None:
    """(concern, source) opened from `note`, or None when there is no note. The caller
    ledgers the opening."""
    if note is None:
        return None
    return open_sealed_field(note, "status_concern"), open_sealed_field(note, "status_source")


@transaction.atomic
def sealed_note_add(
    *,
    report: Report,
    person: ReportPerson | None,
    status_concern: str,
    status_source: str,
    note: str,
    by: User,
) -> SealedNote:
    """Write what an officer learnt about someone's immigration position to the sealed
    compartment (`reporting.services.sealed_note_record`), and ledger that a note was
    written (never what it says). The latest note about a person is what the gateway
    decides on.

    Raises:
        PermissionDenied: `by` may not record reports in the report's force.
        ValidationError: the person is not in the report, or the values are not a
            concern and a source that can go together (nothing is written then).
    """
    _require(by, Capability.RECORD_REPORTS, report)
    if person is not None and person.report_id != report.pk:
        raise ValidationError({"person": "This person is not named in this report."})
    row = sealed_note_record(
        report=report,
        person=person,
        recorded_by=by,
        status_concern=status_concern,
        status_source=status_source,
        note=note,
    )
    ledger_record(
        SealedNoteRecorded(
            report=report_pseudonym(report),
            person=person_pseudonym(person) if person is not None else "",
            person_role=person.role if person is not None else "",
            by=staff_pseudonym(by),
        )
    )
    return row


@transaction.atomic
def request_rationale_open(*, request: DecisionRequest, by: User) -> str:
    """The officer's reason, opened for a supervisor deciding whether to approve.

    It is sealed with the request (it may say what the officer knows about the person's
    status), so opening it is ledgered (`sealed_access`, reason "approval").

    Raises:
        PermissionDenied: `by` may not approve decisions in the request's force.
    """
    _require(by, Capability.APPROVE_DECISIONS, request.report)
    if not request.rationale:
        return ""
    text = open_sealed_field(request, "rationale")
    _sealed_access(request.report, request.person, request_pseudonym(request), "approval", by)
    return text


# --- deciding ------------------------------------------------------------------------------


_REQUEST_FOREIGN_KEYS = ["force", "report", "person", "requested_by"]


class ReadHere(Enum):
    """`decision_request_create`'s default for `latest_note`: read it there."""

    READ_HERE = "read here"


READ_HERE = ReadHere.READ_HERE


def decision_request_create(
    *,
    report: Report,
    person: ReportPerson,
    action: str,
    answers: OfficerAnswers,
    by: User,
    rationale: str = "",
    latest_note: SealedNote | None | ReadHere = READ_HERE,
) -> DecisionRequest:
    """Decide one request with the force's active policy and start its obligations.

    `latest_note` is the sealed note to decide on when the caller has read it with the
    person (`selectors.request_subject`), None when there is none; by default it is
    read here (`latest_sealed_note`).

    Raises:
        PermissionDenied: `by` may not request decisions in the report's force.
        ValidationError: the person is not in the report, the report was destroyed, the
            answers are not values of the decision space, or a reason the policy
            requires is missing (nothing is recorded then).
    """
    _require(by, Capability.REQUEST_DECISIONS, report)
    if person.report_id != report.pk:
        raise ValidationError({"person": "This person is not named in this report."})
    _refuse_destroyed(report)
    _check_reason(rationale, "rationale", required=False)
    request = DecisionRequest(
        force=report.force,
        report=report,
        person=person,
        requested_by=by,
        action=action,
        recipient=answers.recipient if action == "disclose" else "none",
        purpose=answers.purpose,
    )
    if latest_note is READ_HERE:
        latest_note = latest_sealed_note(report=report, person=person)
    elif latest_note is not None and (
        latest_note.report_id != report.pk or latest_note.person_id not in (None, person.pk)
    ):
        raise ValueError("latest_note is a note about another report or person")
    opened = _status_opened(latest_note)
    concern, source = opened or ("none", "none")
    case = {
        "action": action,
        "recipient": request.recipient,
        "role": person.role,
        "offence": report.offence,
        "status_concern": concern,
        "status_source": source,
        "purpose": answers.purpose,
        "stage": report.stage,
        "consent": answers.consent,
        "risk_to_others": answers.risk_to_others,
        "regularisation_support": answers.regularisation_support,
    }
    compiled = force_active_policy(force=report.force)
    try:
        result: PolicyDecision = compiled.decide(case)
    except InvalidCaseError as error:
        raise ValidationError(str(error)) from error
    if result.allowed:
        _check_reason(rationale, "rationale", required="record_rationale" in result.obligations)
    request.policy = compiled.id
    request.policy_version = compiled.version
    request.decision = result.decision
    request.rules = [reason.id for reason in result.reasons]
    request.obligations = list(result.obligations)
    request.status = _first_status(result, report)
    request.seal_text("case", json.dumps(case, sort_keys=True))
    request.seal_text("rationale", rationale)
    if report.shred_on is not None:
        request.move_to_scope(report.shred_on)  # destroyed with the report (retention)
    # The fields' own checks (choices, lengths) run here, in Python; what the database
    # enforces is not asked of it first, as in `reporting.services.report_prepare` (each
    # such check was a query): the foreign keys are rows the caller holds, the check
    # constraints mirror the fields' choices, and `seal_id` is random.
    request.full_clean(
        exclude=_REQUEST_FOREIGN_KEYS, validate_unique=False, validate_constraints=False
    )
    # Everything above reads and checks, so a refusal writes nothing. The writes and
    # their events go together in one block, with no savepoint of its own (nothing in it
    # is expected to fail but the database), and the events are appended at its end.
    with transaction.atomic(savepoint=False), ledger_batch():
        if opened is not None:
            _sealed_access(report, person, request_pseudonym(request), "decision", by)
        insert_new(request, connection)  # the ORM's INSERT, without building it each time
        ledger_record(
            Decision(
                report=report_pseudonym(report),
                person=person_pseudonym(person),
                person_role=person.role,
                request=request_pseudonym(request),
                action=action,
                recipient=request.recipient,
                purpose=request.purpose,
                policy=compiled.id,
                version=compiled.version,
                decision=result.decision,
                rules=tuple(request.rules),
                obligations=tuple(request.obligations),
                by=staff_pseudonym(by),
            )
        )
        if rationale:
            _step(request, "rationale_recorded", by)
        if request.status == Status.DEFERRED:
            _step(request, "deferred_until_concluded", None)
    return request


def request_keys_follow_report(*, report: Report) -> int:
    """Put the keys of the report's requests under the report's retention scope, so that
    they are destroyed with it (their sealed case holds the person's status concern).
    For `reporting.services._start_retention`, when a report's shred date is set or
    cleared; returns how many requests moved."""
    requests = list(DecisionRequest.objects.filter(report=report))
    for request in requests:
        request.move_to_scope(report.shred_on)
        request.save(update_fields=["wrapped_key"])
    return len(requests)


def _first_status(result: PolicyDecision, report: Report) -> str:
    if not result.allowed:
        return Status.REFUSED
    if "defer_until_concluded" in result.obligations and report.stage != Stage.CONCLUDED:
        return Status.DEFERRED
    return _after_deferral(result.obligations)


def _after_deferral(obligations: list[str] | tuple[str, ...]) -> str:
    if "supervisor_approval" in obligations or "dual_control" in obligations:
        return Status.AWAITING_APPROVAL
    return Status.APPROVED


def approvals_needed(request: DecisionRequest) -> int:
    """How many different approvers the request needs (0, 1, or 2 under dual control)."""
    if "dual_control" in request.obligations:
        return 2
    return 1 if "supervisor_approval" in request.obligations else 0


@transaction.atomic
def deferred_requests_release(*, report: Report) -> int:
    """When a case concludes, requests held for it move on; returns how many did."""
    held = list(
        DecisionRequest.objects.select_for_update().filter(report=report, status=Status.DEFERRED)
    )
    for request in held:
        request.status = _after_deferral(request.obligations)
        request.save(update_fields=["status"])
        _step(request, "released_from_deferral", None)
    return len(held)


# --- approvals, referrals, withdrawal ----------------------------------------------------


@transaction.atomic
def approval_record(
    *, request: DecisionRequest, approver: User, approved: bool, reason: str
) -> DecisionRequest:
    """A supervisor of the same force approves or refuses, with a reason.

    Raises:
        PermissionDenied: `approver` is not a supervisor of the force, or made the request.
        ValidationError: nothing is waiting for approval, the approver already gave a
            verdict, or the reason is missing.
    """
    request = DecisionRequest.objects.select_for_update().get(pk=request.pk)
    _require(approver, Capability.APPROVE_DECISIONS, request.report)
    if approver.pk == request.requested_by_id:
        raise PermissionDenied("Someone else must approve a request you made.")
    _refuse_destroyed(request.report)
    if request.status not in (Status.AWAITING_APPROVAL, Status.AWAITING_SECOND_APPROVAL):
        raise ValidationError("This request is not waiting for approval.")
    if request.approvals.filter(approver=approver).exists():
        raise ValidationError(
            "You have already given your verdict; a second approver must be someone else."
        )
    _check_reason(reason, "reason", required=True)
    verdict = Approval(request=request, approver=approver, approved=approved)
    verdict.reason = request.record_key().seal("approval_reason", reason)
    verdict.save()
    if not approved:
        request.status = Status.REFUSED_BY_APPROVER
        _step(request, "refused_by_approver", approver)
    else:
        given = request.approvals.filter(approved=True).count()
        request.status = (
            Status.APPROVED
            if given >= approvals_needed(request)
            else Status.AWAITING_SECOND_APPROVAL
        )
        _step(
            request, "approved" if request.status == Status.APPROVED else "first_approval", approver
        )
    request.save(update_fields=["status"])
    return request


@transaction.atomic
def referral_record(*, request: DecisionRequest, service: str, by: User) -> SupportReferral:
    """Carry out `refer_to_support`: the referral the decision asked for.

    Raises:
        ValidationError: the decision did not ask for one, or no service was named.
    """
    _require(by, Capability.REQUEST_DECISIONS, request.report)
    if "refer_to_support" not in request.obligations:
        raise ValidationError("This decision did not ask for a referral.")
    if not service.strip() or len(service) > 120:
        raise ValidationError({"service": "Name the support service (up to 120 characters)."})
    referral = SupportReferral.objects.create(
        request=request, service=service.strip(), recorded_by=by
    )
    _step(request, "referred_to_support", by)
    return referral


def referral_outstanding(request: DecisionRequest) -> bool:
    return "refer_to_support" in request.obligations and not request.referrals.exists()


@transaction.atomic
def request_withdraw(*, request: DecisionRequest, by: User) -> DecisionRequest:
    _require(by, Capability.REQUEST_DECISIONS, request.report)
    if request.status in (Status.RELEASED, Status.REFUSED, Status.REFUSED_BY_APPROVER):
        raise ValidationError("This request is already settled.")
    request.status = Status.WITHDRAWN
    request.save(update_fields=["status"])
    _step(request, "withdrawn", by)
    return request


# --- the outbound package ------------------------------------------------------------------


@transaction.atomic
def package_build(*, request: DecisionRequest, by: User) -> dict[str, Any]:
    """The outbound package: exactly the permitted fields, as a dict (JSON or PDF).

    Building it is the disclosure: it is ledgered, the request becomes released, and,
    when the decision says so, the reporter is told on their follow-up page.

    Raises:
        PermissionDenied: `by` may not request decisions in the force.
        ValidationError: the request is not approved (or released), or a referral the
            decision required has not been recorded.
    """
    request = DecisionRequest.objects.select_for_update().get(pk=request.pk)
    _require(by, Capability.REQUEST_DECISIONS, request.report)
    _refuse_destroyed(request.report)
    if request.status not in (Status.APPROVED, Status.RELEASED):
        raise ValidationError("Only an approved request can be released.")
    if referral_outstanding(request):
        raise ValidationError("Record the referral to a support service first.")
    fields = package_fields(
        purpose=request.purpose, minimise="minimise_fields" in request.obligations
    )
    values = _field_values(request, fields, by)
    ledger_record(
        Disclosure(
            report=report_pseudonym(request.report),
            person=person_pseudonym(request.person),
            person_role=request.person.role,
            request=request_pseudonym(request),
            recipient=request.recipient,
            purpose=request.purpose,
            fields=fields,
            by=staff_pseudonym(by),
        )
    )
    first_release = request.status != Status.RELEASED
    request.status = Status.RELEASED
    request.save(update_fields=["status"])
    if first_release and "notify_subject" in request.obligations:
        _notify_subject(request)
    return {
        "package": "haven-outbound/1",
        "request": request_pseudonym(request),
        "action": request.action,
        "recipient": request.recipient,
        "purpose": request.purpose,
        "policy": {"id": request.policy, "version": request.policy_version},
        "rules": list(request.rules),
        "duties": [
            o for o in request.obligations if o in ("treat_as_victim", "no_enforcement_action")
        ],
        "released_at": timezone.now().isoformat(timespec="seconds"),
        "fields": values,
    }


@dataclass(frozen=True)
class PackageFile:
    """A package as the officer downloads it."""

    filename: str
    content_type: str
    body: bytes


PACKAGE_FORMATS = ("json", "pdf")


@transaction.atomic
def package_download(*, request: DecisionRequest, by: User, file_format: str) -> PackageFile:
    """Build the package (`package_build`: the disclosure, ledgered) and render it as JSON
    or PDF. Each download is a disclosure of its own; if rendering fails, nothing of it
    is recorded.

    Raises:
        PermissionDenied, ValidationError: as `package_build`; or an unknown format.
    """
    from haven.web.sharing.documents import package_pdf

    if file_format not in PACKAGE_FORMATS:
        raise ValidationError("Choose JSON or PDF.")
    package = package_build(request=request, by=by)
    stem = f"haven-package-{request.report.reference}-{request.pk}"
    if file_format == "pdf":
        return PackageFile(f"{stem}.pdf", "application/pdf", package_pdf(package))
    body = json.dumps(package, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return PackageFile(f"{stem}.json", "application/json", body)


def _field_values(request: DecisionRequest, fields: tuple[str, ...], by: User) -> dict[str, str]:
    report, person = request.report, request.person
    plain = {
        "reference": report.reference,
        "force": report.force.name,
        "offence": str(report.get_offence_display()),
        "stage": str(report.get_stage_display()),
        "person_role": str(person.get_role_display()),
    }
    values: dict[str, str] = {}
    for field in fields:
        if field in plain:
            values[field] = plain[field]
        elif field == "person_label":
            values[field] = person.unseal_text("label")
        elif field == "person_name":
            values[field] = person.unseal_text("name")
        elif field in ("contact", "account"):
            values[field] = report.unseal_text(field)
    if SEALED_FIELDS & set(fields):
        note = (
            SealedNote.objects.filter(report=report, person=person).order_by("-recorded_at").first()
        )
        if note is not None:
            if "status_concern" in fields:
                values["status_concern"] = open_sealed_field(note, "status_concern")
            if "status_note" in fields:
                values["status_note"] = open_sealed_field(note, "note")
            _sealed_access(report, person, request_pseudonym(request), "package", by)
    return values


def _notify_subject(request: DecisionRequest) -> None:
    """Tell the reporter, on their follow-up page, that data was shared and why."""
    from haven.web.sharing.notify import notify_reporter

    notify_reporter(request)
    _step(request, "subject_notified", None)


# --- a policy version's impact (haven.web.governance) ---------------------------------------


@dataclass(frozen=True)
class Redecided:
    """How a force's recent requests would be decided under another policy: counts only
    (nothing about any person leaves this function)."""

    checked: int
    changed: int
    now_allowed: int
    now_denied: int
    unreadable: int
    """Requests not re-decided: their report was destroyed, or their case no longer fits
    the decision space."""


def requests_redecided(*, force: Any, policy: Any, by: User, limit: int = 500) -> Redecided:
    """Re-decide the case of each of `force`'s `limit` most recent requests under
    `policy` (a CompiledPolicy) and count how many decisions would change. Each case is
    opened from the sealed compartment, so each opening is ledgered (`sealed_access`,
    reason "policy_impact"); only counts are returned.

    Raises:
        PermissionDenied: `by` may not manage `force`'s policy.
    """
    if not can(user=by, capability=Capability.MANAGE_POLICY, force=force):
        raise PermissionDenied
    requests = (
        DecisionRequest.objects.filter(force=force)
        .select_related("report", "person")
        .order_by("-requested_at", "-id")[:limit]
    )
    checked = changed = now_allowed = now_denied = unreadable = 0
    with transaction.atomic(), ledger_batch():
        for request in requests:
            if request.report.destroyed:
                unreadable += 1
                continue
            case = json.loads(open_sealed_field(request, "case"))
            _sealed_access(
                request.report, request.person, request_pseudonym(request), "policy_impact", by
            )
            try:
                decision = policy.decide(case).decision
            except InvalidCaseError:  # a case recorded before the decision space changed
                unreadable += 1
                continue
            checked += 1
            if decision != request.decision:
                changed += 1
                if decision == "allow":
                    now_allowed += 1
                else:
                    now_denied += 1
    return Redecided(checked, changed, now_allowed, now_denied, unreadable)


# --- subject access (haven.web.subjectaccess) ------------------------------------------------


def subject_access_pdf(
    *,
    report: Report,
    person: ReportPerson | None,
    request_seal: str,
    withhold_sealed: bool,
    by: User,
    render: Any,
) -> tuple[bytes, bool]:
    """The PDF answering a subject access request, and whether sealed notes were opened.

    The gateway's one door for subject access: the requester's own notes in the sealed
    compartment (`person`'s, never the report's general notes or anyone else's) are
    opened, and the opening ledgered (`sealed_access`, reason `subject_access`), unless
    the DPO withholds them under the immigration exemption (`withhold_sealed`). `render`
    (from `haven.web.subjectaccess`) turns the opened notes, as a list of
    `{"concern", "source", "note"}` labels, into the document's HTML, which is printed
    like the gateway's packages: no base URL, and a fetcher that refuses every URL.
    The caller holds the transaction and checks the DPO's capability.
    """
    from haven.web.sharing.documents import pdf_from_html

    notes: list[dict[str, str]] = []
    opened = False
    if person is not None and not withhold_sealed:
        rows = list(SealedNote.objects.filter(report=report, person=person).order_by("recorded_at"))
        for row in rows:
            notes.append(
                {
                    "concern": concern_label(open_sealed_field(row, "status_concern")),
                    "source": STATUS_SOURCES.get(open_sealed_field(row, "status_source"), ""),
                    "note": open_sealed_field(row, "note"),
                }
            )
        if rows:
            opened = True
            _sealed_access(report, person, request_seal, "subject_access", by)

    return pdf_from_html(render(notes)), opened
