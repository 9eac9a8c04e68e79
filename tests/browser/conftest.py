"""Headless Debian Chromium driven by Playwright, against the live test server.

`make install` installs Debian's `chromium` package. Where it is absent these tests skip
with one clear line, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Without the networking flags Chromium keeps trying to reach the internet, which a
# closed network (a sandbox or CI runner) refuses; with them it stays offline.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    missing = [str(path) for path in (CHROMIUM, AXE) if not path.exists()]
    if missing:
        message = f"browser tests need {', '.join(missing)} (make install provides them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM calls
    # the tests make between page actions are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def record_console_error(page, message) -> None:  # type: ignore[no-untyped-def]
    if message.type != "error":
        return
    # A page served with an error status (our 404 page) logs its own status; that is
    # expected. Anything else, a failing stylesheet or a CSP refusal, is a problem.
    if message.location.get("url") == page.url and message.text.startswith(
        "Failed to load resource"
    ):
        return
    page.problems.append(f"{message.text} ({message.location.get('url')})")


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A fresh browser context whose page records console errors and page errors in
    `page.problems` (a CSP refusal shows up there)."""
    context = browser.new_context()
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: record_console_error(page, message))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now, one line each."""
    # Evaluated through DevTools, which the page's CSP does not govern.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{violation['id']} at {node['target']}: {violation['help']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def assert_page_is_healthy(page) -> None:  # type: ignore[no-untyped-def]
    """No console error, GOV.UK Frontend's scripts ran, and axe finds nothing."""
    assert page.problems == [], "console errors (a CSP violation shows up here)"
    body_class = page.evaluate("document.body.className")
    assert "js-enabled" in body_class and "govuk-frontend-supported" in body_class
    assert axe_violations(page) == []


def click_through(page, locator) -> None:  # type: ignore[no-untyped-def]
    """Click a link or a form's button and wait for the page it loads.

    Playwright's click does not wait for the navigation it starts, so a check made straight
    after a bare click can read the page before (a form re-shown with its errors has the
    same address, so waiting for the URL does not help either)."""
    with page.expect_navigation():
        locator.click()
