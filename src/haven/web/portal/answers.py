"""The draft's answers, and how they become a report.

Answers are one JSON object, sealed in `PortalDraft.answers`:

    way          victim | witness | advocate
    consent      list of ConsentScope values (advocate only)
    force        a force code
    offence      a value of the decision space's `offence`
    account      what happened (free text)
    when         {"kind": "date", "date": "YYYY-MM-DD"} or {"kind": "roughly", "text": …}
    place        where (free text, optional: "" when skipped)
    people       [{"role", "label", "name"}] (the others involved; may be empty)
    people_done  true once the reporter said there is nobody (else) to add
    contact      {"allowed": false} or {"allowed": true, "channel", "details", "times",
                 "say_police": bool}
    language     a code of `catalogue.LANGUAGES`, or "other" with `language_other`
    interpreter  bool
    support      list of support service codes, or ["none"]

What the force reads (contact, when, language) is written in English here, whatever
language the reporter used: it is data for the force, not text of the pages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from haven.web.portal.catalogue import NO_SUPPORT, language_name

Answers = dict[str, Any]

CHANNEL_WORDS = {
    "phone": "Phone call",
    "text": "Text message",
    "email": "Email",
    "advocate": "Through the advocate organisation that made the report",
}


def occurred_text(answers: Answers) -> str:
    when = answers.get("when") or {}
    if when.get("kind") == "date":
        return date.fromisoformat(when["date"]).strftime("%-d %B %Y")
    if when.get("kind") == "roughly":
        return f"Roughly: {when.get('text', '')}"
    return ""


def contact_text(answers: Answers) -> str:
    """How and when it is safe to contact the reporter, for the force (sealed on the report)."""
    contact = answers.get("contact") or {}
    if not contact.get("allowed"):
        return (
            "Do not contact the reporter. They will read and answer messages on the "
            "follow-up page with their receipt code."
        )
    lines = [f"How: {CHANNEL_WORDS.get(contact.get('channel', ''), '')}"]
    if contact.get("details"):
        lines.append(f"Number or address: {contact['details']}")
    if contact.get("times"):
        lines.append(f"When it is safe: {contact['times']}")
    lines.append(
        "A message or caller may say it is from the police."
        if contact.get("say_police")
        else "Do NOT say that a message or call is from the police."
    )
    return "\n".join(lines)


def preferred_language_text(answers: Answers) -> str:
    return language_name(answers.get("language", ""), answers.get("language_other", ""))


def support_codes(answers: Answers) -> tuple[str, ...]:
    return tuple(code for code in answers.get("support", []) if code != NO_SUPPORT)
