"""What happens to your information, per force (docs/portal.md, "Information page")."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext

from haven.web.accounts.models import Force
from haven.web.accounts.selectors import force_active_policy, force_list
from haven.web.portal.information import policy_information
from haven.web.views import public_portal


@public_portal
def information_index_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/information/index.html", {"forces": force_list()})


@public_portal
def information_force_view(request: HttpRequest, code: str) -> HttpResponse:
    force = Force.objects.filter(code=code).first()
    if force is None:
        raise Http404("no such force")
    information = policy_information(force_active_policy(force=force))
    language = get_language() or "en"
    promises = [
        {
            "id": kept.id,
            "text": _promise_text(kept.promise.text, language),
            "rules": [_rule(rule) for rule in kept.rules],
        }
        for kept in information.promises
    ]
    conditions = [
        {"text": gettext(condition.text), "rules": [_rule(rule) for rule in condition.rules]}
        for condition in information.conditions
    ]
    silences = [gettext(silence.text) for silence in information.silences]
    return render(
        request,
        "portal/information/force.html",
        {
            "force": force,
            "policy_id": information.policy_id,
            "policy_version": information.version,
            "policy_title": gettext(information.title),
            "promises": promises,
            "promises_checked": information.checked,
            "conditions": conditions,
            "silences": silences,
        },
    )


def _promise_text(texts, language: str) -> str:
    # A promise file may carry its own wording for a language (reviewed by a native
    # speaker); otherwise the catalogue's translation of the English sentence.
    return texts.get(language) or gettext(texts["en"])


def _rule(rule) -> dict[str, str]:
    # The citation names English sources (guidance, protocols): it stays as written.
    return {"id": rule.id, "summary": gettext(rule.summary), "source": rule.source}
