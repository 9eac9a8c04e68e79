"""The follow-up pages: a reporter with their receipt code, and an advocate signed in.

A reporter enters their receipt code; the session then holds only the `ReceiptCode`
row's id (`FOLLOWUP_SESSION_KEY`) and when the browser was last seen
(`FOLLOWUP_SEEN_SESSION_KEY`, seconds since the epoch), never the code or its hash. The
session key is rotated on entry and on each code change. The follow-up ends after
`HAVEN_PORTAL_FOLLOW_UP_IDLE_MINUTES` without a request, on sign-out, on "Exit this
page", and at once when the code is replaced (by anyone): `followup_report` only
accepts a live code.

A wrong code, and a replaced one, get the same message, which does not say whether the
code ever existed; wrong codes are counted per client (`throttle`, "code_failure") and
then refused with a 429 until the window ends. Messages are throttled too ("message").

Advocates use `/report/follow-up/advocate/`: the reports their organisation made, each
limited to what the victim's consent allows (`ConsentScope`); after the victim
withdraws it, only that fact.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from haven.web.accounts.permissions import is_advocate
from haven.web.portal import codes, throttle
from haven.web.portal.disclosure_log import disclosure_log, stage_label
from haven.web.portal.models import AdvocateConsent, ConsentScope, ReceiptCode
from haven.web.portal.selectors import (
    DRAFT_SESSION_KEY,
    FOLLOWUP_SEEN_SESSION_KEY,
    FOLLOWUP_SESSION_KEY,
    advocate_consent_get,
    advocate_consents,
    followup_report,
    receipt_code_find,
    report_messages,
)
from haven.web.portal.services import (
    MAX_MESSAGE_CHARACTERS,
    consent_revoke_by_reporter,
    draft_discard,
    message_from_advocate,
    message_from_reporter,
    receipt_code_replace_by_advocate,
    receipt_code_replace_by_reporter,
)
from haven.web.reporting.models import Report, Stage
from haven.web.reporting.services import report_read
from haven.web.subjectaccess.models import SubjectAccessRequest
from haven.web.subjectaccess.selectors import requests_for_report
from haven.web.subjectaccess.services import (
    answer_download,
    request_by_advocate,
    request_by_reporter,
)
from haven.web.views import public_portal

TEMPLATES = "portal/followup/"


def _stage_words(stage: str) -> str:
    return {
        Stage.REPORT: _("The police have your report and will look at it."),
        Stage.INVESTIGATION: _("The police are investigating what you reported."),
        Stage.PROSECUTION: _("The case has gone to the prosecutors or the courts."),
        Stage.CONCLUDED: _("The case has ended."),
    }.get(stage, "")


def _scope_labels(scopes: list[str]) -> list[str]:
    return [str(ConsentScope(s).label) for s in scopes if s in ConsentScope.values]


def _idle_seconds() -> int:
    return int(settings.HAVEN_PORTAL_FOLLOW_UP_IDLE_MINUTES) * 60


def _end_followup(request: HttpRequest) -> None:
    request.session.pop(FOLLOWUP_SESSION_KEY, None)
    request.session.pop(FOLLOWUP_SEEN_SESSION_KEY, None)


def _followed(request: HttpRequest) -> tuple[Report | None, str]:
    """The report this browser follows, and, when none, why ("idle", "ended" or "")."""
    if FOLLOWUP_SESSION_KEY not in request.session:
        return None, ""
    seen = request.session.get(FOLLOWUP_SEEN_SESSION_KEY)
    now = int(time.time())
    if not isinstance(seen, int) or now - seen > _idle_seconds():
        _end_followup(request)
        return None, "idle"
    report = followup_report(request)
    if report is None:  # the code was replaced since (perhaps by someone else)
        _end_followup(request)
        return None, "ended"
    request.session[FOLLOWUP_SEEN_SESSION_KEY] = now
    return report, ""


def _start(why: str = "") -> HttpResponseRedirect:
    url = reverse("portal:followup-start")
    return HttpResponseRedirect(f"{url}?ended={why}" if why else url)


def reporter_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run `view(request, report)` for the report this browser follows, or go to the
    code page (saying why, when the follow-up timed out or ended)."""

    def wrapped(request: HttpRequest) -> HttpResponse:
        report, why = _followed(request)
        if report is None:
            return _start(why)
        return view(request, report)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _too_many(request: HttpRequest, what: str) -> HttpResponse:
    return render(request, TEMPLATES + "too_many.html", {"what": what}, status=429)


