"""The officer console's view of reports: list and show, scoped to the user."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from haven.web.accounts.permissions import Capability, can
from haven.web.portal.codes import display as display_code
from haven.web.portal.services import (
    MAX_MESSAGE_CHARACTERS,
    message_from_force,
    receipt_code_replace_by_force,
)
from haven.web.reporting.models import Report
from haven.web.reporting.selectors import (
    reader_role,
    report_content,
    report_get_for_user,
    report_list_for_user,
)
from haven.web.reporting.services import report_read


@login_required
def report_index_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reporting/report/index.html", {"reports": report_list_for_user(user=request.user)}
    )


@login_required
def report_show_view(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        report = report_get_for_user(user=request.user, reference=reference)
    except Report.DoesNotExist:
        raise Http404 from None
    content = None
    if not report.destroyed:
        content = report_content(report=report)
        report_read(
            report=report,
            reader=request.user,
            reader_role=reader_role(user=request.user, report=report),
        )
    return render(
        request,
        "reporting/report/show.html",
        {"report": report, "content": content, **_followup_context(request, report)},
    )


# --- the reporter's follow-up, seen from the force (issue 10) ------------------------------


def _followup_context(request: HttpRequest, report: Report) -> dict:
    """The messages and what the officer may do about the reporter's receipt code: only
    for staff of the report's force (an advocate sees their own pages in the portal)."""
    from haven.web.portal.selectors import report_messages

    if not can(user=request.user, capability=Capability.VIEW_REPORTS, force=report.force):
        return {}
    return {
        "followup": True,
        "site_language_label": _language_name(report.language),
        "interpreter_label": INTERPRETER_LABELS[report.interpreter_needed],
        "portal_messages": report_messages(report=report),
        "can_reply": not report.destroyed
        and (
            can(user=request.user, capability=Capability.RECORD_REPORTS, force=report.force)
            or can(
                user=request.user, capability=Capability.ANSWER_SUBJECT_ACCESS, force=report.force
            )
        ),
        "can_replace_code": not report.destroyed
        and report.receipt_codes.exists()
        and can(user=request.user, capability=Capability.RECORD_REPORTS, force=report.force),
        "max_message": MAX_MESSAGE_CHARACTERS,
    }


def _language_name(code: str) -> str:
    """The English name of the language the reporter used the site in ("Polish"), not its code."""
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(code)["name"])
    except KeyError:
        return code


INTERPRETER_LABELS = {
    True: _("Yes, they asked for an interpreter"),
    False: _("No, they did not ask for one"),
    None: _("Not asked"),
}


def _force_report(request: HttpRequest, reference: str, capability: Capability) -> Report:
    try:
        report = report_get_for_user(user=request.user, reference=reference)
    except Report.DoesNotExist:
        raise Http404 from None
    if not can(user=request.user, capability=capability, force=report.force):
        raise Http404
    return report


@login_required
@require_POST
def report_message_view(request: HttpRequest, reference: str) -> HttpResponse:
    """An officer replies to the reporter on their follow-up page."""
    report = _force_report(request, reference, Capability.VIEW_REPORTS)
    try:
        message_from_force(report=report, text=request.POST.get("text", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your message was sent to the reporter."))
    return redirect(reverse("reporting:report-show", args=[reference]) + "#messages")


@login_required
@require_http_methods(["GET", "POST"])
def report_code_replace_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Replace the reporter's receipt code, once the officer is satisfied who is asking:
    a confirm step with a checkbox, then the new code, shown once."""
    report = _force_report(request, reference, Capability.RECORD_REPORTS)
    if report.destroyed or not report.receipt_codes.exists():
        raise Http404
    error = ""
    if request.method == "POST":
        if request.POST.get("verified") != "yes":
            error = _("Confirm that you have checked who is asking")
        else:
            code = receipt_code_replace_by_force(report=report, by=request.user)
            return render(
                request,
                "reporting/report/code_new.html",
                {"report": report, "code": display_code(code)},
            )
    return render(request, "reporting/report/code_replace.html", {"report": report, "error": error})
