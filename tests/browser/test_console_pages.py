"""The officer console and the gateway's pages in Chromium (issue 12: every staff page
passes axe with the WCAG 2.2 A and AA tags): an officer's list, case, recording and
request pages, and a supervisor's approvals queue and approval page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.web.accounts import services as account_services
from haven.web.accounts.forces import TERRITORIAL_FORCES
from haven.web.accounts.models import Force, Role
from haven.web.demo import demo_totp_key
from haven.web.reporting.models import Channel
from haven.web.reporting.services import PersonInReport, report_create
from haven.web.sharing.services import OfficerAnswers, decision_request_create
from tests.browser.conftest import assert_page_is_healthy
from tests.browser.portal import PASSWORD, sign_in
from tests.web.sharing.conftest import DUTIES, use_policy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forces(transactional_db) -> None:
    for code, name, country in TERRITORIAL_FORCES:
        Force.objects.update_or_create(code=code, defaults={"name": name, "country": country})


def _staff(username: str, force: Force, role: Role):  # type: ignore[no-untyped-def]
    user = account_services.user_create(username=username, password=PASSWORD)
    account_services.membership_grant(user=user, force=force, role=role)
    TOTPDevice.objects.create(user=user, name="app", key=demo_totp_key(), confirmed=True)
    return user


def test_the_console_and_gateway_pages_pass_axe(live_server, page):
    met = Force.objects.get(code="metropolitan")
    use_policy(met, DUTIES)  # every obligation, so the request waits for approval
    officer = _staff("officer", met, Role.OFFICER)
    _staff("supervisor", met, Role.SUPERVISOR)
    report = report_create(
        force=met,
        offence="domestic_abuse",
        account="He took my passport.",
        people=[
            PersonInReport(role="victim", label="the caller"),
            PersonInReport(role="suspect", label="husband"),
        ],
        channel=Channel.PORTAL,
    )
    victim = report.people.get(role="victim")
    request = decision_request_create(
        report=report,
        person=victim,
        action="disclose",
        answers=OfficerAnswers(purpose="safeguarding", recipient="support_service"),
        by=officer,
        rationale="Refuge asked.",
    )
    base = live_server.url
    sign_in(page, base, "officer")
    ref = report.reference
    for path in (
        reverse("accounts:home"),
        reverse("reporting:report-index"),
        reverse("reporting:report-index") + "?stage=nonsense",
        reverse("reporting:report-record"),
        reverse("reporting:report-show", args=[ref]),
        reverse("reporting:report-stage", args=[ref]),
        reverse("reporting:report-person-add", args=[ref]),
        reverse("reporting:report-person-edit", args=[ref, victim.pk]),
        reverse("reporting:report-code-issue", args=[ref]),
        reverse("sharing:request-new", args=[ref]),
        reverse("sharing:sealed-note", args=[ref]),
        reverse("sharing:request-show", args=[request.pk]),
        reverse("sharing:requests"),
    ):
        assert page.goto(base + path).status == 200, path
        assert_page_is_healthy(page)

    page.context.clear_cookies()  # signed out; the supervisor signs in
    sign_in(page, base, "supervisor")
    for path in (reverse("sharing:approvals"), reverse("sharing:approval", args=[request.pk])):
        assert page.goto(base + path).status == 200, path
        assert_page_is_healthy(page)
