"""Writes of subject access: a request (by receipt code or through an advocate), the DPO's
answer as a PDF, and its download. Each records its ledger event in the same transaction:
the request is the portal's `copy_requested` (with its message to the force), the answer
`subject_access_answered` (and `sealed_access` when the person's sealed notes are opened),
the download `subject_access_downloaded`.
"""

from __future__ import annotations

import base64

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from haven.ledger.kinds import SubjectAccessAnswered, SubjectAccessDownloaded
from haven.web.accounts.models import User
from haven.web.accounts.permissions import Capability, can
from haven.web.accounts.services import staff_pseudonym
from haven.web.ledger.services import ledger_pseudonym, ledger_record
from haven.web.portal.models import ConsentScope, Reporter
from haven.web.portal.services import copy_request, require_consent
from haven.web.reporting.models import Report
from haven.web.reporting.services import report_pseudonym
from haven.web.sharing.services import subject_access_pdf
from haven.web.subjectaccess.document import answer_html
from haven.web.subjectaccess.models import Status, SubjectAccessRequest, Via

MAX_REASON_CHARACTERS = 2_000
REPORTER = "reporter"


def request_pseudonym(sar: SubjectAccessRequest) -> str:
    return ledger_pseudonym(kind="subject_access", value=str(sar.seal_id))


def _create(report: Report, via: str, by: User | None) -> SubjectAccessRequest:
    open_one = report.subject_access.filter(status=Status.OPEN).first()
    if open_one is not None:
        return open_one  # one open request at a time: asking again changes nothing
    copy_request(report=report, advocate=by)  # the message to the force, and copy_requested
    reporter = Reporter.objects.filter(report=report).first()
    now = timezone.now()
    sar = SubjectAccessRequest(
        report=report,
        person=reporter.person if reporter is not None else None,
        via=via,
        requested_by=by,
        requested_at=now,
        due_on=SubjectAccessRequest.due_from(now),
    )
    sar.save()
    return sar


@transaction.atomic
def request_by_reporter(*, report: Report) -> SubjectAccessRequest:
    """The person, following up with their receipt code, asks for their data.

    Raises:
        ValidationError: the report was destroyed under the retention schedule.
    """
    return _create(report, Via.RECEIPT_CODE, None)


@transaction.atomic
def request_by_advocate(*, report: Report, advocate: User) -> SubjectAccessRequest:
    """The advocate asks for the victim's data, when the consent allows it (REQUEST_COPY).

    Raises:
        PermissionDenied: the consent does not allow it (or was withdrawn).
        ValidationError: the report was destroyed.
    """
    require_consent(report=report, user=advocate, scope=ConsentScope.REQUEST_COPY)
    return _create(report, Via.ADVOCATE, advocate)


def _check_reason(exemption: bool, reason: str) -> str:
    reason = reason.strip()
    if exemption and not reason:
        raise ValidationError({"reason": "Give the reason for applying the immigration exemption."})
    if len(reason) > MAX_REASON_CHARACTERS:
        raise ValidationError(
            {"reason": f"Keep the reason under {MAX_REASON_CHARACTERS:,} characters."}
        )
    return reason if exemption else ""


@transaction.atomic
def request_answer(
    *, sar: SubjectAccessRequest, by: User, exemption: bool, reason: str
) -> SubjectAccessRequest:
    """The DPO answers: the PDF is assembled, sealed with the report and ledgered.

    Raises:
        PermissionDenied: `by` does not answer subject access for the report's force.
        ValidationError: already answered, the report destroyed, or the exemption
            without a reason (nothing changes).
    """
    sar = SubjectAccessRequest.objects.select_for_update().select_related("report").get(pk=sar.pk)
    if not can(user=by, capability=Capability.ANSWER_SUBJECT_ACCESS, force=sar.report.force):
        raise PermissionDenied
    if sar.answered:
        raise ValidationError("This request has already been answered.")
    if sar.report.destroyed:
        raise ValidationError("This report was destroyed under the retention schedule.")
    reason = _check_reason(exemption, reason)
    now = timezone.now()

    def render(notes: list[dict[str, str]]) -> str:
        return answer_html(sar, sealed_notes=notes, exemption_applied=exemption, answered_at=now)

    pdf, opened = subject_access_pdf(
        report=sar.report,
        person=sar.person,
        request_seal=request_pseudonym(sar),
        withhold_sealed=exemption,
        by=by,
        render=render,
    )
    sar.status = Status.ANSWERED
    sar.answered_at = now
    sar.answered_by = by
    sar.exemption_applied = exemption
    sar.seal_text("exemption_reason", reason)
    sar.seal_text("answer_pdf", base64.b64encode(pdf).decode("ascii"))
    sar.save()
    ledger_record(
        SubjectAccessAnswered(
            report=report_pseudonym(sar.report),
            request=request_pseudonym(sar),
            exemption=exemption,
            sealed_opened=opened,
            by=staff_pseudonym(by),
        )
    )
    return sar


@transaction.atomic
def answer_download(*, sar: SubjectAccessRequest, advocate: User | None = None) -> bytes:
    """The answer's PDF for the requester (or their advocate, with the REQUEST_COPY
    consent); ledgered.

    Raises:
        PermissionDenied: the advocate's consent does not allow it.
        ValidationError: not answered yet, or the report destroyed.
    """
    if not sar.answered or sar.report.destroyed or not sar.answer_pdf:
        raise ValidationError("There is no answer to download.")
    if advocate is not None:
        require_consent(report=sar.report, user=advocate, scope=ConsentScope.REQUEST_COPY)
        via, by = Via.ADVOCATE, staff_pseudonym(advocate)
    else:
        via, by = Via.RECEIPT_CODE, REPORTER
    pdf = base64.b64decode(sar.unseal_text("answer_pdf"))
    sar.downloaded_at = timezone.now()
    sar.save(update_fields=["downloaded_at"])
    ledger_record(
        SubjectAccessDownloaded(
            report=report_pseudonym(sar.report),
            request=request_pseudonym(sar),
            via=str(via),
            by=by,
        )
    )
    return pdf
