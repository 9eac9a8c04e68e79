"""Reports: the caller's force's list, one report's content, its people and its events.

A report's content is personal data. A signed-in member of staff reading it is
ledgered as a `report_read`, as on the console's case page. An API token reading it is
a disclosure to `police`, decided by the force's active policy and ledgered
(`apitokens.disclosure`); a refusal is a 403 with the reasons.
"""

from __future__ import annotations

import re

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from haven.web.accounts.permissions import Capability
from haven.web.api.auth import SIGNED_IN, caller
from haven.web.api.schemas import (
    ERRORS,
    DisclosureOut,
    OffenceCode,
    Paging,
    PersonContentOut,
    PersonOut,
    ReportContentOut,
    ReportOut,
    ReportPage,
    StageCode,
    TimelineEvent,
)
from haven.web.apitokens.disclosure import PURPOSE, RECIPIENT, TokenReadRefused, token_report_read
from haven.web.apitokens.scopes import Scope
from haven.web.reporting.models import Report
from haven.web.reporting.selectors import (
    ReportFilters,
    report_content,
    report_list_filtered,
    report_timeline,
)
from haven.web.reporting.services import report_read

router = Router(tags=["reports"], auth=SIGNED_IN)

_REFERENCE = re.compile(r"[A-Z0-9-]{1,20}")


class ReportQuery(Paging):
    stage: StageCode | None = None  # type: ignore[valid-type]
    offence: OffenceCode | None = None  # type: ignore[valid-type]


def summary(report: Report) -> dict:
    return {
        "reference": report.reference,
        "force": report.force.code,
        "force_name": report.force.name,
        "offence": report.offence,
        "offence_label": str(report.get_offence_display()),
        "stage": report.stage,
        "stage_label": str(report.get_stage_display()),
        "channel": report.channel,
        "channel_label": str(report.get_channel_display()),
        "received_at": report.received_at,
        "destroyed": report.destroyed,
    }


def report_in_forces(reference: str, force_ids: list[int]) -> Report:
    """The report with `reference` in one of `force_ids`; 404 otherwise (another force's
    report is not found, as on the console)."""
    if not _REFERENCE.fullmatch(reference):
        raise HttpError(404, "No report with that reference in your force.")
    try:
        return Report.objects.select_related("force").get(
            reference=reference, force_id__in=force_ids
        )
    except Report.DoesNotExist:
        raise HttpError(404, "No report with that reference in your force.") from None


@router.get("/", response={200: ReportPage, **ERRORS}, summary="The force's reports, newest first")
def report_list(request: HttpRequest, query: Query[ReportQuery]):
    who = caller(request)
    force_ids = who.force_ids(Scope.REPORTS_READ, Capability.VIEW_REPORTS)
    filters = ReportFilters(stage=query.stage or "", offence=query.offence or "")
    reports = report_list_filtered(user=who.user, filters=filters).filter(force_id__in=force_ids)
    start = (query.page - 1) * query.page_size
    items = list(reports.select_related("force")[start : start + query.page_size])
    return {
        "count": reports.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [summary(report) for report in items],
    }


@router.get(
    "/{reference}",
    response={200: ReportOut, **ERRORS},
    summary="One report with its content (personal data: every read is ledgered)",
)
def report_show(request: HttpRequest, reference: str):
    who = caller(request)
    report = report_in_forces(reference, who.force_ids(Scope.REPORTS_READ, Capability.VIEW_REPORTS))
    disclosure = None
    fields: set[str] | None = None  # None: everything the console shows
    if report.destroyed:
        return {**summary(report), "content": None, "disclosure": None}
    if who.token is not None:
        try:
            decided = token_report_read(token=who.token, report=report)
        except TokenReadRefused as refused:
            return Status(
                403,
                {
                    "detail": "The force's policy does not allow this disclosure.",
                    "reasons": refused.reasons,
                },
            )
        fields = set(decided.fields)
        disclosure = DisclosureOut(
            recipient=RECIPIENT,
            purpose=PURPOSE,
            policy=decided.policy,
            version=decided.version,
            fields=list(decided.fields),
            duties=list(decided.duties),
        )
    else:
        report_read(report=report, reader=who.user)
    content = report_content(report=report)

    def shown(field: str, value: str) -> str | None:
        return value if fields is None or field in fields else None

    return {
        **summary(report),
        "content": ReportContentOut(
            account=shown("account", content.account),
            contact=shown("contact", content.contact),
            occurred=content.occurred if fields is None else None,
            place=content.place if fields is None else None,
            preferred_language=content.preferred_language if fields is None else None,
            people=[
                PersonContentOut(
                    id=person.id,
                    role=person.role,
                    role_label=person.role_label,
                    label=shown("person_label", person.label),
                    name=shown("person_name", person.name),
                    relation_label=person.relation_label,
                    related_to_label=shown("person_label", person.related_to_label),
                )
                for person in content.people
            ],
        ),
        "disclosure": disclosure,
    }


@router.get(
    "/{reference}/people",
    response={200: list[PersonOut], **ERRORS},
    summary="The people of a report: their parts and relations (no names)",
)
def report_people_list(request: HttpRequest, reference: str):
    who = caller(request)
    report = report_in_forces(reference, who.force_ids(Scope.REPORTS_READ, Capability.VIEW_REPORTS))
    return [
        {
            "id": person.pk,
            "role": person.role,
            "role_label": str(person.get_role_display()),
            "relation": person.relation,
            "relation_label": str(person.get_relation_display()) if person.relation else "",
            "related_to": person.related_to_id,
        }
        for person in report.people.all()
    ]


@router.get(
    "/{reference}/events",
    response={200: list[TimelineEvent], **ERRORS},
    summary="Every ledger entry about a report, in words (no personal data)",
)
def report_events(request: HttpRequest, reference: str):
    who = caller(request)
    force_ids = who.force_ids(Scope.LEDGER_READ, Capability.VIEW_REPORTS, Capability.VERIFY_LEDGER)
    report = report_in_forces(reference, force_ids)
    return [
        {
            "index": entry.index,
            "at": entry.at,
            "what": entry.what,
            "who": entry.who,
            "details": list(entry.details),
        }
        for entry in report_timeline(report=report)
    ]
