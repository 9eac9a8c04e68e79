"""Decision requests and approvals: the gateway's services, called through the API.

Views stay thin: `sharing.services` decides, carries out obligations and ledgers each
step; these turn its errors into JSON (`v1.py`) and its records into schemas.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja import Status as Answer
from ninja.errors import HttpError

from haven.policy.obligations import describe_obligation
from haven.web.accounts.permissions import Capability
from haven.web.api.auth import SIGNED_IN, caller
from haven.web.api.reports import report_in_forces
from haven.web.api.schemas import (
    ERRORS,
    MAX_ID,
    ApprovalIn,
    Paging,
    RequestIn,
    RequestOut,
    RequestPage,
    StatusCode,
)
from haven.web.apitokens.scopes import Scope
from haven.web.sharing.labels import label_of, obligation_title
from haven.web.sharing.models import Action, DecisionRequest, Purpose, Recipient, Status
from haven.web.sharing.selectors import (
    RequestSubject,
    request_reasons,
    request_subject,
)
from haven.web.sharing.services import (
    OfficerAnswers,
    approval_record,
    approvals_needed,
    decision_request_create,
)

router = Router(tags=["decision requests"], auth=SIGNED_IN)


class RequestQuery(Paging):
    status: StatusCode | None = None  # type: ignore[valid-type]


def request_out(request: DecisionRequest, *, approvals_given: int | None = None) -> dict:
    """The request as the API shows it; `approvals_given` when the caller knows it (a
    request just created has none), else it is counted."""
    if approvals_given is None:
        approvals_given = request.approvals.filter(approved=True).count()
    citations, explanation = request_reasons(request)
    return {
        "id": request.pk,
        "report": request.report.reference,
        "person": request.person_id,
        "person_role": request.person.role,
        "action": request.action,
        "action_label": label_of(Action, request.action),
        "recipient": request.recipient,
        "recipient_label": label_of(Recipient, request.recipient),
        "purpose": request.purpose,
        "purpose_label": label_of(Purpose, request.purpose),
        "decision": request.decision,
        "status": request.status,
        "status_label": label_of(Status, request.status),
        "policy": request.policy,
        "policy_version": request.policy_version,
        "rules": [vars(citation) for citation in citations],
        "explanation": explanation,
        "obligations": [
            {"code": code, "title": obligation_title(code), "duty": describe_obligation(code)}
            for code in request.obligations
        ],
        "requested_at": request.requested_at,
        "approvals_needed": approvals_needed(request),
        "approvals_given": approvals_given,
    }


def _requests(force_ids: list[int]):
    return DecisionRequest.objects.filter(force_id__in=force_ids).select_related(
        "force", "report", "person"
    )


def _request(pk: int, force_ids: list[int]) -> DecisionRequest:
    try:
        return _requests(force_ids).get(pk=pk)
    except DecisionRequest.DoesNotExist:
        raise HttpError(404, "No decision request with that id in your force.") from None


def _subject(reference: str, person_id: int, force_ids: list[int]) -> RequestSubject:
    """The person `person_id` of the report `reference` in one of `force_ids`, with the
    report and the sealed note to decide on, in one statement. Raises 404 when there is
    no such report, 400 when it names no such person."""
    found = request_subject(reference=reference, person_id=person_id, force_ids=force_ids)
    if found is None:
        report_in_forces(reference, force_ids)  # 404 when the report is not there either
        raise HttpError(400, "person: no one with this id is named in the report.")
    return found


@router.get("/", response={200: RequestPage, **ERRORS}, summary="The force's decision requests")
def request_list(request: HttpRequest, query: Query[RequestQuery]):
    who = caller(request)
    requests = _requests(who.force_ids(Scope.REQUESTS_READ, Capability.REQUEST_DECISIONS))
    if query.status:
        requests = requests.filter(status=query.status)
    start = (query.page - 1) * query.page_size
    return {
        "count": requests.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [request_out(r) for r in requests[start : start + query.page_size]],
    }


@router.post(
    "/",
    response={201: RequestOut, **ERRORS},
    summary="Ask for a decision: the force's active policy decides at once",
)
def request_create(request: HttpRequest, payload: RequestIn):
    who = caller(request)
    force_ids = who.force_ids(Scope.REQUESTS_WRITE, Capability.REQUEST_DECISIONS)
    subject = _subject(payload.report, payload.person, force_ids)
    created = decision_request_create(
        report=subject.person.report,
        person=subject.person,
        latest_note=subject.latest_note,
        action=str(payload.action),
        answers=OfficerAnswers(
            purpose=str(payload.purpose),
            recipient=str(payload.recipient),
            consent=str(payload.consent),
            risk_to_others=payload.risk_to_others,
            regularisation_support=payload.regularisation_support,
        ),
        by=who.user,
        rationale=payload.rationale,
    )
    return Answer(201, request_out(created, approvals_given=0))


@router.get("/{request_id}", response={200: RequestOut, **ERRORS}, summary="One decision request")
def request_show(request: HttpRequest, request_id: int = Path(..., ge=1, le=MAX_ID)):
    who = caller(request)
    return request_out(
        _request(request_id, who.force_ids(Scope.REQUESTS_READ, Capability.REQUEST_DECISIONS))
    )


@router.post(
    "/{request_id}/approvals",
    response={200: RequestOut, **ERRORS},
    summary="Approve or refuse a request, with a reason (supervisors of its force)",
)
def approval_create(
    request: HttpRequest, payload: ApprovalIn, request_id: int = Path(..., ge=1, le=MAX_ID)
):
    who = caller(request)
    found = _request(request_id, who.force_ids(Scope.APPROVALS_WRITE, Capability.APPROVE_DECISIONS))
    updated = approval_record(
        request=found, approver=who.user, approved=payload.approved, reason=payload.reason
    )
    return request_out(updated)
