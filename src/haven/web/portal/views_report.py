"""The reporting flow: who is reporting, one question per page, check answers, confirmation.

The browser's session holds only the draft's row id (`DRAFT_SESSION_KEY`); the answers
are sealed in the draft (`services.draft_save`). The receipt code exists in plain text
only in the one response that shows it: the confirmation rendered on the submitting
POST. A reload of the confirmation (a GET) shows the reference and says the code was
shown once. See docs/portal.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from haven.web.accounts.models import Force
from haven.web.portal import codes, forms, steps, throttle
from haven.web.portal.answers import Answers
from haven.web.portal.catalogue import (
    LANGUAGE_BY_CODE,
    NO_SUPPORT,
    OFFENCE_CHOICES,
    OTHER_LANGUAGE,
    SUPPORT_BY_CODE,
    services_for,
)
from haven.web.portal.models import ConsentScope, PortalDraft, WayIn
from haven.web.portal.selectors import DRAFT_SESSION_KEY, SUBMITTED_SESSION_KEY, submitted_report
from haven.web.portal.services import draft_answers, draft_save, draft_start, portal_submit
from haven.web.views import public_portal

FROM_CHECK = "check"
FOLLOW_UP_PATH = "/report/follow-up/"
COMPLAINT_URL = "https://www.policeconduct.gov.uk/complaints-reviews-and-appeals/make-complaint"

OFFENCE_WORDS = {value: (label, hint) for value, label, hint in OFFENCE_CHOICES}
ROLE_WORDS = dict(forms.PERSON_ROLES)
CHANNEL_WORDS = {
    forms.CONTACT_NONE: _("Do not contact me"),
    **dict(forms.CONTACT_CHANNELS),
    forms.CONTACT_ADVOCATE[0]: forms.CONTACT_ADVOCATE[1],
}


# --- helpers -----------------------------------------------------------------------------


def step_url(name: str, *, from_check: bool = False) -> str:
    url = reverse("portal:report-check" if name == steps.CHECK else f"portal:report-{name}")
    return f"{url}?from={FROM_CHECK}" if from_check and name != steps.CHECK else url


def is_advocate(request: HttpRequest) -> bool:
    """Whether the signed-in user may report for a victim (a member of an advocate
    organisation)."""
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.advocate_organisations.exists())


def _draft(request: HttpRequest) -> PortalDraft | None:
    """The browser's unexpired draft, if it has one."""
    draft_id = request.session.get(DRAFT_SESSION_KEY)
    if draft_id is None:
        return None
    return PortalDraft.objects.filter(pk=draft_id, expires_at__gt=timezone.now()).first()


def _too_many(request: HttpRequest, bucket: str) -> HttpResponse:
    return render(
        request,
        "portal/report/too_many.html",
        {"bucket": bucket, "draft_limit": bucket == "draft"},
        status=429,
    )


def _error_list(form: django_forms.Form, anchors: dict[str, str]) -> list[tuple[str, str]]:
    """(anchor, message) for the GOV.UK error summary, in the form's field order."""
    first = next(iter(form.fields))
    listed = []
    for name in [*form.fields, "__all__"]:
        for message in form.errors.get(name, []):
            listed.append((anchors.get(name, name if name != "__all__" else first), message))
    return listed


# --- the steps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StepPage:
    template: str
    title: Any
    make_form: Callable[..., django_forms.Form]
    initial: Callable[[Answers], dict]
    apply: Callable[[Answers, dict], None]
    anchors: dict[str, str] = field(default_factory=dict)


def _plain_form(form_class: type[django_forms.Form]) -> Callable[..., django_forms.Form]:
    """A page's form that needs nothing from the request or the answers."""
    return lambda request, answers, *a, **k: form_class(*a, **k)


def _one_answer(
    key: str, empty: Any = ""
) -> tuple[Callable[[Answers], dict], Callable[[Answers, dict], None]]:
    """`initial` and `apply` for a page whose form field and answer share one `key`."""
    return (
        lambda answers: {key: answers.get(key, empty)},
        lambda answers, data: answers.update({key: data[key]}),
    )


def _consent_apply(answers: Answers, data: dict) -> None:
    answers["consent"] = [s for s in ConsentScope.values if s in data["consent"]]


