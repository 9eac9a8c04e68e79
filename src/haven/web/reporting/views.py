"""The officer console: the force's reports, recording a report, and the case page.

Views stay thin: reads come from `selectors`, writes go through `services` (each with
its ledger event). Every page that opens a report's sealed content records exactly one
read (`report_read`); pages that show only plain columns (the list, the stage form)
record none. Another force's report is a 404 everywhere, never a 403, so its existence
is not confirmed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from haven.web.accounts.permissions import Capability, can
from haven.web.portal.codes import display as display_code
from haven.web.portal.services import (
    CODE_ALREADY_ISSUED,
    MAX_MESSAGE_CHARACTERS,
    WAYS_IN_BY_ROLE,
    message_from_force,
    receipt_code_issue_by_force,
    receipt_code_replace_by_force,
)
from haven.web.reporting.forms import (
    YES,
    PersonForm,
    PersonOption,
    RecordReportForm,
    ReportFilterForm,
    StageForm,
)
from haven.web.reporting.models import Channel, Report, ReportPerson, Stage
from haven.web.reporting.selectors import (
    report_content,
    report_get_for_user,
    report_list_filtered,
    report_person_get,
    report_recording_forces,
    report_timeline,
)
from haven.web.reporting.services import (
    PersonInReport,
    person_removal_refused,
    report_create,
    report_person_add,
    report_person_remove,
    report_person_update,
    report_read,
    report_stage_change,
)

REPORTS_PER_PAGE = 25


@login_required
def report_index_view(request: HttpRequest) -> HttpResponse:
    """The reports the user may see, filtered and paged, newest first."""
    form = ReportFilterForm(request.GET or None)
    filters = form.filters()
    reports = report_list_filtered(user=request.user, filters=filters)
    paginator = Paginator(reports, REPORTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/report/index.html",
        {
            "form": form,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "ellipsis": Paginator.ELLIPSIS,
            "query": f"{query.urlencode()}&" if query else "",
            "filtered": form.is_bound and form.is_valid() and any(vars(filters).values()),
            "can_record": report_recording_forces(user=request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_record_view(request: HttpRequest) -> HttpResponse:
    """Record a report an officer took by phone or at a front desk."""
    forces = report_recording_forces(user=request.user)
    if not forces.exists():
        raise Http404
    form = RecordReportForm(_posted(request), forces=forces)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                report = report_create(
                    force=data["force"],
                    offence=data["offence"],
                    account=data["account"],
                    people=form.people(),
                    channel=Channel(data["channel"]),
                    contact=form.contact_text(),
                    recorded_by=request.user,
                    occurred=data["occurred"],
                    place=data["place"],
                    preferred_language=form.preferred_language(),
                    interpreter_needed=data["interpreter"] == YES,
                )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                f"Report {report.reference} was recorded. Now give the reporter a receipt "
                "code, while you are still talking to them, so they can follow it up.",
            )
            return redirect("reporting:report-show", reference=report.reference)
    return render(request, "reporting/report/record.html", {"form": form})


@login_required
def report_show_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The case page: the report, its people, stage, messages and timeline."""
    return _report_page(request, _visible_report(request, reference))


