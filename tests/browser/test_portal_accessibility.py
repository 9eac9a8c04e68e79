"""axe-core (npm, pinned in package.json) finds no WCAG 2.2 A or AA problem on any portal
page, in any of the portal's seven languages.

One walk per language collects the pages. It is a signed-in advocate's walk, because
theirs has every question (the victim's consent is asked of advocates only): the first
page, each question page and its error state (the question sent unanswered), check your
answers, the confirmation, the advocate's own pages, the promise receipt's offer and
verify pages (and verify's error), the follow-up entry page (and a wrong code), the
follow-up page (and an empty message) and its pages for a new code, a copy and
withdrawing consent, and the information pages. Exit this page leaves the portal, so it
has no page of its own to check.
"""

from __future__ import annotations

import pytest

from tests.browser.portal import (
    LANGUAGES,
    RIGHT_TO_LEFT,
    advocate_create,
    axe_violations,
    confirmation,
    fresh_site,
    question_form,
    sign_in,
    start_report,
    submit,
    walk_to_confirmation,
)

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = (
    "input[type=radio], input[type=checkbox], input[type=text], input[type=email], "
    "input[type=tel], input[type=number], textarea, select"
)


@pytest.fixture(autouse=True)
def forces(transactional_db) -> None:
    fresh_site()


class Checker:
    """Runs axe on each page it is shown and keeps every violation, by page."""

    def __init__(self, page, language: str) -> None:
        self.page = page
        self.language = language
        self.checked: list[str] = []
        self.violations: dict[str, list[str]] = {}

    def __call__(self, what: str) -> None:
        page = self.page
        name = f"{what} ({page.url.split('//', 1)[-1].split('/', 1)[-1]})"
        assert page.locator("html").get_attribute("lang") == self.language, name
        expected_dir = "rtl" if self.language in RIGHT_TO_LEFT else "ltr"
        assert page.locator("html").get_attribute("dir") == expected_dir, name
        self.checked.append(name)
        found = axe_violations(page)
        if found:
            self.violations[name] = found

    def question_and_its_error(self, page) -> None:
        """On a question page: check it, then send it unanswered and check the error."""
        if confirmation(page) is not None:
            self("confirmation")
            return
        form = question_form(page)
        if form.locator(FIELDS).count() == 0:  # check your answers: sending it submits
            self("check your answers")
            return
        self("question")
        before = page.url
        submit(page)
        if page.locator(".govuk-error-summary").count():
            self("question, unanswered")
        elif page.url != before:  # an optional question: sending it empty moved on
            self.question_and_its_error(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_portal_page_passes_axe_in(live_server, browser, language):
    base = live_server.url
    advocate = advocate_create()
    context = browser.new_context()
    page = context.new_page()
    check = Checker(page, language)
    try:
        sign_in(page, base, advocate.username)
        page.goto(f"{base}/report/?lang={language}")
        check("first question")
        start_report(page, base)
        confirmed = walk_to_confirmation(
            page,
            answers={"way": "advocate", "consent": "*"},
            on_page=check.question_and_its_error,
        )

        page.goto(base + "/report/follow-up/advocate/")
        check("advocate's reports")
        page.goto(base + f"/report/follow-up/advocate/{confirmed.reference}/")
        check("advocate's view of a report")

        page.goto(base + "/receipts/")
        check("promise receipt offer")
        page.goto(base + "/receipts/verify")
        check("promise receipt verify")
        submit(page)
        check("promise receipt verify, no file")

        page.goto(base + "/report/follow-up/")
        check("follow-up entry")
        page.locator("#code").fill("ABCD EFGH JKLM NPQR")
        submit(page)
        check("follow-up entry, wrong code")
        page.locator("#code").fill(confirmed.code)
        submit(page)
        check("follow-up page")
        page.locator("#message-text").fill("")
        with page.expect_navigation():
            page.locator("main form").filter(has=page.locator("#message-text")).locator(
                "button"
            ).click()
        check("follow-up page, empty message")
        for path, what in (
            ("new-code", "follow-up, new code"),
            ("copy", "follow-up, ask for a copy"),
            ("withdraw-consent", "follow-up, withdraw consent"),
        ):
            page.goto(f"{base}/report/follow-up/{path}")
            check(what)

        page.goto(base + "/report/information/")
        check("information index")
        page.goto(base + "/report/information/metropolitan/")
        check("information for a force")
    finally:
        context.close()
        report = "\n".join(
            f"{name}:\n  " + "\n  ".join(found) for name, found in check.violations.items()
        )
        print(f"checked {len(check.checked)} pages in {language}; violations:\n{report}")
    assert check.violations == {}, f"axe found WCAG 2.2 A/AA violations:\n{report}"
    assert len(check.checked) >= 30, check.checked