def _when_initial(answers: Answers) -> dict:
    when = answers.get("when") or {}
    if when.get("kind") == "date":
        happened = date.fromisoformat(when["date"])
        return {"day": happened.day, "month": happened.month, "year": happened.year}
    if when.get("kind") == "roughly":
        return {"roughly": when.get("text", "")}
    return {}


def _when_apply(answers: Answers, data: dict) -> None:
    if data["kind"] == forms.WHEN_DATE:
        answers["when"] = {"kind": "date", "date": data["date"].isoformat()}
    else:
        answers["when"] = {"kind": "roughly", "text": data["roughly"]}


def _contact_initial(answers: Answers) -> dict:
    contact = answers.get("contact")
    if contact is None:
        return {}
    if not contact.get("allowed"):
        return {"channel": forms.CONTACT_NONE}
    return {"channel": contact.get("channel", "")}


def _contact_apply(answers: Answers, data: dict) -> None:
    """The channel alone; the details page adds the rest. The same channel again keeps
    the details given for it (a reporter passing back through the page)."""
    channel = data["channel"]
    if channel == forms.CONTACT_NONE:
        answers["contact"] = {"allowed": False}
        return
    contact = answers.get("contact") or {}
    if contact.get("allowed") and contact.get("channel") == channel:
        return
    answers["contact"] = {"allowed": True, "channel": channel}


def _contact_channel(answers: Answers) -> str:
    return (answers.get("contact") or {}).get("channel", "")


def _contact_details_initial(answers: Answers) -> dict:
    contact = answers.get("contact") or {}
    if "say_police" not in contact:
        return {}
    return {
        "details": contact.get("details", ""),
        "times": contact.get("times", ""),
        "say_police": forms.YES if contact.get("say_police") else forms.NO,
    }


def _contact_details_apply(answers: Answers, data: dict) -> None:
    channel = _contact_channel(answers)
    answers["contact"] = {
        "allowed": True,
        "channel": channel,
        "details": data.get("details", "") if channel != forms.CONTACT_ADVOCATE[0] else "",
        "times": data.get("times", ""),
        "say_police": data["say_police"] == forms.YES,
    }


def _language_initial(answers: Answers) -> dict:
    if "language" not in answers:
        return {}
    return {
        "language": answers["language"],
        "language_other": answers.get("language_other", ""),
        "interpreter": forms.YES if answers.get("interpreter") else forms.NO,
    }


def _language_apply(answers: Answers, data: dict) -> None:
    answers["language"] = data["language"]
    if data["language"] == OTHER_LANGUAGE:
        answers["language_other"] = data["language_other"]
    else:
        answers.pop("language_other", None)
    answers["interpreter"] = data["interpreter"] == forms.YES


STEP_PAGES: dict[str, StepPage] = {
    "consent": StepPage(
        "portal/report/consent.html",
        _("What has the victim agreed your organisation may do?"),
        _plain_form(forms.ConsentForm),
        lambda answers: {"consent": answers.get("consent", [])},
        _consent_apply,
    ),
    "force": StepPage(
        "portal/report/force.html",
        _("Which police force do you want to report to?"),
        _plain_form(forms.ForceForm),
        *_one_answer("force"),
    ),
    "what-happened": StepPage(
        "portal/report/what_happened.html",
        _("What happened?"),
        _plain_form(forms.AccountForm),
        *_one_answer("account"),
    ),
    "when": StepPage(
        "portal/report/when.html",
        _("When did it happen?"),
        _plain_form(forms.WhenForm),
        _when_initial,
        _when_apply,
        {"day": "when-day"},
    ),
    "where": StepPage(
        "portal/report/where.html",
        _("Where did it happen?"),
        _plain_form(forms.WhereForm),
        *_one_answer("place"),
    ),
    "offence": StepPage(
        "portal/report/offence.html",
        _("What kind of crime was it?"),
        _plain_form(forms.OffenceForm),
        *_one_answer("offence"),
    ),
    "contact": StepPage(
        "portal/report/contact.html",
        _("Is it safe for the police to contact you?"),
        lambda request, answers, *a, **k: forms.ContactForm(
            *a, advocate=answers.get("way") == WayIn.ADVOCATE, **k
        ),
        _contact_initial,
        _contact_apply,
    ),
    "contact-details": StepPage(
        "portal/report/contact_details.html",
        _("How can the police contact you safely?"),
        lambda request, answers, *a, **k: forms.ContactDetailsForm(
            *a, channel=_contact_channel(answers), **k
        ),
        _contact_details_initial,
        _contact_details_apply,
    ),
    "language": StepPage(
        "portal/report/language.html",
        _("Which language would you like the police to use with you?"),
        _plain_form(forms.LanguageForm),
        _language_initial,
        _language_apply,
    ),
    "support": StepPage(
        "portal/report/support.html",
        _("Would you like us to put you in touch with a support service?"),
        lambda request, answers, *a, **k: forms.SupportForm(
            *a, offence=answers.get("offence"), **k
        ),
        *_one_answer("support", empty=[]),
    ),
}


