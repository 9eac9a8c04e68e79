"""The reporting portal in Debian's Chromium, end to end: every way in (a victim, a witness,
a signed-in advocate), then the follow-up page with the receipt code, messages both ways,
the disclosure log, consent withdrawn, a language switch (right to left included),
Exit this page and the promise receipt download."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from haven.web.ledger.services import checkpoint_sign
from haven.web.portal.models import AdvocateConsent, PortalDraft
from haven.web.reporting.models import Report
from tests.browser.conftest import axe_violations, click_through
from tests.browser.portal import (
    advocate_create,
    answer,
    fresh_site,
    officer_create,
    question_form,
    sign_in,
    start_report,
    walk_to_confirmation,
)

# The live server reads committed data, so these tests are transactional.
pytestmark = pytest.mark.django_db(transaction=True)

EXIT_URL = "https://www.bbc.co.uk/weather"


@pytest.fixture(autouse=True)
def forces(transactional_db) -> None:
    fresh_site()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    # Exit this page leaves for an ordinary site; the browser here has no internet.
    page.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(body="<h1>Weather</h1>"))
    yield page
    context.close()


def follow_up(page, base: str, code: str) -> None:
    page.goto(base + "/report/follow-up/")
    page.get_by_label("Enter your receipt code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/report/follow-up/report")


def test_a_victim_reports_follows_up_exchanges_messages_and_reads_the_log(live_server, page):
    officer = officer_create()
    base = live_server.url
    start_report(page, base)
    page.get_by_label("A victim reporting for themselves").check()
    answer(page)
    confirmed = walk_to_confirmation(page)
    report = Report.objects.get(reference=confirmed.reference)
    assert report.force.code == "metropolitan"
    assert report.reporter.way_in == "victim"

    follow_up(page, base, confirmed.code.lower())  # any case will do
    main = page.locator("main")
    assert confirmed.reference in main.inner_text()
    expect(page.get_by_role("heading", name="Your report", level=1)).to_be_visible()
    expect(main.get_by_text("Where it has got to")).to_be_visible()
    expect(main.get_by_text("There are no messages yet.")).to_be_visible()

    page.get_by_label("Write a message to the police").fill("Can I bring a friend to talk to you?")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message was sent to the police.")).to_be_visible()
    expect(page.get_by_text("Can I bring a friend to talk to you?")).to_be_visible()

    # The officer reads it on the force's console and replies there, in their own browser.
    console = page.context.browser.new_context()
    officer_page = console.new_page()
    try:
        sign_in(officer_page, base, officer.username)
        officer_page.goto(f"{base}/console/reports/{report.reference}/")
        expect(officer_page.get_by_text("Can I bring a friend to talk to you?")).to_be_visible()
        # An empty reply is refused beside its box, with the page's error summary.
        click_through(officer_page, officer_page.get_by_role("button", name="Send reply"))
        expect(officer_page.get_by_role("alert")).to_contain_text("Write a message.")
        assert axe_violations(officer_page) == []
        officer_page.get_by_label("Reply to the reporter").fill(
            "Yes, of course. <b>Any</b> day this week."
        )
        officer_page.get_by_role("button", name="Send reply").click()
        expect(officer_page.get_by_text("<b>Any</b> day this week.")).to_be_visible()
    finally:
        console.close()
    page.reload()
    messages = page.locator(".haven-messages li")
    assert messages.count() == 2
    assert "The police" in messages.nth(1).inner_text()
    # Free text is always escaped: the reply's markup shows as typed.
    assert "<b>Any</b> day this week." in messages.nth(1).inner_text()

    log = page.locator("table.govuk-table").filter(has=page.get_by_text("Public log entry"))
    rows = log.locator("tbody tr")
    assert rows.count() >= 3  # the report arriving, its receipt code, the two messages
    log_text = log.inner_text()
    assert "The car wash" not in log_text and ACCOUNT_WORDS not in log_text

    page.get_by_role("button", name="Leave the follow-up page").click()
    expect(page.get_by_text("You have left the follow-up page.")).to_be_visible()
    page.goto(base + "/report/follow-up/report")
    assert page.url.endswith("/report/follow-up/")


ACCOUNT_WORDS = "keeps my wages"


def test_a_witness_reports(live_server, page):
    start_report(page, live_server.url)
    page.get_by_label("A witness").check()
    answer(page)
    confirmed = walk_to_confirmation(page)
    report = Report.objects.get(reference=confirmed.reference)
    assert report.reporter.way_in == "witness"
    assert report.people.filter(role="witness").exists()


def test_a_signed_in_advocate_reports_for_a_victim_who_then_withdraws_consent(live_server, page):
    advocate = advocate_create()
    base = live_server.url
    sign_in(page, base, advocate.username)
    start_report(page, base)
    page.get_by_label("An advocate, for a victim, with their consent").check()
    answer(page)
    confirmed = walk_to_confirmation(page, answers={"consent": "*"})
    report = Report.objects.get(reference=confirmed.reference)
    consent = AdvocateConsent.objects.get(report=report)
    assert consent.active and len(consent.scopes) == 4
    assert consent.organisation in advocate.advocate_organisations.all()

    page.goto(base + "/report/follow-up/advocate/")
    click_through(page, page.get_by_role("link", name=confirmed.reference))
    assert confirmed.reference in page.locator("main").inner_text()

    # The victim, on their own device, with the code their advocate passed on.
    victim = page.context.browser.new_context()
    victim_page = victim.new_page()
    try:
        follow_up(victim_page, base, confirmed.code)
        victim_page.get_by_role("link", name="Stop Safe Passage (test) acting for you").click()
        victim_page.get_by_role("button", name="Withdraw my consent").click()
        expect(victim_page.get_by_text("You withdrew your consent.")).to_be_visible()
    finally:
        victim.close()
    consent.refresh_from_db()
    assert not consent.active

    # The advocate now sees only that consent was withdrawn: no messages, no way to write.
    page.goto(base + f"/report/follow-up/advocate/{confirmed.reference}/")
    assert page.get_by_label("Write a message to the police").count() == 0
    assert "There are no messages yet." not in page.locator("main").inner_text()


def _text_side(page, selector: str) -> str:
    """Which side of the page's main column an element's text starts from: 'left' or 'right'."""
    return page.evaluate(
        """selector => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector(selector));
            const text = range.getBoundingClientRect();
            const main = document.querySelector('main').getBoundingClientRect();
            return (text.left - main.left) <= (main.right - text.right) ? 'left' : 'right';
        }""",
        selector,
    )


def _exit_button_side(page) -> str:
    box = page.locator(".govuk-exit-this-page").bounding_box()
    middle = page.evaluate("document.documentElement.clientWidth") / 2
    return "left" if box["x"] + box["width"] / 2 < middle else "right"


def switch_language(page, name: str) -> None:
    """Follow the language switcher's link (each language named in itself)."""
    click_through(page, page.locator(".haven-language-switcher").get_by_role("link", name=name))


