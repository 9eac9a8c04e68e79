"""Pages as a person's browser sees them: scripts run under the CSP, and axe finds no
WCAG 2.2 AA problems."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.web.accounts import services as account_services
from haven.web.accounts.forces import TERRITORIAL_FORCES
from haven.web.accounts.models import Force, Role
from haven.web.demo import DEMO_TOTP_SECRET, demo_totp_key
from haven.web.reporting.models import Channel
from haven.web.reporting.services import PersonInReport, report_create
from tests.browser.conftest import AXE

# The live server reads committed data, so these tests are transactional, and Django
# empties every table after each of them: reload the 43 forces (reference data that a
# migration loads) before each test.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forces(transactional_db) -> None:
    for code, name, country in TERRITORIAL_FORCES:
        Force.objects.update_or_create(code=code, defaults={"name": name, "country": country})


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: _record_console_error(page, message))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def _record_console_error(page, message) -> None:
    if message.type != "error":
        return
    # A page served with an error status (our 404 page) logs its own status; that is
    # expected. Anything else, a failing stylesheet or a CSP refusal, is a problem.
    if message.location.get("url") == page.url and message.text.startswith(
        "Failed to load resource"
    ):
        return
    page.problems.append(f"{message.text} ({message.location.get('url')})")


def _code(key_hex: str) -> str:
    """The code an authenticator app shows now for a key (hex, as django-otp stores it)."""
    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


def _axe_violations(page) -> list[str]:
    # Evaluated through DevTools, which the page's CSP does not govern.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
        for violation in result["violations"]
    ]


def _assert_page_is_healthy(page) -> None:
    assert page.problems == [], "console errors (a CSP violation shows up here)"
    body_class = page.evaluate("document.body.className")
    assert "js-enabled" in body_class and "govuk-frontend-supported" in body_class
    assert _axe_violations(page) == []


@pytest.mark.parametrize(
    ("path", "status"), [("/", 200), ("/sign-in/", 200), ("/forces/", 200), ("/no-such-page/", 404)]
)
def test_public_page_runs_its_scripts_and_passes_axe(live_server, page, path, status):
    response = page.goto(live_server.url + path)
    assert response.status == status
    _assert_page_is_healthy(page)


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
    _assert_page_is_healthy(page)
    page.get_by_label("Code").fill(_code(demo_totp_key()))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/home/")
    assert "Metropolitan Police Service" in page.content()
    _assert_page_is_healthy(page)

    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("link", name=report.reference).click()
    assert page.get_by_text("He took my passport.").is_visible()
    _assert_page_is_healthy(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/home/")
    assert "/sign-in/" in page.url


def test_wrong_password_shows_an_accessible_error_summary(live_server, page):
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    _assert_page_is_healthy(page)


def test_a_newcomer_sets_up_an_authenticator_and_sees_recovery_codes(live_server, page):
    account_services.user_create(username="newcomer", password=PASSWORD)
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/set-up/")
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    _assert_page_is_healthy(page)
    secret = page.locator("#secret").inner_text().replace(" ", "")
    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    page.get_by_label("Code").fill(_code(key_hex))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/recovery-codes/")
    assert page.locator(".haven-recovery-codes li").count() == 10
    _assert_page_is_healthy(page)
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/home/")