def _step_context(request: HttpRequest, answers: Answers, name: str, from_check: bool) -> dict:
    previous = steps.previous_step(answers, name)
    if from_check:
        back_url = step_url(steps.CHECK)
    elif previous is None:
        back_url = step_url("way") if name != "way" else reverse("start")
    else:
        back_url = step_url(previous)
    return {
        "back_url": back_url,
        "action_url": request.get_full_path(),
        "answers": answers,
        "is_advocate_report": answers.get("way") == WayIn.ADVOCATE,
        "max_account": forms.MAX_ACCOUNT_CHARACTERS,
    }


def _after_save(answers: Answers, name: str, from_check: bool) -> HttpResponseRedirect:
    """The next question, or back to check answers after a change (by way of any question
    the change made necessary, such as the consent page for a new advocate's report)."""
    if from_check and name == "contact" and steps.missing_step(answers) is None:
        # "Change" on how to contact you goes on to the details, so they can be changed too.
        if (answers.get("contact") or {}).get("allowed"):
            return redirect(step_url("contact-details", from_check=True))
    if from_check:
        missing = steps.missing_step(answers)
        return redirect(step_url(missing or steps.CHECK, from_check=missing is not None))
    return redirect(step_url(steps.next_step(answers, name)))


def _open_draft(request: HttpRequest, name: str) -> tuple[PortalDraft | None, Answers, Any]:
    """The draft and its answers, or a redirect: to the start without a draft, to the first
    unanswered question when `name` lies beyond it."""
    draft = _draft(request)
    if draft is None:
        return None, {}, redirect(step_url("way"))
    answers = draft_answers(draft)
    if not steps.reachable(answers, name):
        return draft, answers, redirect(step_url(steps.missing_step(answers) or steps.CHECK))
    return draft, answers, None


@public_portal
@require_http_methods(["GET", "POST"])
def step_view(request: HttpRequest, name: str) -> HttpResponse:
    """One question page (all but who is reporting, the people involved and check answers)."""
    draft, answers, elsewhere = _open_draft(request, name)
    if elsewhere is not None:
        return elsewhere
    page = STEP_PAGES[name]
    from_check = request.GET.get("from") == FROM_CHECK
    if request.method == "POST":
        if name == "where" and "skip" in request.POST:
            answers["place"] = ""
            draft_save(draft=draft, answers=answers)
            return _after_save(answers, name, from_check)
        form = page.make_form(request, answers, request.POST)
        if form.is_valid():
            page.apply(answers, form.cleaned_data)
            draft_save(draft=draft, answers=answers)
            return _after_save(answers, name, from_check)
    else:
        form = page.make_form(request, answers, initial=page.initial(answers))
    context = _step_context(request, answers, name, from_check)
    context.update(
        form=form,
        title=page.title,
        error_list=_error_list(form, page.anchors) if form.is_bound else [],
    )
    if name == "offence":
        context["offences"] = OFFENCE_CHOICES
    if name == "support":
        context["services"] = form.services
    if name == "language":
        context["languages"] = _languages()
    if name == "contact-details":
        context["channel"] = _contact_channel(answers)
    return render(request, page.template, context)


def _languages() -> list[tuple[str, Any, str]]:
    return [(code, name, own) for code, name, own, *_rest in LANGUAGE_BY_CODE.values()]


