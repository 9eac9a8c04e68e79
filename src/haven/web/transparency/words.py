"""A diff region in plain words, for the public pages (docs/transparency.md).

The clauses come from the notice's phrasing (`haven.policy.notice.describe_condition`),
so a situation reads the same here as on a force's information page; only the roles the
notice never speaks to (a suspect) and the actions it does not phrase (a PNC check, a
disclosure to someone other than Immigration Enforcement) are worded here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from haven.policy.diff import DiffRegion
from haven.policy.notice import IE_RECIPIENT, describe_condition
from haven.policy.notice import _about_them as notice_about_them
from haven.policy.space import ATTRIBUTE_BY_NAME, ATTRIBUTES, Value

ACTION_WORDS = {
    "pnc_check": "police check the Police National Computer about you",
    "status_check": "police ask Immigration Enforcement about your immigration status",
    "disclose": "police pass your details on",
    "immigration_arrest": "police arrest you on immigration grounds",
    "enforcement": "Immigration Enforcement takes action against you",
}
DISCLOSE_TO_IE = "police pass your details to Immigration Enforcement"
ROLE_WORDS = {
    "victim": "a victim",
    "witness": "a witness",
    "suspect": "a suspect",
    "victim_and_suspect": "a victim who is also suspected of an offence",
    "family_member": "a family member named in a report",
}
DIRECTION = {
    ("allow", "deny"): "No longer allowed",
    ("deny", "allow"): "Now allowed",
}


def join_or(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def join_and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    separator = "; " if any("," in item for item in items) else ", "
    return separator.join(items[:-1]) + " and " + items[-1]


def _actions(when: dict[str, list[Value]]) -> str:
    actions = [str(v) for v in when.get("action", ATTRIBUTE_BY_NAME["action"].values)]
    to_ie = when.get("recipient") == [IE_RECIPIENT]
    words = [
        DISCLOSE_TO_IE if action == "disclose" and to_ie else ACTION_WORDS[action]
        for action in actions
    ]
    return join_or(words)


def _clause(name: str, values: Sequence[Value]) -> str:
    if name == "role" and "suspect" in values:
        # The notice speaks only to victims, witnesses and their family: it has no
        # words for a suspect.
        everyone = ATTRIBUTE_BY_NAME["role"].values
        if len(values) * 2 > len(everyone):
            others = [ROLE_WORDS[str(v)] for v in everyone if v not in values]
            return "you are anyone but " + join_or(others)
        return "you are " + join_or([ROLE_WORDS[str(v)] for v in values])
    return describe_condition(name, list(values))


def conditions(when: dict[str, list[Value]]) -> list[str]:
    """The clauses of a region's `when`, in attribute order (the action apart)."""
    clauses = []
    for attribute in ATTRIBUTES:
        name = attribute.name
        if name == "action" or name not in when:
            continue
        if (
            name == "recipient"
            and when[name] == [IE_RECIPIENT]
            and "disclose" in when.get("action", [])
        ):
            continue  # the action already says where the data goes
        clauses.append(_clause(name, when[name]))
    return clauses


def _about_them(text: str) -> str:
    """A phrase about the reader, about a relative named in their report instead (the
    notice's rewriting, plus "about you" in the actions worded here)."""
    return notice_about_them(re.sub(r"\babout you\b", "about them", text))


def _family_only(when: dict[str, list[Value]]) -> bool:
    return when.get("role") == ["family_member"]


def _parts(when: dict[str, list[Value]]) -> tuple[str, list[str]]:
    """(the actions, the clauses), about "them" where the region is a relative's."""
    actions, clauses = _actions(when), conditions(when)
    if _family_only(when):
        # The role clause comes first and already says whom it is about.
        return _about_them(actions), clauses[:1] + [_about_them(c) for c in clauses[1:]]
    return actions, clauses


def region_sentence(region: DiffRegion) -> str:
    """One sentence, to "you" as the notice speaks: what changes (allowed → refused or
    back), and where."""
    when = region.when
    direction = DIRECTION.get((region.from_decision, region.to_decision), "Decided differently")
    actions, clauses = _parts(when)
    where = f" when {join_and(clauses)}" if clauses else ", whatever the situation"
    return f"{direction}: {actions}{where}."


def silent_sentence(region: DiffRegion, *, stated_by: str) -> str:
    """One sentence for a region only one side states (`stated_by` names that side)."""
    when = region.when
    actions, clauses = _parts(when)
    where = f" when {join_and(clauses)}" if clauses else ""
    stated = region.to_decision if region.silent == "a" else region.from_decision
    verdict = "allowed" if stated == "allow" else "refused"
    return f"Only {stated_by} says ({verdict}): {actions}{where}."
