"""Pages as a person's browser sees them: scripts run under the CSP, and axe finds no
WCAG 2.2 AA problems."""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from haven.web.accounts import services as account_services
from haven.web.accounts.forces import TERRITORIAL_FORCES
from haven.web.accounts.models import Force, Role
from haven.web.demo import DEMO_TOTP_SECRET, demo_totp_key
from haven.web.reporting.models import Channel
from haven.web.reporting.services import PersonInReport, report_create
from tests.browser.conftest import assert_page_is_healthy, click_through

# The live server reads committed data, so these tests are transactional, and Django
# empties every table after each of them: reload the 43 forces (reference data that a
# migration loads) before each test.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forces(transactional_db) -> None:
    for code, name, country in TERRITORIAL_FORCES:
        Force.objects.update_or_create(code=code, defaults={"name": name, "country": country})


PASSWORD = "correct-horse-battery-staple"


def _code(key_hex: str) -> str:
    """The code an authenticator app shows now for a key (hex, as django-otp stores it)."""
    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


@pytest.mark.parametrize(
    ("path", "status"), [("/", 200), ("/sign-in/", 200), ("/forces/", 200), ("/no-such-page/", 404)]
)
def test_public_page_runs_its_scripts_and_passes_axe(live_server, page, path, status):
    response = page.goto(live_server.url + path)
    assert response.status == status
    assert_page_is_healthy(page)


def test_officer_signs_in_reads_a_report_and_signs_out(live_server, page):
    met = Force.objects.get(code="metropolitan")
    officer = account_services.user_create(username="officer", password=PASSWORD)
    account_services.membership_grant(user=officer, force=met, role=Role.OFFICER)
    report = report_create(
        force=met,
        offence="domestic_abuse",
        account="He took my passport.",
        people=[PersonInReport(role="victim", label="the caller")],
        channel=Channel.PORTAL,
    )

    # The demo users' published secret: the code an app would show from DEMO_TOTP_SECRET.
    TOTPDevice.objects.create(user=officer, name="app", key=demo_totp_key(), confirmed=True)
    assert DEMO_TOTP_SECRET

    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/code/")
    assert_page_is_healthy(page)
    page.get_by_label("Code").fill(_code(demo_totp_key()))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/home/")
    assert "Metropolitan Police Service" in page.content()
    assert_page_is_healthy(page)

    page.get_by_role("link", name="Reports", exact=True).click()
    click_through(page, page.get_by_role("link", name=report.reference))
    assert page.get_by_text("He took my passport.").is_visible()
    assert_page_is_healthy(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/home/")
    assert "/sign-in/" in page.url


def test_wrong_password_shows_an_accessible_error_summary(live_server, page):
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    click_through(page, page.get_by_role("button", name="Sign in"))
    assert page.get_by_role("alert").is_visible()
    assert_page_is_healthy(page)


def test_a_newcomer_sets_up_an_authenticator_and_sees_recovery_codes(live_server, page):
    account_services.user_create(username="newcomer", password=PASSWORD)
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/set-up/")
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    assert_page_is_healthy(page)
    secret = page.locator("#secret").inner_text().replace(" ", "")
    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    page.get_by_label("Code").fill(_code(key_hex))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/recovery-codes/")
    assert page.locator(".haven-recovery-codes li").count() == 10
    assert_page_is_healthy(page)
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/home/")


def test_opening_a_buttons_address_shows_a_page_not_a_blank_one(live_server, page):
    response = page.goto(live_server.url + reverse("portal:followup-message"))
    assert response.status == 405
    expect(page.get_by_role("heading", level=1)).to_have_text("This page cannot be opened this way")
    assert_page_is_healthy(page)