def test_the_language_switcher_turns_the_pages_welsh_then_arabic_right_to_left(live_server, page):
    page.goto(live_server.url + "/report/")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("en", "ltr")
    english_heading = page.locator("main h1").inner_text()
    assert _text_side(page, "main h1") == "left"
    assert _exit_button_side(page) == "right"

    switch_language(page, "Cymraeg")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("cy", "ltr")
    assert page.locator("main h1").inner_text() != english_heading
    assert _text_side(page, "main h1") == "left"

    switch_language(page, "العربية")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert page.locator("main h1").inner_text() != english_heading
    # The layout mirrors: the heading starts from the right, "Exit this page" moves left.
    assert page.evaluate("getComputedStyle(document.querySelector('main h1')).direction") == "rtl"
    assert _text_side(page, "main h1") == "right"
    assert _exit_button_side(page) == "left"

    # The choice holds as the reporter moves on to the questions.
    start_report(page, live_server.url)
    assert html.get_attribute("lang") == "ar"


def test_exit_this_page_ends_the_session_and_discards_the_answers(live_server, page):
    base = live_server.url
    start_report(page, base)
    page.get_by_label("A victim reporting for themselves").check()
    answer(page)
    question = page.url
    assert PortalDraft.objects.count() == 1

    before = _session_cookie(page)
    assert before is not None
    page.get_by_role("button", name="Exit this page").click()
    page.wait_for_url(EXIT_URL)
    assert PortalDraft.objects.count() == 0
    assert _session_cookie(page) is None, "exit ended the session"
    page.goto(question)
    assert page.url != question  # no draft: back to the start
    # The start page's form begins a new session for its CSRF token: never the old one.
    assert _session_cookie(page) != before


def _session_cookie(page) -> str | None:
    for cookie in page.context.cookies():
        if cookie["name"] == settings.SESSION_COOKIE_NAME:
            return cookie["value"]
    return None


def test_exit_this_page_ends_the_follow_up(live_server, page):
    base = live_server.url
    start_report(page, base)
    page.get_by_label("A victim reporting for themselves").check()
    answer(page)
    confirmed = walk_to_confirmation(page)
    follow_up(page, base, confirmed.code)
    page.get_by_role("button", name="Exit this page").click()
    page.wait_for_url(EXIT_URL)
    page.goto(base + "/report/follow-up/report")
    assert page.url.endswith("/report/follow-up/")
    assert confirmed.reference not in page.content()


def test_the_promise_receipt_downloads_after_a_report(live_server, page):
    start_report(page, live_server.url)
    page.get_by_label("A victim reporting for themselves").check()
    answer(page)
    confirmed = walk_to_confirmation(page)
    checkpoint_sign()  # the receipt proves the report's entry under a published checkpoint
    page.goto(live_server.url + "/receipts/")
    with page.expect_download() as download:
        question_form(page).locator("button").first.click()
    path = download.value.path()
    receipt = path.read_text()
    assert isinstance(json.loads(receipt), dict)
    assert confirmed.code not in receipt  # the receipt never carries the code

    page.goto(live_server.url + "/receipts/verify")
    page.locator("main input[type=file]").set_input_files(str(path))
    click_through(page, question_form(page).locator("button").first)
    assert page.locator(".govuk-error-summary").count() == 0


class _Reached(Exception):
    pass


def test_the_character_count_counts_in_polish(live_server, page):
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text))
    start_report(page, live_server.url)
    switch_language(page, "Polski")

    def stop_at_the_account(page) -> None:  # type: ignore[no-untyped-def]
        if page.url.split("?")[0].endswith("/report/what-happened"):
            raise _Reached

    with pytest.raises(_Reached):
        walk_to_confirmation(page, on_page=stop_at_the_account)
    status = page.locator(".govuk-character-count__status")
    expect(status).to_have_text(re.compile(r"Pozostało Ci 5\D?000 znaków"))
    page.locator("#account").fill("x" * 5002)
    expect(status).to_have_text(re.compile(r"Masz o 2 znaki za dużo"))
    assert not [w for w in warnings if "plural" in w.lower()], warnings
