"""The DPO's policy version pages in Chromium: scripts run under the CSP and axe finds no
WCAG 2.2 A or AA problem, including with an error shown and with the diff and the
impact on the page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.policy.registry import resolve_policy_path
from haven.web.accounts import services as account_services
from haven.web.accounts.forces import TERRITORIAL_FORCES
from haven.web.accounts.models import Force, Role
from haven.web.demo import demo_totp_key
from haven.web.governance import services
from tests.browser.conftest import assert_page_is_healthy, click_through
from tests.browser.portal import sign_in
from tests.browser.test_pages_in_chromium import (
    PASSWORD,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def forces(transactional_db) -> None:
    for code, name, country in TERRITORIAL_FORCES:
        Force.objects.update_or_create(code=code, defaults={"name": name, "country": country})


def _text(policy_id: str) -> str:
    return resolve_policy_path(policy_id)[1].read_text(encoding="utf-8")


def _dpo(username: str):  # type: ignore[no-untyped-def]
    met = Force.objects.get(code="metropolitan")
    user = account_services.user_create(username=username, password=PASSWORD)
    account_services.membership_grant(user=user, force=met, role=Role.DPO)
    TOTPDevice.objects.create(user=user, name="app", key=demo_totp_key(), confirmed=True)
    return user


def test_the_dpo_pages_pass_axe(live_server, page):
    dpo, second = _dpo("dpo"), _dpo("dpo-two")
    met = Force.objects.get(code="metropolitan")
    first = services.version_draft_create(force=met, text=_text("npcc-2018"), by=dpo)
    services.version_sign_off(version=first, by=dpo, effective_at=timezone.now())
    services.version_approve(version=first, by=second)
    services.version_draft_create(force=met, text=_text("firewall"), by=dpo)
    base = live_server.url
    sign_in(page, base, "dpo")

    for path in (
        "/governance/",
        "/governance/metropolitan/new/",
        "/governance/metropolitan/1/",
        "/governance/metropolitan/2/",
        "/governance/metropolitan/2/edit/",
        "/governance/metropolitan/rollback/",
    ):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert_page_is_healthy(page)

    # An inline error, with its line.
    page.goto(base + "/governance/metropolitan/new/")
    page.get_by_label("The policy's Cedar text").fill('@id("x")\npermit (principal, action,')
    click_through(page, page.get_by_role("button", name="Save as a draft"))
    assert "Line 1" in page.content()
    assert_page_is_healthy(page)

    # The impact on recent requests (none yet), and the sign-off form.
    page.goto(base + "/governance/metropolitan/2/")
    click_through(page, page.get_by_role("button", name="Work out the impact"))
    assert "no recent requests to re-decide" in page.content()
    assert_page_is_healthy(page)