# --- the reporter -----------------------------------------------------------------------


@public_portal
@require_http_methods(["GET", "POST"])
def followup_start_view(request: HttpRequest) -> HttpResponse:
    """Enter the receipt code."""
    report, why = _followed(request)
    if report is not None:
        return redirect("portal:followup-show")
    ended = why or request.GET.get("ended", "")
    if request.method == "GET":
        return render(request, TEMPLATES + "start.html", {"ended": ended})
    if throttle.exhausted("code_failure", request):
        return _too_many(request, "code")
    text = request.POST.get("code", "")
    error = ""
    if not text.strip():
        error = _("Enter your receipt code")
    elif codes.normalise(text) is None:
        error = _(
            "Enter the receipt code as you were given it: 16 letters and numbers, "
            "like ABCD EFGH JKLM NPQR"
        )
    else:
        receipt = receipt_code_find(text=text)
        if receipt is not None:
            request.session.cycle_key()  # a new session id for the follow-up
            request.session[FOLLOWUP_SESSION_KEY] = receipt.pk
            request.session[FOLLOWUP_SEEN_SESSION_KEY] = int(time.time())
            return redirect("portal:followup-show")
        if not throttle.take("code_failure", request):
            return _too_many(request, "code")
        error = _(
            "We do not recognise this receipt code. Check it and try again. If you have "
            "lost your code, the police or your advocate can give you a new one."
        )
    return render(request, TEMPLATES + "start.html", {"error": error}, status=200)


def _show_context(report: Report, **extra: Any) -> dict[str, Any]:
    consent = AdvocateConsent.objects.filter(report=report).select_related("organisation").first()
    return {
        "report": report,
        "stage_label": stage_label(report.stage),
        "stage_words": _stage_words(report.stage),
        "messages_list": report_messages(report=report),
        "log": disclosure_log(report),
        "consent": consent if consent is not None and consent.active else None,
        "max_message": MAX_MESSAGE_CHARACTERS,
        "access_requests": requests_for_report(report=report),
        **extra,
    }


@public_portal
@require_http_methods(["GET"])
@reporter_required
def followup_show_view(request: HttpRequest, report: Report) -> HttpResponse:
    """The follow-up page: stage, messages, the disclosure log and what the reporter can do."""
    done = request.GET.get("done", "")
    return render(request, TEMPLATES + "show.html", _show_context(report, done=done))


def _message_error(text: str) -> str:
    if not text.strip():
        return _("Write a message")
    if len(text.strip()) > MAX_MESSAGE_CHARACTERS:
        return _("A message can be %(limit)s characters at most") % {
            "limit": f"{MAX_MESSAGE_CHARACTERS:,}"
        }
    return ""


@public_portal
@require_POST
@reporter_required
def followup_message_view(request: HttpRequest, report: Report) -> HttpResponse:
    """Send a message to the police."""
    text = request.POST.get("text", "")
    error = _message_error(text)
    if not error:
        if not throttle.take("message", request):
            return _too_many(request, "message")
        try:
            message_from_reporter(report=report, text=text)
        except ValidationError:
            error = _("This report can no longer take messages.")
        else:
            return HttpResponseRedirect(reverse("portal:followup-show") + "?done=sent#messages")
    context = _show_context(report, message_error=error, message_text=text[:MAX_MESSAGE_CHARACTERS])
    return render(request, TEMPLATES + "show.html", context)


def _live_receipt(request: HttpRequest) -> ReceiptCode | None:
    return ReceiptCode.objects.filter(
        pk=request.session.get(FOLLOWUP_SESSION_KEY), replaced_at__isnull=True
    ).first()


