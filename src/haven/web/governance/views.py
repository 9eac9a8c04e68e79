"""The DPO's policy version pages (docs/governance.md). Views are thin: the services
write (and ledger), the selectors and `comparison` read."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from haven.web.accounts.models import Force
from haven.web.accounts.permissions import Capability, can, forces_where
from haven.web.governance import services
from haven.web.governance.comparison import version_comparison
from haven.web.governance.forms import PolicyTextForm, SignOffForm
from haven.web.governance.models import PolicyVersion, VersionStatus
from haven.web.governance.selectors import (
    effective_status,
    force_active_version,
    force_overview,
    policy_version,
    second_approver_exists,
)
from haven.web.sharing.services import requests_redecided


def _managed_force(request: HttpRequest, code: str) -> Force:
    """The force named in the URL, if the user is its DPO; otherwise 404, which does not
    say whether the force or version exists."""
    force = Force.objects.filter(code=code).first()
    if force is None or not can(
        user=request.user, capability=Capability.MANAGE_POLICY, force=force
    ):
        raise Http404
    return force


def _version(request: HttpRequest, code: str, number: int) -> PolicyVersion:
    version = policy_version(force=_managed_force(request, code), number=number)
    if version is None:
        raise Http404
    return version


def _error_text(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


@login_required
@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    forces = list(forces_where(user=request.user, capability=Capability.MANAGE_POLICY))
    if not forces:
        raise PermissionDenied
    return render(
        request,
        "governance/index.html",
        {"overviews": [force_overview(force=force) for force in forces]},
    )


def _text_page(
    request: HttpRequest,
    force: Force,
    form: PolicyTextForm,
    version: PolicyVersion | None,
    error_line: int | None = None,
) -> HttpResponse:
    return render(
        request,
        "governance/text.html",
        {"force": force, "form": form, "version": version, "error_line": error_line},
        status=400 if form.errors else 200,
    )


@login_required
def create_view(request: HttpRequest, code: str) -> HttpResponse:
    force = _managed_force(request, code)
    active = force_active_version(force=force)
    if request.method != "POST":
        text = active.text if active else services.shipped_policy_text(force.active_policy)
        return _text_page(request, force, PolicyTextForm(initial={"text": text}), None)
    form = PolicyTextForm(request.POST)
    if not form.is_valid():
        return _text_page(request, force, form, None)
    try:
        version = services.version_draft_create(
            force=force,
            text=form.cleaned_data["text"],
            by=request.user,
            base_policy="" if active else force.active_policy,
        )
    except services.PolicyTextError as error:
        form.add_error("text", error.text_message)
        return _text_page(request, force, form, None, error.line)
    messages.success(
        request, _("Version %(number)s saved as a draft.") % {"number": version.number}
    )
    return redirect("governance:version", code=force.code, number=version.number)


@login_required
def edit_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _version(request, code, number)
    if version.status != VersionStatus.DRAFT:
        raise Http404
    if request.method != "POST":
        return _text_page(
            request, version.force, PolicyTextForm(initial={"text": version.text}), version
        )
    form = PolicyTextForm(request.POST)
    if not form.is_valid():
        return _text_page(request, version.force, form, version)
    try:
        services.version_draft_update(
            version=version, text=form.cleaned_data["text"], by=request.user
        )
    except services.PolicyTextError as error:
        form.add_error("text", error.text_message)
        return _text_page(request, version.force, form, version, error.line)
    messages.success(
        request, _("Your changes to version %(number)s are saved.") % {"number": number}
    )
    return redirect("governance:version", code=code, number=number)


def _version_page(
    request: HttpRequest,
    version: PolicyVersion,
    *,
    sign_off_form: SignOffForm | None = None,
    errors: list[str] | None = None,
    impact=None,  # type: ignore[no-untyped-def]
) -> HttpResponse:
    status = effective_status(version)
    comparison = None
    if status in (
        VersionStatus.DRAFT,
        VersionStatus.AWAITING_SECOND_APPROVAL,
        VersionStatus.APPROVED,
    ):
        comparison = version_comparison(version)
    return render(
        request,
        "governance/version.html",
        {
            "version": version,
            "force": version.force,
            "status": status,
            "status_label": VersionStatus(status).label,
            "comparison": comparison,
            "sign_off_form": sign_off_form
            or SignOffForm(initial={"effective_on": timezone.localdate()}),
            "errors": errors or [],
            "impact": impact,
            "is_signer": version.signed_off_by_id == request.user.pk,
            "second_approver_exists": second_approver_exists(version),
            "can_withdraw": status
            in (
                VersionStatus.DRAFT,
                VersionStatus.AWAITING_SECOND_APPROVAL,
                VersionStatus.APPROVED,
            ),
            "can_roll_back": status == VersionStatus.ACTIVE,
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def version_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    return _version_page(request, _version(request, code, number))


@login_required
@require_POST
def sign_off_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _version(request, code, number)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        return _version_page(
            request,
            version,
            sign_off_form=form,
            errors=[_("Enter the date the version takes effect.")],
        )
    day = form.cleaned_data["effective_on"]
    if day < timezone.localdate():
        return _version_page(
            request,
            version,
            sign_off_form=form,
            errors=[_("The date the version takes effect must be today or later.")],
        )
    effective_at = max(timezone.make_aware(datetime.combine(day, time.min)), timezone.now())
    try:
        services.version_sign_off(version=version, by=request.user, effective_at=effective_at)
    except ValidationError as error:
        return _version_page(request, version, sign_off_form=form, errors=_error_text(error))
    messages.success(
        request,
        _("You signed off version %(number)s. It now needs a second approver.")
        % {"number": number},
    )
    return redirect("governance:version", code=code, number=number)


@login_required
@require_POST
def approve_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _version(request, code, number)
    try:
        services.version_approve(version=version, by=request.user)
    except ValidationError as error:
        return _version_page(request, version, errors=_error_text(error))
    messages.success(request, _("You approved version %(number)s.") % {"number": number})
    return redirect("governance:version", code=code, number=number)


@login_required
@require_POST
def withdraw_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = _version(request, code, number)
    try:
        services.version_withdraw(version=version, by=request.user)
    except ValidationError as error:
        return _version_page(request, version, errors=_error_text(error))
    messages.success(request, _("Version %(number)s is withdrawn.") % {"number": number})
    return redirect("governance:version", code=code, number=number)


@login_required
@require_POST
def impact_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Re-decide the force's recent requests under this version (opening each sealed
    case is ledgered, so this is a POST); only counts are shown."""
    version = _version(request, code, number)
    from haven.web.governance.selectors import version_compiled

    impact = requests_redecided(
        force=version.force, policy=version_compiled(version), by=request.user
    )
    return _version_page(request, version, impact=impact)


@login_required
def rollback_view(request: HttpRequest, code: str) -> HttpResponse:
    force = _managed_force(request, code)
    current, earlier = services.rollback_target(force=force)
    if request.method != "POST":
        return render(
            request,
            "governance/rollback.html",
            {"force": force, "current": current, "earlier": earlier},
        )
    try:
        restored = services.version_rollback(force=force, by=request.user)
    except ValidationError as error:
        return render(
            request,
            "governance/rollback.html",
            {"force": force, "current": current, "earlier": earlier, "errors": _error_text(error)},
            status=400,
        )
    messages.success(
        request,
        _("Version %(number)s is now in force: it restores the text in force before.")
        % {"number": restored.number},
    )
    return redirect("governance:version", code=code, number=restored.number)
