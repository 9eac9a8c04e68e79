"""Reads of subject access: the DPO's queue, one request, and the statistics' records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from haven.web.accounts.models import Force, User
from haven.web.accounts.permissions import Capability, forces_where
from haven.web.reporting.models import Report
from haven.web.subjectaccess.models import Status, SubjectAccessRequest


@dataclass(frozen=True)
class SubjectAccessAnswer:
    """One answered request, for the statistics: nothing personal."""

    exemption_applied: bool


def subject_access_answers(
    *, force: Force, start: datetime, end: datetime
) -> list[SubjectAccessAnswer]:
    """One record per request of `force` answered in [start, end)."""
    rows = SubjectAccessRequest.objects.filter(
        report__force=force,
        status=Status.ANSWERED,
        answered_at__gte=start,
        answered_at__lt=end,
    ).order_by("answered_at", "id")
    return [
        SubjectAccessAnswer(exemption_applied=applied)
        for applied in rows.values_list("exemption_applied", flat=True)
    ]


def request_queue(*, user: User) -> QuerySet[SubjectAccessRequest]:
    """The requests on reports of the forces where `user` answers subject access, open
    first, then by due date."""
    forces = forces_where(user=user, capability=Capability.ANSWER_SUBJECT_ACCESS)
    return (
        SubjectAccessRequest.objects.filter(report__force__in=forces)
        .select_related("report", "report__force")
        .order_by("-status", "due_on", "id")
    )


def request_get(*, user: User, pk: int) -> SubjectAccessRequest:
    """One request `user` may answer; `DoesNotExist` otherwise (another force's is a 404)."""
    return request_queue(user=user).get(pk=pk)


def requests_for_report(*, report: Report) -> list[SubjectAccessRequest]:
    """A report's requests, newest first (for its follow-up pages)."""
    return list(report.subject_access.order_by("-requested_at", "-id"))


def exemption_reason(sar: SubjectAccessRequest) -> str:
    """The DPO's recorded reason for the exemption (the DPO's page only; never the ledger)."""
    return sar.unseal_text("exemption_reason")