@public_portal
@require_http_methods(["GET", "POST"])
@reporter_required
def followup_code_replace_view(request: HttpRequest, report: Report) -> HttpResponse:
    """Replace the receipt code: confirm, then the new code, shown once."""
    if request.method == "GET":
        return render(request, TEMPLATES + "code_replace.html", {"report": report})
    receipt = _live_receipt(request)
    try:
        if receipt is None:
            raise PermissionDenied
        code = receipt_code_replace_by_reporter(receipt=receipt)
    except PermissionDenied:
        _end_followup(request)
        return _start("ended")
    # Stay signed in to the follow-up under the new code, with a new session id.
    request.session.cycle_key()
    request.session[FOLLOWUP_SESSION_KEY] = ReceiptCode.objects.get(
        report=report, replaced_at__isnull=True
    ).pk
    return render(
        request,
        TEMPLATES + "code_new.html",
        {"code": codes.display(code), "back": reverse("portal:followup-show")},
    )


@public_portal
@require_http_methods(["GET", "POST"])
@reporter_required
def followup_consent_revoke_view(request: HttpRequest, report: Report) -> HttpResponse:
    """Withdraw the advocate's consent: confirm, then withdraw."""
    consent = AdvocateConsent.objects.filter(report=report).select_related("organisation").first()
    if consent is None or not consent.active:
        return redirect("portal:followup-show")
    if request.method == "GET":
        return render(
            request,
            TEMPLATES + "consent_revoke.html",
            {"consent": consent, "scope_labels": _scope_labels(consent.scopes)},
        )
    consent_revoke_by_reporter(report=report)
    return HttpResponseRedirect(reverse("portal:followup-show") + "?done=withdrawn")


@public_portal
@require_http_methods(["GET", "POST"])
@reporter_required
def followup_copy_view(request: HttpRequest, report: Report) -> HttpResponse:
    """Ask for a copy of the information the police hold: confirm, then ask."""
    if request.method == "GET":
        return render(request, TEMPLATES + "copy.html", {"report": report})
    if not throttle.take("message", request):
        return _too_many(request, "message")
    try:
        request_by_reporter(report=report)
    except ValidationError:
        return redirect("portal:followup-show")
    return HttpResponseRedirect(reverse("portal:followup-show") + "?done=copy#access")


def _pdf(pdf: bytes, report: Report) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"haven-{report.reference.lower()}-your-information.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@public_portal
@require_http_methods(["GET"])
def followup_copy_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the DPO's answer to the reporter's request (ledgered)."""
    report, why = _followed(request)
    if report is None:
        return _start(why)
    sar = SubjectAccessRequest.objects.filter(report=report, pk=pk).first()
    if sar is None:
        raise Http404
    try:
        pdf = answer_download(sar=sar)
    except ValidationError:
        raise Http404 from None
    return _pdf(pdf, report)


@public_portal
@require_POST
def followup_sign_out_view(request: HttpRequest) -> HttpResponse:
    """Leave the follow-up page: the whole session ends (and any unfinished report)."""
    draft_discard(draft_id=request.session.get(DRAFT_SESSION_KEY))
    request.session.flush()
    return _start("signed_out")


# --- advocates ----------------------------------------------------------------------------


def _consent_or_404(request: HttpRequest, reference: str) -> AdvocateConsent:
    try:
        return advocate_consent_get(user=request.user, reference=reference)
    except AdvocateConsent.DoesNotExist:
        raise Http404 from None


@public_portal
@login_required
@require_http_methods(["GET"])
def advocate_index_view(request: HttpRequest) -> HttpResponse:
    """The reports the advocate's organisations made, and what each consent allows."""
    if not is_advocate(user=request.user):
        raise Http404
    return render(
        request,
        TEMPLATES + "advocate_index.html",
        {"consents": advocate_consents(user=request.user)},
    )


