"""Shared helpers for the console tests: a report's ledger events, and a page's visible text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.conf import settings

from haven.web.accounts.permissions import Capability
from haven.web.ledger.selectors import entries_about, entry_event
from haven.web.portal.catalogue import LANGUAGES
from haven.web.reporting.models import Report
from haven.web.reporting.services import report_pseudonym


def events(report: Report, kind: str | None = None) -> list[dict]:
    """The payloads of the ledger events about `report` (of one kind), oldest first."""
    kinds = (kind,) if kind else ()
    return [
        entry_event(entry)["payload"]
        for entry in entries_about(subject=report_pseudonym(report), kinds=kinds)
    ]


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


# Language codes that are also English words, or parts of them, are not searched for.
ENGLISH_WORDS = {"am", "so", "it", "hi", "ne", "pa", "ta", "ti", "fa", "es", "vi", "en"}
LANGUAGE_CODES = (
    {code for code, _name in settings.LANGUAGES} | {entry[0] for entry in LANGUAGES}
) - ENGLISH_WORDS
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def scan_for_codes(page: str, where: str) -> None:
    """Fail if the visible text of `page` shows a capability, snake_case or language code."""
    text = visible_text(page)
    for capability in Capability:
        assert capability.value not in text, (where, capability.value)
    assert not SNAKE_CASE.findall(text), (where, SNAKE_CASE.findall(text))
    words = set(re.findall(r"\b[a-z]{2,3}\b", text))
    assert not (words & LANGUAGE_CODES), (where, words & LANGUAGE_CODES)