def _report_page(request: HttpRequest, report: Report, **reply: str) -> HttpResponse:
    """The case page; `reply` gives back a reply that was refused (`reply_text`, and
    `reply_error` to show beside it)."""
    content = None
    if not report.destroyed:
        content = _read(request, report)
    staff = can(user=request.user, capability=Capability.VIEW_REPORTS, force=report.force)
    can_record = _can_record(request, report)
    return render(
        request,
        "reporting/report/show.html",
        {
            "report": report,
            "content": content,
            "can_record": can_record,
            "stage_form": StageForm(initial={"stage": report.stage}) if can_record else None,
            "timeline": report_timeline(report=report) if staff else None,
            "gateway_panel": staff and _gateway_panel_exists(),
            "site_language_label": (
                _language_name(report.language)
                if report.channel in (Channel.PORTAL, Channel.ADVOCATE)
                else ""
            ),
            **_followup_context(request, report),
            **reply,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_stage_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Move the report to another stage (ledgered by `report_stage_change`)."""
    report = _force_report(request, reference, Capability.RECORD_REPORTS)
    if report.destroyed:
        raise Http404
    form = StageForm(_posted(request), initial={"stage": report.stage})
    if request.method == "POST" and form.is_valid():
        try:
            report_stage_change(
                report=report, stage=Stage(form.cleaned_data["stage"]), by=request.user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"The report is now “{report.get_stage_display()}”.")
            return redirect(reverse("reporting:report-show", args=[reference]) + "#stage")
    return render(
        request, "reporting/report/stage.html", {"report": report, "stage_form": form, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_person_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    report = _force_report(request, reference, Capability.RECORD_REPORTS)
    if report.destroyed:
        raise Http404
    people = {person.pk: person for person in report.people.all()}
    form = PersonForm(_posted(request), others=_options(people.values()))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report_person_add(
                report=report,
                person=PersonInReport(role=data["role"], label=data["label"], name=data["name"]),
                by=request.user,
                relation=data["relation"],
                related_to=form.related_person(people),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{data['label']} was added to the report.")
            return redirect(reverse("reporting:report-show", args=[reference]) + "#people")
    _record_read(request, report)  # the form lists the others by their sealed labels
    return render(
        request,
        "reporting/report/person_form.html",
        {
            "report": report,
            "form": form,
            "person": None,
            "has_others": bool(people),
            "action": reverse("reporting:report-person-add", args=[reference]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_person_edit_view(request: HttpRequest, reference: str, person_id: int) -> HttpResponse:
    report, person = _force_person(request, reference, person_id)
    people = {other.pk: other for other in report.people.all() if other.pk != person.pk}
    initial = {
        "role": person.role,
        "label": person.unseal_text("label"),
        "name": person.unseal_text("name"),
        "relation": person.relation,
        "related_to": person.related_to_id,
    }
    form = PersonForm(_posted(request), initial=initial, others=_options(people.values()))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report_person_update(
                person=person,
                label=data["label"],
                name=data["name"],
                role=data["role"],
                by=request.user,
                relation=data["relation"],
                related_to=form.related_person(people),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"The changes to {data['label']} were saved.")
            return redirect(reverse("reporting:report-show", args=[reference]) + "#people")
    _record_read(request, report)
    return render(
        request,
        "reporting/report/person_form.html",
        {
            "report": report,
            "form": form,
            "person": person,
            "has_others": bool(people),
            "action": reverse("reporting:report-person-edit", args=[reference, person.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_person_remove_view(request: HttpRequest, reference: str, person_id: int) -> HttpResponse:
    report, person = _force_person(request, reference, person_id)
    label = person.unseal_text("label")
    if request.method == "POST":
        try:
            report_person_remove(person=person, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{label} was removed from the report.")
        return redirect(reverse("reporting:report-show", args=[reference]) + "#people")
    _record_read(request, report)
    return render(
        request,
        "reporting/report/person_remove.html",
        {
            "report": report,
            "person": person,
            "label": label,
            "refused": person_removal_refused(person),
        },
    )


# --- helpers ---------------------------------------------------------------------------------


def _posted(request: HttpRequest):
    """The form data of a POST (even an empty one, which must show errors), else None."""
    return request.POST if request.method == "POST" else None


def _visible_report(request: HttpRequest, reference: str) -> Report:
    try:
        return report_get_for_user(user=request.user, reference=reference)
    except Report.DoesNotExist:
        raise Http404 from None


def _read(request: HttpRequest, report: Report):
    content = report_content(report=report)
    _record_read(request, report)
    return content


def _record_read(request: HttpRequest, report: Report) -> None:
    report_read(report=report, reader=request.user)


def _can_record(request: HttpRequest, report: Report) -> bool:
    return not report.destroyed and can(
        user=request.user, capability=Capability.RECORD_REPORTS, force=report.force
    )


def _force_person(
    request: HttpRequest, reference: str, person_id: int
) -> tuple[Report, ReportPerson]:
    report = _force_report(request, reference, Capability.RECORD_REPORTS)
    if report.destroyed:
        raise Http404
    try:
        return report, report_person_get(report=report, person_id=person_id)
    except ReportPerson.DoesNotExist:
        raise Http404 from None


def _options(people) -> list[PersonOption]:
    return [
        PersonOption(
            id=person.pk,
            label=f"{person.unseal_text('label')} ({person.get_role_display().lower()})",
        )
        for person in people
    ]


def _form_errors(form, error: ValidationError) -> None:
    """A service's refusal, shown on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _gateway_panel_exists() -> bool:
    """Whether the sharing app provides a case panel (`sharing/case_panel.html`) that
    loads: the case page must work without it (the gateway is built separately)."""
    try:
        get_template("sharing/case_panel.html")
    except (TemplateDoesNotExist, TemplateSyntaxError):
        return False
    return True


# --- the reporter's follow-up, seen from the force (issue 10) ------------------------------


def _followup_context(request: HttpRequest, report: Report) -> dict:
    """The messages and what the officer may do about the reporter's receipt code: only
    for staff of the report's force (an advocate sees their own pages in the portal)."""
    from haven.web.portal.selectors import report_messages

    if not can(user=request.user, capability=Capability.VIEW_REPORTS, force=report.force):
        return {}
    return {
        "followup": True,
        "interpreter_label": INTERPRETER_LABELS[report.interpreter_needed],
        "portal_messages": report_messages(report=report),
        "can_reply": not report.destroyed
        and (
            can(user=request.user, capability=Capability.RECORD_REPORTS, force=report.force)
            or can(
                user=request.user, capability=Capability.ANSWER_SUBJECT_ACCESS, force=report.force
            )
        ),
        "can_replace_code": _can_record(request, report) and report.receipt_codes.exists(),
        # A report taken by phone or at a front desk has no code until an officer gives one.
        "can_issue_code": _can_record(request, report) and not report.receipt_codes.exists(),
        "max_message": MAX_MESSAGE_CHARACTERS,
    }


def _language_name(code: str) -> str:
    """The English name of the language the reporter used the site in ("Polish"), never
    its code: Django's name, else the portal's list, else a plain "not recorded"."""
    from django.utils.translation import get_language_info

    from haven.web.portal.catalogue import language_name

    try:
        return str(get_language_info(code)["name"])
    except KeyError:
        return language_name(code) or "Not recorded"


INTERPRETER_LABELS = {
    True: _("Yes, they asked for an interpreter"),
    False: _("No, they did not ask for one"),
    None: _("Not asked"),
}


def _force_report(request: HttpRequest, reference: str, capability: Capability) -> Report:
    report = _visible_report(request, reference)
    if not can(user=request.user, capability=capability, force=report.force):
        raise Http404
    return report


@login_required
@require_POST
def report_message_view(request: HttpRequest, reference: str) -> HttpResponse:
    """An officer replies to the reporter on their follow-up page."""
    report = _force_report(request, reference, Capability.VIEW_REPORTS)
    text = request.POST.get("text", "")
    try:
        message_from_force(report=report, text=text, by=request.user)
    except ValidationError as error:
        # The page again, the reply kept in its box beside the reason (nothing was sent).
        return _report_page(request, report, reply_text=text, reply_error=" ".join(error.messages))
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


@login_required
@require_http_methods(["GET", "POST"])
def report_code_issue_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Give the reporter of a report taken by phone or at a front desk their first receipt
    code: the officer picks the victim or witness they are talking to and confirms they
    have checked who it is; then the code, shown once (`receipt_code_issue_by_force`)."""
    report = _force_report(request, reference, Capability.RECORD_REPORTS)
    if report.destroyed:
        raise Http404
    if report.receipt_codes.exists():  # given already (a second click, another officer)
        messages.error(request, CODE_ALREADY_ISSUED)
        return redirect("reporting:report-show", reference=reference)
    people = list(report.people.all())
    chosen = request.POST.get("person", "")
    errors: dict[str, str] = {}
    if request.method == "POST":
        person = next((p for p in people if str(p.pk) == chosen), None)
        if person is None:
            errors["person"] = "Choose the person you are talking to"
        if request.POST.get("verified") != "yes":
            errors["verified"] = "Confirm that you have checked who you are talking to"
        if not errors:
            try:
                code = receipt_code_issue_by_force(report=report, person=person, by=request.user)
            except ValidationError as error:
                errors["person"] = " ".join(error.messages)
            else:
                return render(
                    request,
                    "reporting/report/code_new.html",
                    {
                        "report": report,
                        "code": display_code(code),
                        "first": True,
                        "followup_url": request.build_absolute_uri(
                            reverse("portal:followup-start")
                        ),
                    },
                )
    _record_read(request, report)  # the choice lists the people by their sealed labels
    return render(
        request,
        "reporting/report/code_issue.html",
        {
            "report": report,
            "options": _options(p for p in people if p.role in WAYS_IN_BY_ROLE),
            "chosen": chosen,
            "errors": errors,
        },
    )
