"""Subject access in Chromium: the DPO's queue and answer page (with the exemption's
error shown, and answered), and the follow-up page's additions for the reporter (the
confirmation, the request's status, the download link) and for the advocate. Scripts run
under the CSP and axe finds no WCAG 2.2 A or AA problem."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.web.accounts import services as account_services
from haven.web.accounts.models import Force, Role
from haven.web.demo import demo_totp_key
from haven.web.subjectaccess.services import request_by_advocate, request_by_reporter
from tests.browser.conftest import assert_page_is_healthy, click_through
from tests.browser.portal import PASSWORD, advocate_create, fresh_site, sign_in
from tests.web.portal.followup_helpers import portal_report

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def site(transactional_db) -> None:
    fresh_site()


def _dpo():  # type: ignore[no-untyped-def]
    user = account_services.user_create(username="dpo", password=PASSWORD)
    account_services.membership_grant(
        user=user, force=Force.objects.get(code="metropolitan"), role=Role.DPO
    )
    TOTPDevice.objects.create(user=user, name="app", key=demo_totp_key(), confirmed=True)
    return user


def test_the_dpo_pages_pass_axe(live_server, page):
    _dpo()
    report, _ = portal_report(Force.objects.get(code="metropolitan"))
    sar = request_by_reporter(report=report)
    base = live_server.url
    sign_in(page, base, "dpo")
    assert page.goto(base + "/subject-access/").status == 200
    assert report.reference in page.content()
    assert_page_is_healthy(page)
    assert page.goto(base + f"/subject-access/{sar.pk}/").status == 200
    assert_page_is_healthy(page)
    page.get_by_label("Withhold the notes kept apart").check()
    click_through(page, page.get_by_role("button", name="Send the answer"))
    assert "Give the reason for applying the immigration exemption." in page.content()
    assert_page_is_healthy(page)
    page.get_by_label("Reason for applying the exemption").fill("An ongoing investigation.")
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_url(f"**/subject-access/{sar.pk}/")
    assert "The immigration exemption was applied" in page.content()
    assert_page_is_healthy(page)


def test_the_follow_up_additions_pass_axe(live_server, page):
    dpo = _dpo()
    report, code = portal_report(Force.objects.get(code="metropolitan"))
    base = live_server.url
    page.goto(base + "/report/follow-up/")
    page.get_by_label("Enter your receipt code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/report/follow-up/report")
    click_through(page, page.get_by_role("link", name="Ask for a copy of the information"))
    assert_page_is_healthy(page)
    page.get_by_role("button", name="Ask for a copy").click()
    page.wait_for_url("**/report/follow-up/report*")
    assert "Waiting for an answer" in page.content()
    assert_page_is_healthy(page)
    from haven.web.subjectaccess.models import SubjectAccessRequest
    from haven.web.subjectaccess.services import request_answer

    request_answer(sar=SubjectAccessRequest.objects.get(), by=dpo, exemption=False, reason="")
    page.goto(base + "/report/follow-up/report")
    assert "Download the answer (PDF)" in page.content()
    assert_page_is_healthy(page)


def test_the_advocates_follow_up_addition_passes_axe(live_server, page):
    advocate = advocate_create()
    organisation = advocate.advocate_organisations.first()
    report, _ = portal_report(
        Force.objects.get(code="metropolitan"),
        organisation=organisation,
        advocate=advocate,
        scopes=("see_updates", "request_copy"),
    )
    request_by_advocate(report=report, advocate=advocate)
    sign_in(page, live_server.url, "advocate")
    page.goto(live_server.url + f"/report/follow-up/advocate/{report.reference}/")
    assert "Waiting for an answer" in page.content()
    assert_page_is_healthy(page)
