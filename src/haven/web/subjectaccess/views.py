"""The DPO's pages at /subject-access/: the queue of their force's requests, and one
request, answered from its page (thin: selectors read, services write)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from haven.web.accounts.permissions import Capability, forces_where
from haven.web.portal.disclosure_log import disclosure_log
from haven.web.subjectaccess import selectors, services
from haven.web.subjectaccess.models import SubjectAccessRequest


def _require_dpo(request: HttpRequest) -> None:
    if not forces_where(user=request.user, capability=Capability.ANSWER_SUBJECT_ACCESS).exists():
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def index_view(request: HttpRequest) -> HttpResponse:
    _require_dpo(request)
    return render(
        request,
        "subjectaccess/index.html",
        {"requests": selectors.request_queue(user=request.user)},
    )


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def show_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_dpo(request)
    try:
        sar = selectors.request_get(user=request.user, pk=pk)
    except SubjectAccessRequest.DoesNotExist:
        raise Http404 from None
    errors: list[str] = []
    exemption = request.POST.get("exemption") == "yes"
    reason_text = request.POST.get("reason", "")
    if request.method == "POST" and not sar.answered:
        try:
            services.request_answer(
                sar=sar, by=request.user, exemption=exemption, reason=reason_text
            )
        except ValidationError as error:
            errors = _messages(error)
        else:
            return redirect("subjectaccess:show", pk=sar.pk)
    context = {
        "sar": sar,
        "errors": errors,
        "exemption": exemption,
        "reason_text": reason_text,
    }
    if sar.answered and sar.exemption_applied:
        context["reason"] = selectors.exemption_reason(sar)
    elif not sar.answered and not sar.report.destroyed:
        context["message_count"] = sar.report.messages.count()
        context["log_count"] = len(disclosure_log(sar.report))
    return render(request, "subjectaccess/show.html", context, status=400 if errors else 200)
