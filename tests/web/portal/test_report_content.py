"""Content test: no page of the reporting flow asks about immigration status, nationality
or documents, in its text, its labels or its fields' names and values.

The checker reads what a person (or a screen reader, or a form submission) meets: text
outside <script> and <style>, and the attributes that name or describe fields. It removes
only the exact reassurance sentences, so a question or a field that mentions any of these
subjects is still caught (the checker is tested on such pages below).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import override_settings

from haven.web.portal.steps import STEP_NAMES

from .report_helpers import VICTIM_ANSWERS, answer_all, clear_portal_throttles, with_way

FORBIDDEN = re.compile(
    r"immigra|nationalit|citizen|passport|\bvisas?\b|\bdocument|residen(ce|cy) permit|"
    r"leave to (remain|enter)|right to (remain|work|rent)|asylum|refugee|home office|"
    r"country of (birth|origin)|where were you born|\bBRP\b|biometric|settled status",
    re.IGNORECASE,
)
# Sentences that promise the question is never asked: the only place the words may appear.
REASSURANCES = (
    "You will not be asked about your immigration status.",
    "Police will never ask you about your immigration status here.",
)
DESCRIBING_ATTRIBUTES = (
    "name",
    "id",
    "value",
    "for",
    "placeholder",
    "title",
    "aria-label",
    "alt",
    "autocomplete",
    "data-no-results",
)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden_depth += 1
        for key, value in attrs:
            if key in DESCRIBING_ATTRIBUTES and value:
                self.attributes.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.text.append(data)


def forbidden_mentions(html: str) -> list[str]:
    """What on the page asks, or names a field, about status, nationality or documents."""
    reader = _Reader()
    reader.feed(html)
    text = re.sub(r"\s+", " ", " ".join(reader.text))
    for sentence in REASSURANCES:
        text = text.replace(sentence, " ")
    found = [match.group(0) for match in FORBIDDEN.finditer(text)]
    for value in reader.attributes:
        found += [f"{value!r}" for _ in FORBIDDEN.finditer(value.replace("_", " "))]
    return found


# --- the checker -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        '<label for="n">What is your nationality?</label><input id="n" name="q1">',
        "<p>You will not be asked about your immigration status.</p>"
        '<label for="v">Your status</label><input id="v" name="visa_type">',
        '<input name="passport_number" type="text">',
        '<select name="q"><option value="x">Do you have leave to remain?</option></select>',
        "<h1>Upload your documents</h1>",
        '<input name="q" aria-label="Immigration status">',
        "<legend>Where were you born?</legend>",
    ],
)
def test_the_checker_catches_a_question_or_field_about_status(page):
    assert forbidden_mentions(page)


def test_the_checker_allows_only_the_reassurance_and_scripts():
    page = (
        "<p>You will not be asked about your immigration status.</p>"
        "<script>document.body.className += ' js-enabled'</script>"
        '<label for="a">What happened?</label><textarea id="a" name="account"></textarea>'
    )
    assert forbidden_mentions(page) == []


# --- every page of the flow ------------------------------------------------------------------


def _pages_of_a_walk(client, answers) -> dict[str, str]:
    """Every page a reporter meets: each question empty, refused and answered, check
    answers, confirmation and its reload."""
    pages = {"start": client.get("/").content.decode()}
    for url, data in answers:
        pages[f"GET {url}"] = client.get(url).content.decode()
        if url != "/report/people":
            refused = client.post(url, {})
            if refused.status_code == 200:
                pages[f"refused {url}"] = refused.content.decode()
        assert client.post(url, data).status_code == 302
        pages[f"answered {url}"] = client.get(url).content.decode()
    pages["check"] = client.get("/report/check-answers").content.decode()
    pages["confirmation"] = client.post("/report/check-answers").content.decode()
    pages["confirmation reloaded"] = client.get("/report/confirmation").content.decode()
    return pages


def test_no_page_of_the_flow_asks_about_status_nationality_or_documents(client, advocate, met):
    clear_portal_throttles()
    victim_pages = _pages_of_a_walk(client, VICTIM_ANSWERS)
    client.get("/report/exit")
    client.force_login(advocate)
    advocate_pages = _pages_of_a_walk(
        client, with_way("advocate", ("/report/consent", {"consent": ["see_updates"]}))
    )
    with override_settings(HAVEN_PORTAL_SUBMISSIONS_PER_HOUR=0):
        answer_all(client, VICTIM_ANSWERS)
        limited = client.post("/report/check-answers")
    assert limited.status_code == 429
    clear_portal_throttles()

    pages = {**victim_pages, **{f"advocate {k}": v for k, v in advocate_pages.items()}}
    pages["too many"] = limited.content.decode()
    # Every question page was walked, so a new step cannot escape the check.
    for name in STEP_NAMES:
        url = "/report/" if name == "way" else f"/report/{name}"
        assert f"advocate GET {url}" in pages, name
    assert any("govuk-error-message" in page for key, page in pages.items() if "refused" in key)
    for key, page in pages.items():
        assert forbidden_mentions(page) == [], key