@public_portal
@require_http_methods(["GET", "POST"])
def way_view(request: HttpRequest) -> HttpResponse:
    """Who is reporting: a victim, a witness, or (signed-in advocates only) an advocate.
    The first answer creates the sealed draft (throttled per client)."""
    draft = _draft(request)
    answers = draft_answers(draft) if draft is not None else {}
    advocate_allowed = is_advocate(request)
    from_check = request.GET.get("from") == FROM_CHECK and draft is not None
    if request.method == "POST":
        form = forms.WayForm(request.POST, advocate_allowed=advocate_allowed)
        if form.is_valid():
            if draft is None:
                if not throttle.take("draft", request):
                    return _too_many(request, "draft")
                draft = draft_start()
                request.session[DRAFT_SESSION_KEY] = draft.pk
            answers["way"] = form.cleaned_data["way"]
            if answers["way"] != WayIn.ADVOCATE:
                answers.pop("consent", None)
                if (answers.get("contact") or {}).get("channel") == forms.CONTACT_ADVOCATE[0]:
                    answers.pop("contact")
            draft_save(draft=draft, answers=answers)
            return _after_save(answers, "way", from_check)
    else:
        form = forms.WayForm(initial={"way": answers.get("way")}, advocate_allowed=advocate_allowed)
    context = _step_context(request, answers, "way", from_check)
    context.update(
        form=form,
        title=_("Who is reporting?"),
        error_list=_error_list(form, {}) if form.is_bound else [],
        advocate_allowed=advocate_allowed,
    )
    return render(request, "portal/report/way.html", context)


@public_portal
@require_http_methods(["GET", "POST"])
def people_view(request: HttpRequest) -> HttpResponse:
    """Who else is involved: add people one at a time, then say there is no one else."""
    draft, answers, elsewhere = _open_draft(request, "people")
    if elsewhere is not None:
        return elsewhere
    from_check = request.GET.get("from") == FROM_CHECK
    people = list(answers.get("people", []))
    form = forms.PersonForm(role_required=False)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action.startswith("remove-"):
            try:
                del people[int(action.removeprefix("remove-"))]
            except (ValueError, IndexError):
                pass
            answers["people"] = people
            answers.pop("people_done", None)
            draft_save(draft=draft, answers=answers)
            return redirect(request.get_full_path())
        form = forms.PersonForm(request.POST, role_required=action == "add")
        if form.is_valid() and form.cleaned_data.get("role") and len(people) >= forms.MAX_PEOPLE:
            form.add_error("role", _("You can add up to 20 people"))
        if form.is_valid():
            role = form.cleaned_data.get("role")
            if role:
                people.append(
                    {
                        "role": role,
                        "label": forms.PERSON_LABELS[role],
                        "name": form.cleaned_data["name"],
                    }
                )
            answers["people"] = people
            if action == "add":
                answers.pop("people_done", None)
                draft_save(draft=draft, answers=answers)
                return redirect(request.get_full_path())
            answers["people_done"] = True
            draft_save(draft=draft, answers=answers)
            return _after_save(answers, "people", from_check)
    context = _step_context(request, answers, "people", from_check)
    context.update(
        form=form,
        title=_("Who else is involved?"),
        error_list=_error_list(form, {}) if form.is_bound else [],
        people=[
            {"index": i, "role": ROLE_WORDS.get(p["role"], p["role"]), "name": p.get("name", "")}
            for i, p in enumerate(people)
        ],
        roles=forms.PERSON_ROLES,
    )
    return render(request, "portal/report/people.html", context)


# --- check answers and submission --------------------------------------------------------


