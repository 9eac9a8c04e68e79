"""The gateway's pages: ask for a decision, see it and carry out its obligations, approve,
record to the sealed compartment, and download the outbound package.

Views are thin: reads come from `selectors`, writes go through `services`, whose
messages are shown on the form. Another force's report or request is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.web.accounts.permissions import Capability
from haven.web.reporting.models import Report
from haven.web.reporting.services import report_read
from haven.web.sharing import selectors, services
from haven.web.sharing.forms import (
    DecisionRequestForm,
    ReferralForm,
    SealedNoteForm,
    VerdictForm,
)
from haven.web.sharing.models import DecisionRequest
from haven.web.views import personal


def _read(request: HttpRequest, report: Report) -> None:
    """These pages show how the report describes its people (sealed content): each
    showing is one read of the report on the record, as the case page's is."""
    if not report.destroyed:
        report_read(report=report, reader=request.user)


def _report(request: HttpRequest, reference: str, capability: Capability) -> Report:
    try:
        report = selectors.report_for_gateway(
            user=request.user, reference=reference, capability=capability
        )
    except Report.DoesNotExist:
        raise Http404 from None
    if report.destroyed:
        raise Http404
    return report


def _decision_request(request: HttpRequest, pk: int) -> DecisionRequest:
    try:
        return selectors.request_get_for_user(user=request.user, pk=pk)
    except DecisionRequest.DoesNotExist:
        raise Http404 from None


def _person_form(request: HttpRequest, report: Report, form_class):
    """A form about one of the report's people (`?person=` chooses one to start with)."""
    return form_class(
        request.POST or None,
        people=selectors.report_people(report=report),
        initial={"person": request.GET.get("person")},
    )


def _form_error(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_http_methods(["GET", "POST"])
def request_new_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask for a PNC check, a status check, a disclosure or an immigration arrest."""
    report = _report(request, reference, Capability.REQUEST_DECISIONS)
    form = _person_form(request, report, DecisionRequestForm)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.decision_request_create(
                report=report,
                person=form.chosen_person(),
                action=form.cleaned_data["action"],
                answers=form.answers(),
                by=request.user,
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            return redirect("sharing:request-show", pk=created.pk)
    _read(request, report)
    return render(
        request,
        "sharing/request_new.html",
        {"report": report, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def request_show_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision with its reasons and citations, and its obligations as a checklist."""
    decided = _decision_request(request, pk)
    _read(request, decided.report)
    return render(
        request,
        "sharing/request_show.html",
        {
            "page": selectors.request_page(request=decided, user=request.user),
            "referral_form": ReferralForm(),
        },
    )


@login_required
@require_POST
def request_referral_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Carry out `refer_to_support`."""
    decided = _decision_request(request, pk)
    form = ReferralForm(request.POST)
    if form.is_valid():
        try:
            services.referral_record(
                request=decided, service=form.cleaned_data["service"], by=request.user
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, "The referral to a support service was recorded.")
            return redirect("sharing:request-show", pk=decided.pk)
    page = selectors.request_page(request=decided, user=request.user)
    return render(
        request, "sharing/request_show.html", {"page": page, "referral_form": form}, status=400
    )


@login_required
@require_POST
def request_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    decided = _decision_request(request, pk)
    try:
        services.request_withdraw(request=decided, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The request was withdrawn.")
    return redirect("sharing:request-show", pk=decided.pk)


@personal
@login_required
@require_POST
def request_package_view(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """Download the outbound package (JSON or PDF). Haven sends nothing: the officer takes
    the file, and each download is a disclosure on the record."""
    decided = _decision_request(request, pk)
    try:
        package = services.package_download(
            request=decided, by=request.user, file_format=file_format
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sharing:request-show", pk=decided.pk)
    response = HttpResponse(package.body, content_type=package.content_type)
    response["Content-Disposition"] = f'attachment; filename="{package.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def request_list_view(request: HttpRequest) -> HttpResponse:
    """The decision requests of the officer's forces, newest first."""
    if not selectors.requests_anywhere(user=request.user):
        raise PermissionDenied("Only officers and supervisors ask for decisions.")
    return render(
        request,
        "sharing/requests.html",
        {
            "requests": selectors.request_list(user=request.user),
            "length": selectors.REQUEST_LIST_LENGTH,
        },
    )


# --- supervisors ------------------------------------------------------------------------------


@login_required
def approvals_view(request: HttpRequest) -> HttpResponse:
    """The supervisors' queue: requests of their forces waiting for approval."""
    if not selectors.approves_anywhere(user=request.user):
        raise PermissionDenied("Only supervisors approve requests.")
    return render(
        request, "sharing/approvals.html", {"queue": selectors.approvals_queue(user=request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def approval_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse one request, with a reason."""
    try:
        decided = selectors.approval_request_get(user=request.user, pk=pk)
    except DecisionRequest.DoesNotExist:
        raise Http404 from None
    form = VerdictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approval_record(
                request=decided,
                approver=request.user,
                approved=form.cleaned_data["verdict"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "Your verdict was recorded.")
            return redirect("sharing:approvals")
    blocked = selectors.approval_blocked(request=decided, user=request.user)
    _read(request, decided.report)
    return render(
        request,
        "sharing/approval.html",
        {
            "page": selectors.request_page(request=decided, user=request.user),
            "form": form,
            "blocked": blocked,
            "rationale": ""
            if blocked
            else services.request_rationale_open(request=decided, by=request.user),
        },
        status=400 if form.errors else 200,
    )


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "You may not do this."


# --- the sealed compartment -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def sealed_note_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Record what an officer learnt about a person's immigration position. It goes only
    to the sealed compartment, and nothing of it is shown back."""
    report = _report(request, reference, Capability.RECORD_REPORTS)
    form = _person_form(request, report, SealedNoteForm)
    if request.method == "POST" and form.is_valid():
        try:
            services.sealed_note_add(
                report=report,
                person=form.chosen_person(),
                status_concern=form.cleaned_data["status_concern"],
                status_source=form.cleaned_data["status_source"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, "Recorded in the sealed compartment. Only the gateway can open it."
            )
            return redirect("reporting:report-show", reference=report.reference)
    _read(request, report)
    return render(
        request,
        "sharing/sealed_note.html",
        {"report": report, "form": form},
        status=400 if form.errors else 200,
    )
