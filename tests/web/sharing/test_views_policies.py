"""One request through the pages under three real policies, and what the reporter sees.

An officer asks to pass a domestic-abuse victim's details to Immigration Enforcement
for immigration control, where the only concern about her status is a doubt raised by
her abuser. `hmicfrs-2020` refuses and asks for a referral to support; `npcc-2018` and
`met-2019` allow it. The reporter's disclosure log on the follow-up page shows each step.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from haven.web.sharing.models import Status
from tests.web.portal.followup_helpers import dashed, portal_report
from tests.web.sharing.conftest import (
    asked,
    doubt_from_the_abuser,
    download,
    kinds,
    show,
    steps,
    text,
    use_policy,
)

TO_IMMIGRATION_ENFORCEMENT = {
    "action": "disclose",
    "recipient": "immigration_enforcement",
    "purpose": "immigration_control",
}


@pytest.fixture
def reported(met, officer):
    report, code = portal_report(met)
    doubt_from_the_abuser(report, report.reporter.person, officer)
    return report, code


def followup_page(report_code: str) -> str:
    """The reporter's follow-up page, in a browser of their own."""
    reporter = Client()
    assert (
        reporter.post(reverse("portal:followup-start"), {"code": dashed(report_code)}).status_code
        == 302
    )
    return text(reporter.get(reverse("portal:followup-show")))


def test_hmicfrs_2020_refuses_and_the_referral_is_recorded_through_the_pages(
    client, met, officer, reported
):
    report, code = reported
    use_policy(met, "hmicfrs-2020")
    client.force_login(officer)
    request = asked(client, report, report.reporter.person, **TO_IMMIGRATION_ENFORCEMENT)
    assert request.status == Status.REFUSED

    page = text(show(client, request))
    assert "Refused by the force's policy" in page
    assert "police have no more than doubts about your immigration status" in page  # reason
    assert "docs/sources.md E4" in page  # its citation
    assert "Refer the person to a support service" in page and "To do" in page
    assert "Download the package" not in page  # nothing can be shared

    response = client.post(
        reverse("sharing:request-referral", args=[request.pk]),
        {"service": "Southall Black Sisters"},
    )
    assert response.status_code == 302
    page = text(show(client, request))
    assert "Referred to Southall Black Sisters." in page

    # A package cannot be had by posting for one either.
    assert download(client, request).status_code == 302
    assert "disclosure" not in kinds(report)
    assert steps(report) == ["referred_to_support"]

    log = followup_page(code)
    assert "The police asked to share information about you with Immigration Enforcement" in log
    assert "The force's policy refused it." in log
    assert "You were referred to a support service." in log
    assert "Information about you was shared" not in log


def test_an_empty_referral_is_refused_and_changes_nothing(client, met, officer, reported):
    report, _code = reported
    use_policy(met, "hmicfrs-2020")
    client.force_login(officer)
    request = asked(client, report, report.reporter.person, **TO_IMMIGRATION_ENFORCEMENT)
    response = client.post(reverse("sharing:request-referral", args=[request.pk]), {"service": " "})
    assert response.status_code == 400
    assert "Name the support service." in text(response)
    assert not request.referrals.exists()


@pytest.mark.parametrize("policy", ["npcc-2018", "met-2019"])
def test_npcc_2018_and_met_2019_allow_it_with_their_obligations(
    policy, client, met, officer, reported
):
    report, code = reported
    use_policy(met, policy)
    client.force_login(officer)
    request = asked(client, report, report.reporter.person, **TO_IMMIGRATION_ENFORCEMENT)
    assert request.decision == "allow" and request.status == Status.APPROVED

    page = text(show(client, request))
    assert "Allowed by the force's policy" in page
    if policy == "npcc-2018":
        # Its conditions travel with the package and are shown as such.
        assert "Treat the person first and foremost as a victim" in page
        assert "Take no immigration enforcement action" in page
    else:
        assert "What the decision requires" not in page  # met-2019 asks for nothing
    for label in ("Report reference", "Force", "Part in the report", "Name"):
        assert f"<li>{label}</li>" in page

    response = download(client, request)
    assert response.status_code == 200
    package = json.loads(response.content)
    assert set(package["fields"]) == {"reference", "force", "person_role", "person_name"}
    assert package["recipient"] == "immigration_enforcement"
    if policy == "npcc-2018":
        assert package["duties"] == ["treat_as_victim", "no_enforcement_action"]

    log = followup_page(code)
    assert "The force's policy allowed it." in log
    assert (
        "Information about you was shared with Immigration Enforcement, for immigration control."
        in log
    )
