"""Auditor pages: the auditor's home, ledger events and pseudonymised decisions across the
forces they audit, and one report's audit. Events are opened from their commitments and
checked against their public leaves. No personal data on any of them."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from haven.web.oversight.labels import KIND_LABELS
from haven.web.oversight.selectors import (
    EventFilters,
    audited_forces,
    audited_report,
    decisions_page,
    events_page,
    report_event_rows,
    report_readers,
)
from haven.web.reporting.models import Report


def _forces_or_403(request: HttpRequest):
    forces = list(audited_forces(user=request.user).order_by("name"))
    if not forces:
        raise PermissionDenied
    return forces


def _filters(request: HttpRequest, forces, *, with_kind: bool) -> tuple[EventFilters, list[str]]:
    """The filters asked for; a bad value is named in an error (and the page then lists
    nothing, rather than everything under a filter it did not apply)."""
    errors = []
    force = request.GET.get("force", "")
    if force and force not in {f.code for f in forces}:
        errors.append(_("Choose a force from the list."))
        force = ""
    kind = request.GET.get("kind", "") if with_kind else ""
    if kind and kind not in KIND_LABELS:
        errors.append(_("Choose a kind of event from the list."))
        kind = ""
    day = None
    raw_day = request.GET.get("day", "") if with_kind else ""
    if raw_day:
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            errors.append(_("Enter the day as a date, for example 2026-11-28."))
    return EventFilters(kind=kind, force=force, day=day), errors


def _query(filters: EventFilters) -> str:
    parts = []
    if filters.kind:
        parts.append(f"kind={filters.kind}")
    if filters.force:
        parts.append(f"force={filters.force}")
    if filters.day:
        parts.append(f"day={filters.day.isoformat()}")
    return "&".join(parts)


@login_required
@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    forces = _forces_or_403(request)
    try:
        statistics_url = reverse("statistics:index")
    except NoReverseMatch:
        statistics_url = ""
    return render(
        request,
        "oversight/index.html",
        {"forces": forces, "statistics_url": statistics_url},
    )


@login_required
@require_GET
def events_view(request: HttpRequest) -> HttpResponse:
    forces = _forces_or_403(request)
    filters, errors = _filters(request, forces, with_kind=True)
    page, rows = events_page(user=request.user, filters=filters, number=request.GET.get("page", 1))
    kinds = sorted(((k, str(v)) for k, v in KIND_LABELS.items()), key=lambda kv: kv[1])
    return render(
        request,
        "oversight/events.html",
        {
            "forces": forces,
            "kinds": kinds,
            "filters": filters,
            "errors": errors,
            "page": page,
            "rows": rows,
            "query": _query(filters),
        },
    )


@login_required
@require_GET
def decisions_view(request: HttpRequest) -> HttpResponse:
    forces = _forces_or_403(request)
    filters, errors = _filters(request, forces, with_kind=False)
    page, rows = decisions_page(
        user=request.user, filters=filters, number=request.GET.get("page", 1)
    )
    return render(
        request,
        "oversight/decisions.html",
        {
            "forces": forces,
            "filters": filters,
            "errors": errors,
            "page": page,
            "rows": rows,
            "query": _query(filters),
        },
    )


@login_required
def report_audit_view(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        report = audited_report(user=request.user, reference=reference)
    except Report.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "oversight/report_audit.html",
        {
            "report": report,
            "readers": report_readers(report=report),
            "rows": report_event_rows(report=report),
        },
    )
