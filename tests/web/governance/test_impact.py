"""The impact of a version on the force's recent requests: each request's case is
re-decided under the version (the engine decides; the page shows only counts), and each
opening of a sealed case is ledgered."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from haven.policy import load_compiled_policy
from haven.web.governance import services
from haven.web.ledger.selectors import entries_about, entry_event
from haven.web.reporting.services import report_pseudonym
from haven.web.sharing.services import OfficerAnswers, decision_request_create
from tests.web.governance.conftest import shipped_text

pytestmark = pytest.mark.django_db

ASKED = [
    ("disclose", OfficerAnswers(purpose="safeguarding", recipient="safeguarding_partner")),
    ("disclose", OfficerAnswers(purpose="safeguarding", recipient="support_service")),
    ("pnc_check", OfficerAnswers(purpose="investigation")),
]


def _case(report, person, action: str, answers: OfficerAnswers) -> dict:
    return {
        "action": action,
        "recipient": answers.recipient if action == "disclose" else "none",
        "role": person.role,
        "offence": report.offence,
        "status_concern": "none",
        "status_source": "none",
        "purpose": answers.purpose,
        "stage": report.stage,
        "consent": answers.consent,
        "risk_to_others": answers.risk_to_others,
        "regularisation_support": answers.regularisation_support,
    }


def test_impact_counts_the_decisions_the_version_would_change(client, met, report, officer, dpo):
    victim = report.people.get(role="victim")
    before, after = load_compiled_policy("iemvp-2023"), load_compiled_policy("firewall")
    expected_changed = expected_allowed = 0
    for action, answers in ASKED:
        decision_request_create(
            report=report, person=victim, action=action, answers=answers, by=officer
        )
        case = _case(report, victim, action, answers)
        old, new = before.decide(case).decision, after.decide(case).decision
        expected_changed += old != new
        expected_allowed += old != new and new == "allow"
    assert expected_changed  # the example must show a change

    services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    client.force_login(dpo)
    response = client.post(reverse("governance:impact", args=[met.code, 1]))
    assert response.status_code == 200
    impact = response.context["impact"]
    assert impact.checked == len(ASKED)
    assert impact.changed == expected_changed
    assert impact.now_allowed == expected_allowed
    page = html.unescape(response.content.decode())
    assert f"{len(ASKED)} requests re-decided under this version, {expected_changed} would" in page
    assert "the caller" not in page  # counts only: no one's details
    opened = [
        entry_event(e)["payload"]["reason"]
        for e in entries_about(subject=report_pseudonym(report), kinds=("sealed_access",))
    ]
    assert opened.count("policy_impact") == len(ASKED)


def test_a_get_does_not_open_any_case(client, met, report, officer, dpo):
    victim = report.people.get(role="victim")
    decision_request_create(
        report=report, person=victim, action=ASKED[0][0], answers=ASKED[0][1], by=officer
    )
    services.version_draft_create(force=met, text=shipped_text("firewall"), by=dpo)
    client.force_login(dpo)
    response = client.get(reverse("governance:version", args=[met.code, 1]))
    assert response.status_code == 200 and response.context["impact"] is None
    assert not entries_about(subject=report_pseudonym(report), kinds=("sealed_access",))