def _advocate_context(request: HttpRequest, consent: AdvocateConsent, **extra: Any) -> dict:
    report = consent.report
    context: dict[str, Any] = {"consent": consent, "report": report, **extra}
    if not consent.active:
        return context
    scopes = set(consent.scopes)
    context["scopes"] = scopes
    context["max_message"] = MAX_MESSAGE_CHARACTERS
    context["show_updates"] = ConsentScope.SEE_UPDATES in scopes
    context["show_messages"] = ConsentScope.EXCHANGE_MESSAGES in scopes
    if context["show_updates"]:
        context["stage_label"] = stage_label(report.stage)
        context["stage_words"] = _stage_words(report.stage)
        context["log"] = disclosure_log(report)
    if context["show_messages"]:
        context["messages_list"] = report_messages(report=report)
    if ConsentScope.REQUEST_COPY in scopes:
        context["access_requests"] = requests_for_report(report=report)
    if scopes & {ConsentScope.SEE_UPDATES, ConsentScope.EXCHANGE_MESSAGES}:
        # The victim sees in their log that their advocate looked at their report.
        report_read(report=report, reader=request.user, reader_role="advocate")
    return context


@public_portal
@login_required
@require_http_methods(["GET"])
def advocate_show_view(request: HttpRequest, reference: str) -> HttpResponse:
    consent = _consent_or_404(request, reference)
    done = request.GET.get("done", "")
    return render(
        request, TEMPLATES + "advocate_show.html", _advocate_context(request, consent, done=done)
    )


def _advocate_show(reference: str, done: str) -> HttpResponseRedirect:
    url = reverse("portal:followup-advocate-show", args=[reference])
    return HttpResponseRedirect(f"{url}?done={done}")


@public_portal
@login_required
@require_POST
def advocate_message_view(request: HttpRequest, reference: str) -> HttpResponse:
    consent = _consent_or_404(request, reference)
    text = request.POST.get("text", "")
    error = _message_error(text)
    if not error:
        try:
            message_from_advocate(report=consent.report, text=text, by=request.user)
        except ValidationError:
            error = _("This report can no longer take messages.")
        else:
            return _advocate_show(reference, "sent")
    context = _advocate_context(
        request, consent, message_error=error, message_text=text[:MAX_MESSAGE_CHARACTERS]
    )
    return render(request, TEMPLATES + "advocate_show.html", context)


@public_portal
@login_required
@require_POST
def advocate_copy_view(request: HttpRequest, reference: str) -> HttpResponse:
    consent = _consent_or_404(request, reference)
    try:
        request_by_advocate(report=consent.report, advocate=request.user)
    except ValidationError:
        return _advocate_show(reference, "")
    return _advocate_show(reference, "copy")


@public_portal
@login_required
@require_http_methods(["GET"])
def advocate_copy_download_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Download the answer for the victim, when their consent allows copies (ledgered)."""
    consent = _consent_or_404(request, reference)
    if not consent.allows(ConsentScope.REQUEST_COPY):
        raise PermissionDenied("The victim's consent does not allow this.")
    sar = SubjectAccessRequest.objects.filter(report=consent.report, pk=pk).first()
    if sar is None:
        raise Http404
    try:
        pdf = answer_download(sar=sar, advocate=request.user)
    except ValidationError:
        raise Http404 from None
    return _pdf(pdf, consent.report)


@public_portal
@login_required
@require_http_methods(["GET", "POST"])
def advocate_code_replace_view(request: HttpRequest, reference: str) -> HttpResponse:
    consent = _consent_or_404(request, reference)
    if not consent.allows(ConsentScope.REPLACE_CODE):
        raise PermissionDenied("The victim's consent does not allow this.")
    if request.method == "GET":
        return render(request, TEMPLATES + "advocate_code_replace.html", {"consent": consent})
    code = receipt_code_replace_by_advocate(report=consent.report, by=request.user)
    return render(
        request,
        TEMPLATES + "code_new.html",
        {
            "code": codes.display(code),
            "for_advocate": True,
            "back": reverse("portal:followup-advocate-show", args=[reference]),
        },
    )
