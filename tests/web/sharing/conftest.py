"""Fixtures and page helpers for the gateway's tests."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.urls import reverse

from haven.web.accounts.models import Role
from haven.web.accounts.services import membership_grant, user_create
from haven.web.ledger.selectors import entries_about, entry_event
from haven.web.reporting.services import report_pseudonym, sealed_note_record
from haven.web.sharing.models import DecisionRequest
from tests.web.conftest import PASSWORD, with_authenticator

DUTIES = str(Path(__file__).with_name("policies") / "duties.cedar")
"""A test policy that emits every obligation, one rule each (see the file)."""


def use_policy(force, policy: str) -> None:
    force.active_policy = policy  # a test policy is a path; the validator is for forms
    force.save(update_fields=["active_policy"])


def kinds(report) -> list[str]:
    return [e.kind for e in entries_about(subject=report_pseudonym(report))]


def steps(report) -> list[str]:
    return [
        entry_event(e)["payload"]["step"]
        for e in entries_about(subject=report_pseudonym(report), kinds=("request_step",))
    ]


def text(response) -> str:
    """A page's text with entities decoded, so tests can look for what a reader sees."""
    return html.unescape(response.content.decode())


@pytest.fixture
def victim(report):
    return report.people.get(role="victim")


@pytest.fixture
def second_supervisor(met):
    user = user_create(username="supervisor-two", password=PASSWORD)
    membership_grant(user=user, force=met, role=Role.SUPERVISOR)
    return with_authenticator(user)


def doubt_from_the_abuser(report, victim, officer, note="Her husband says her visa has run out."):
    sealed_note_record(
        report=report,
        person=victim,
        recorded_by=officer,
        status_concern="doubt",
        status_source="suspect",
        note=note,
    )


def ask(client, report, person, **answers):
    """Post the new-request form as an officer fills it in; returns the response."""
    form = {
        "person": person.pk,
        "action": "disclose",
        "recipient": "",
        "purpose": "safeguarding",
        "consent": "not_sought",
        "risk_to_others": "no",
        "regularisation_support": "no",
        "rationale": "",
    }
    form.update(answers)
    return client.post(reverse("sharing:request-new", args=[report.reference]), form)


def asked(client, report, person, **answers) -> DecisionRequest:
    """Ask, expect the redirect to the decision, and return the request."""
    response = ask(client, report, person, **answers)
    assert response.status_code == 302, text(response)
    return DecisionRequest.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def show(client, request: DecisionRequest):
    return client.get(reverse("sharing:request-show", args=[request.pk]))


def download(client, request: DecisionRequest, file_format: str = "json"):
    return client.post(reverse("sharing:request-package", args=[request.pk, file_format]))


def verdict(client, request: DecisionRequest, verdict: str = "approve", reason: str = "Agreed."):
    return client.post(
        reverse("sharing:approval", args=[request.pk]), {"verdict": verdict, "reason": reason}
    )