def _summary_rows(answers: Answers) -> list[dict]:
    """The check-answers summary list: question, answer lines and where to change it."""
    force = Force.objects.filter(code=answers.get("force")).first()
    when = answers.get("when") or {}
    if when.get("kind") == "date":
        when_lines = [date.fromisoformat(when["date"])]
    else:
        when_lines = [when.get("text", "")]
    contact = answers.get("contact") or {}
    if contact.get("allowed"):
        contact_lines = [CHANNEL_WORDS.get(contact.get("channel"), "")]
        if contact.get("details"):
            contact_lines.append(contact["details"])
        if contact.get("times"):
            contact_lines.append(contact["times"])
        contact_lines.append(
            _("A message or caller may say it is from the police")
            if contact.get("say_police")
            else _("A message or caller must not say it is from the police")
        )
    else:
        contact_lines = [CHANNEL_WORDS[forms.CONTACT_NONE]]
    language = answers.get("language", "")
    if language == OTHER_LANGUAGE:
        language_lines = [answers.get("language_other", "")]
    else:
        entry = LANGUAGE_BY_CODE.get(language)
        language_lines = [entry[1] if entry else language]
    language_lines.append(
        _("I need an interpreter")
        if answers.get("interpreter")
        else _("I do not need an interpreter")
    )
    support = answers.get("support", [])
    if NO_SUPPORT in support:
        support_lines = [_("No thanks")]
    else:
        support_lines = [SUPPORT_BY_CODE[c].name for c in support if c in SUPPORT_BY_CODE]
    people = [
        f"{ROLE_WORDS.get(p['role'], p['role'])}: {p['name']}"
        if p.get("name")
        else ROLE_WORDS.get(p["role"], p["role"])
        for p in answers.get("people", [])
    ] or [_("No one else")]
    rows = [
        ("way", _("Who is reporting"), [WayIn(answers["way"]).label]),
    ]
    if answers.get("way") == WayIn.ADVOCATE:
        consent = [ConsentScope(s).label for s in answers.get("consent", [])]
        rows.append(("consent", _("What the victim agreed to"), consent))
    rows += [
        ("force", _("Police force"), [force.name if force else ""]),
        ("what-happened", _("What happened"), [answers.get("account", "")]),
        ("when", _("When it happened"), when_lines),
        ("where", _("Where it happened"), [answers.get("place") or _("Not given")]),
        ("offence", _("Kind of crime"), [OFFENCE_WORDS.get(answers.get("offence"), ("", ""))[0]]),
        ("people", _("Who else is involved"), people),
        ("contact", _("How to contact you"), contact_lines),
        ("language", _("Language"), language_lines),
        ("support", _("Support services"), support_lines),
    ]
    return [
        {
            "name": name,
            "key": key,
            "lines": lines,
            "multiline": name == "what-happened",
            "change_url": step_url(name, from_check=True),
        }
        for name, key, lines in rows
    ]


@public_portal
@require_http_methods(["GET", "POST"])
def check_view(request: HttpRequest) -> HttpResponse:
    """Check your answers, then submit (POST): the confirmation is rendered on the POST
    response itself, the only response that ever holds the receipt code."""
    draft = _draft(request)
    if draft is None:
        if request.method == "POST" and submitted_report(request) is not None:
            # A resubmitted form (reload, back button): the report exists already.
            return redirect("portal:report-confirmation")
        return redirect(step_url("way"))
    answers = draft_answers(draft)
    missing = steps.missing_step(answers)
    if missing is not None:
        return redirect(step_url(missing))
    if request.method == "POST":
        if not throttle.take("submission", request):
            return _too_many(request, "submission")
        advocate = request.user if answers.get("way") == WayIn.ADVOCATE else None
        try:
            submitted = portal_submit(
                draft=draft, answers=answers, advocate=advocate, language=translation.get_language()
            )
        except ValidationError:
            return render(
                request,
                "portal/report/check.html",
                {
                    "rows": _summary_rows(answers),
                    "back_url": step_url(steps.previous_step(answers, steps.CHECK)),
                    "submit_failed": True,
                },
                status=400,
            )
        request.session.pop(DRAFT_SESSION_KEY, None)
        request.session[SUBMITTED_SESSION_KEY] = submitted.report.pk
        return _confirmation(
            request,
            submitted.report,
            code=codes.display(submitted.code),
            way=answers["way"],
            support=answers.get("support", []),
        )
    return render(
        request,
        "portal/report/check.html",
        {
            "rows": _summary_rows(answers),
            "back_url": step_url(steps.previous_step(answers, steps.CHECK)),
        },
    )


def _confirmation(
    request: HttpRequest, report: Any, *, code: str | None, way: str, support: list[str]
) -> HttpResponse:
    services = [SUPPORT_BY_CODE[c] for c in support if c in SUPPORT_BY_CODE]
    return render(
        request,
        "portal/report/confirmation.html",
        {
            "report": report,
            "force_name": report.force.name,
            "code": code,
            "is_witness": way == WayIn.WITNESS,
            "is_advocate_report": way == WayIn.ADVOCATE,
            "services": services,
            "general_services": services_for(None),
            "follow_up_url": FOLLOW_UP_PATH,
            "complaint_url": COMPLAINT_URL,
        },
    )


@public_portal
@require_http_methods(["GET"])
def confirmation_view(request: HttpRequest) -> HttpResponse:
    """The confirmation again (a reload): the reference, never the receipt code."""
    report = submitted_report(request)
    if report is None:
        return redirect("start")
    reporter = getattr(report, "reporter", None)
    way, support = WayIn.VICTIM.value, []
    if reporter is not None:
        way = reporter.way_in
        support = json.loads(reporter.unseal_text("support") or "[]")
    return _confirmation(request, report, code=None, way=way, support=support)
