"""The auditor's pages in Chromium: scripts run under the CSP and axe finds no WCAG 2.2 A
or AA problem, with events and an error summary on the page."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.web.accounts import services as account_services
from haven.web.accounts.forces import TERRITORIAL_FORCES
from haven.web.accounts.models import Force, Role
from haven.web.demo import demo_totp_key
from haven.web.reporting.models import Channel
from haven.web.reporting.services import PersonInReport, report_create
from tests.browser.conftest import assert_page_is_healthy
from tests.browser.portal import sign_in
from tests.browser.test_pages_in_chromium import (
    PASSWORD,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forces(transactional_db) -> None:
    for code, name, country in TERRITORIAL_FORCES:
        Force.objects.update_or_create(code=code, defaults={"name": name, "country": country})


def test_the_auditor_pages_pass_axe(live_server, page):
    met = Force.objects.get(code="metropolitan")
    auditor = account_services.user_create(username="auditor", password=PASSWORD)
    account_services.membership_grant(user=auditor, force=met, role=Role.AUDITOR)
    TOTPDevice.objects.create(user=auditor, name="app", key=demo_totp_key(), confirmed=True)
    report = report_create(
        force=met,
        offence="domestic_abuse",
        account="He took my passport.",
        people=[PersonInReport(role="victim", label="the caller")],
        channel=Channel.PORTAL,
    )
    base = live_server.url
    sign_in(page, base, "auditor")
    for path in (
        "/oversight/",
        "/oversight/events/",
        "/oversight/events/?day=not-a-day",
        "/oversight/decisions/",
        f"/oversight/reports/{report.reference}/",
    ):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert_page_is_healthy(page)
        assert "the caller" not in page.content()
