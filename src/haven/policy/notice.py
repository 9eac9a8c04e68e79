"""The notice "what can happen to your information" for one policy (docs/policies.md).

Two parts, both derived from the compiled table, never written by hand:

1. The catalogue promises that hold over their whole region (`promises.check`), in
   their own English words. A promise that fails is not shown.
2. The complete list of conditions under which a reporter's data, or that of a
   family member named in the report, can reach Immigration Enforcement: the
   allowed points with `role` in victim, witness, victim_and_suspect, family_member
   and an action that reaches IE (a status check with IE,
   disclosure to IE, police immigration arrest, IE enforcement action), covered
   exactly by regions (`regions.partition_labels`), one region per sentence. Each
   sentence names the rules that allow it at some point of its region, in policy
   order, so a reader can look them up with `haven policy show`.

Promises shown are those that hold by a cited rule (`promises.holding_promises`):
one that would rest on the policy's silence is never shown.

The list is exact: every allowed point in that part of the space lies in exactly one
region, and every point of a region is allowed. Regions are computed per action over
the reporter roles (and, for disclosure, recipient `immigration_enforcement` only);
an attribute the policy does not read there is left out of the sentence.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from haven.policy.compiled import CompiledPolicy
from haven.policy.decide import Reason
from haven.policy.explain import RECIPIENT_PHRASES
from haven.policy.promises import Promise, check, holding_promises, load_promises
from haven.policy.regions import (
    FULL_BOX,
    Box,
    When,
    box_count,
    box_to_when,
    partition_labels,
    region_view,
)
from haven.policy.space import (
    ATTRIBUTE_BY_NAME,
    ATTRIBUTES,
    PAIR_AXES,
    SHAPE,
    feasible_mask,
    feasible_pairs,
)

REPORTER_ROLES: tuple[str, ...] = ("victim", "witness", "victim_and_suspect", "family_member")
"""The people a notice speaks to: reporters, and the relatives named in a report."""
IE_ACTIONS: tuple[str, ...] = ("status_check", "disclose", "immigration_arrest", "enforcement")
IE_RECIPIENT = "immigration_enforcement"

ACTION_PHRASES: Mapping[str, str] = {
    "status_check": "police may ask Immigration Enforcement about your immigration status",
    "disclose": "police may pass your details to Immigration Enforcement",
    "immigration_arrest": "police may arrest you on immigration grounds",
    "enforcement": "Immigration Enforcement may take action against you",
}


@dataclass(frozen=True)
class ExposureCondition:
    """One region of allowed points where a reporter's data reaches IE."""

    action: str
    box: Box
    rules: tuple[Reason, ...]
    text: str

    @property
    def when(self) -> When:
        return box_to_when(self.box)

    @property
    def count(self) -> int:
        return box_count(self.box)

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "when": self.when,
            "count": self.count,
            "rules": [rule.to_json() for rule in self.rules],
            "text": self.text,
        }


@dataclass(frozen=True)
class Notice:
    """The structured notice; `render_notice` turns it into plain text."""

    policy: str
    version: str
    title: str
    promises: tuple[Promise, ...]
    """The catalogue promises that hold under this policy."""
    conditions: tuple[ExposureCondition, ...]
    silences: tuple[ExposureCondition, ...] = ()
    """Where the policy says nothing either way (only its default deny decides)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "version": self.version,
            "title": self.title,
            "promises": [{"id": p.id, "text": p.english} for p in self.promises],
            "conditions": [condition.to_json() for condition in self.conditions],
            "silences": [silence.to_json() for silence in self.silences],
        }


def notice(compiled: CompiledPolicy, promises: Iterable[Promise] | None = None) -> Notice:
    """Build the notice for one compiled policy (default: the shipped catalogue).

    Deterministic: promises in catalogue order, conditions by action (status check,
    disclosure, arrest, enforcement), then largest region first.
    """
    catalogue = tuple(load_promises() if promises is None else promises)
    holding = tuple(holding_promises(check(compiled, catalogue)))
    conditions, silences = exposure_conditions(compiled)
    return Notice(
        policy=compiled.id,
        version=compiled.version,
        title=compiled.policy.title,
        promises=holding,
        conditions=tuple(conditions),
        silences=tuple(silences),
    )


_DENIED, _ALLOWED, _SILENT = 0, 1, 2


def exposure_conditions(
    compiled: CompiledPolicy,
) -> tuple[list[ExposureCondition], list[ExposureCondition]]:
    """Exact regions of allowed, IE-reaching actions on reporters and named relatives, and
    the regions where the policy is silent about them (neither allowed nor forbidden)."""
    table = compiled.table
    ids = table.outcome_ids.reshape(SHAPE)
    feasible = feasible_mask()
    label_of = np.array(
        [
            _ALLOWED if outcome.allowed else _DENIED if outcome.stated else _SILENT
            for outcome in table.outcomes
        ],
        dtype=np.int8,
    )
    order = {rule.id: index for index, rule in enumerate(compiled.policy.rules)}
    conditions: list[ExposureCondition] = []
    silences: list[ExposureCondition] = []
    for action in IE_ACTIONS:
        domain = _domain(action)
        region_ids = region_view(ids, domain)
        boxes = partition_labels(label_of[region_ids], domain, skip=_DENIED)
        for box in boxes.get(_SILENT, []):
            silences.append(
                ExposureCondition(
                    action=action, box=box, rules=(), text=describe_silence(action, box)
                )
            )
        for box in boxes.get(_ALLOWED, []):
            present = np.unique(region_view(ids, box)[region_view(feasible, box)]).tolist()
            rule_ids = {rule_id for k in present for rule_id in table.outcomes[k].rule_ids}
            rules = tuple(
                _cite(compiled, rule_id) for rule_id in sorted(rule_ids, key=order.__getitem__)
            )
            conditions.append(
                ExposureCondition(
                    action=action,
                    box=box,
                    rules=rules,
                    text=describe(action, box, rules, compiled.id),
                )
            )
    return conditions, silences


def _domain(action: str) -> Box:
    box = list(FULL_BOX)
    box[0] = (ATTRIBUTE_BY_NAME["action"].position(action),)
    box[2] = tuple(ATTRIBUTE_BY_NAME["role"].position(role) for role in REPORTER_ROLES)
    if action == "disclose":
        box[1] = (ATTRIBUTE_BY_NAME["recipient"].position(IE_RECIPIENT),)
    return tuple(box)


def _cite(compiled: CompiledPolicy, rule_id: str) -> Reason:
    rule = compiled.policy.rule(rule_id)
    return Reason(id=rule.id, summary=rule.summary, source=rule.source)


# --- phrasing -----------------------------------------------------------------------

_ROLE_NOUNS: Mapping[str, str] = {
    "victim": "a victim",
    "witness": "a witness",
    "victim_and_suspect": "a victim who is also suspected of an offence",
    "family_member": "a family member named in a report",
}
_ROLE = {
    frozenset({"victim"}): "you are a victim",
    frozenset({"witness"}): "you are a witness",
    frozenset({"victim_and_suspect"}): "you are a victim who is also suspected of an offence",
    frozenset({"family_member"}): "it concerns a family member named in your report",
    frozenset({"victim", "victim_and_suspect"}): (
        "you are a victim (whether or not you are also suspected of an offence)"
    ),
    frozenset({"victim", "witness"}): (
        "you are a victim or a witness (and not yourself suspected of an offence)"
    ),
    frozenset({"witness", "victim_and_suspect"}): (
        "you are a witness, or a victim who is also suspected of an offence"
    ),
    frozenset({"victim", "witness", "victim_and_suspect"}): (
        "you are a victim or a witness (not a family member named in the report)"
    ),
}
_STATUS = {
    frozenset({"suspected", "confirmed"}): (
        "police suspect, or have confirmed, that you lack immigration status"
    ),
    frozenset({"doubt", "suspected", "confirmed"}): (
        "police have any concern about your immigration status (even only a doubt)"
    ),
    frozenset({"none", "unknown", "doubt"}): (
        "police have no more than doubts about your immigration status"
    ),
    frozenset({"none", "unknown"}): (
        "police have no concern about your immigration status (or have not considered it)"
    ),
    frozenset({"confirmed"}): "police have confirmed that you lack immigration status",
    frozenset({"suspected"}): (
        "police have specific information that you may lack immigration status"
    ),
    frozenset({"doubt"}): "police have only doubts about your immigration status",
    frozenset({"unknown", "doubt"}): (
        "police have only doubts about your immigration status (or have not considered it)"
    ),
}
_STATUS_VALUES = {
    "none": "police have no concern about your immigration status",
    "unknown": "police have not considered your immigration status",
    "doubt": "police have only doubts about your immigration status",
    "suspected": "police have specific information that you may lack immigration status",
    "confirmed": "police have confirmed that you lack immigration status",
}
_SOURCE_VALUES = {
    "none": "nobody has raised a concern about your immigration status",
    "self": "you told police about your immigration status yourself",
    "officer": "an officer raised the concern (or it came up in a check for another purpose)",
    "suspect": "the concern came from the person you reported",
    "third_party": "the concern came from someone other than you or the person you reported",
    "records": "the concern comes from a marker on police or Home Office records",
}
_SOURCE_FROM = {
    "self": "from you",
    "officer": "from an officer",
    "suspect": "from the person you reported",
    "third_party": "from someone else",
    "records": "from police or Home Office records",
}
_STAGE = {
    frozenset({"concluded"}): "the criminal case has concluded",
    frozenset({"report", "investigation", "prosecution"}): "the criminal case has not concluded",
    frozenset({"investigation", "prosecution"}): "the case is under investigation or prosecution",
    frozenset({"report", "concluded"}): (
        "the crime has only just been reported or the criminal case has concluded"
    ),
}
_CONSENT = {
    frozenset({"given"}): "you have given your consent",
    frozenset({"refused"}): "you have refused consent",
    frozenset({"not_sought"}): "you have not been asked for consent",
    frozenset({"refused", "not_sought"}): "you have not given your consent",
    frozenset({"given", "refused"}): "you have been asked for consent",
    frozenset({"given", "not_sought"}): "you have not refused consent",
}
_BOOLS = {
    "risk_to_others": (
        "police consider that you pose an immediate risk of harm to others",
        "you pose no immediate risk of harm to others",
    ),
    "regularisation_support": (
        "you are getting support to regularise your stay",
        "you are not getting support to regularise your stay",
    ),
}
_NOUNS: Mapping[str, Mapping[str, str]] = {
    "offence": {
        "domestic_abuse": "domestic abuse",
        "sexual_offence": "a sexual offence",
        "modern_slavery": "modern slavery",
        "honour_based_abuse": "honour-based abuse",
        "stalking_harassment": "stalking or harassment",
        "hate_crime": "a hate crime",
        "violent_crime": "a violent crime",
        "other": "another kind of crime",
    },
    "purpose": {
        "immigration_control": "immigration control",
        "safeguarding": "safeguarding",
        "investigation": "investigating a crime",
        "public_protection": "protecting the public",
        "regularisation_support": "helping someone regularise their stay",
    },
    "stage": {
        "report": "report",
        "investigation": "investigation",
        "prosecution": "prosecution",
        "concluded": "concluded",
    },
    "recipient": RECIPIENT_PHRASES,
}
_TEMPLATES = {
    "offence": ("the crime is {}", "the crime is not {}"),
    "purpose": ("it is done for {}", "it is done for any purpose other than {}"),
    "stage": ("the case is at the {} stage", "the case is not at the {} stage"),
    "recipient": ("the data goes to {}", "the data goes to anyone but {}"),
}


def _or(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    # Clauses that hold commas of their own are separated by semicolons.
    separator = "; " if any("," in item for item in items) else ", "
    return separator.join(items[:-1]) + " and " + items[-1]


def describe_condition(name: str, values: Sequence[Any]) -> str:
    """One attribute's constraint as a clause ("you are a witness")."""
    chosen = frozenset(values)
    words = [str(value) for value in values]
    if name == "role":
        if chosen in _ROLE:
            return _ROLE[chosen]
        reporters = [_ROLE_NOUNS[v] for v in words if v != "family_member"]
        family = " (or it concerns a family member named in your report)"
        return "you are " + _or(reporters) + (family if "family_member" in chosen else "")
    if name == "status_source":
        if len(values) * 2 > len(ATTRIBUTE_BY_NAME[name].values):
            rest = [
                str(v) for v in ATTRIBUTE_BY_NAME[name].values if v not in chosen and v != "none"
            ]
            return "the concern did not come " + _or([_SOURCE_FROM[v] for v in rest])
        return _or([_SOURCE_VALUES[v] for v in words])
    if name == "status_concern":
        return _STATUS.get(chosen) or _or([_STATUS_VALUES[v] for v in words])
    if name == "consent" and chosen in _CONSENT:
        return _CONSENT[chosen]
    if name == "stage" and chosen in _STAGE:
        return _STAGE[chosen]
    if name in _BOOLS:
        yes, no = _BOOLS[name]
        return yes if values == [True] else no
    nouns = _NOUNS.get(name, {})
    everything = ATTRIBUTE_BY_NAME[name].values
    positive, negative = _TEMPLATES.get(name, (f"{name} is {{}}", f"{name} is not {{}}"))
    # Name the smaller side: "any purpose other than immigration control" reads
    # better than four purposes in a row.
    if len(values) * 2 > len(everything):
        others = [nouns.get(str(v), str(v)) for v in everything if v not in chosen]
        return negative.format(_or(others))
    return positive.format(_or([nouns.get(str(v), str(v)) for v in values]))


def describe(action: str, box: Box, rules: Sequence[Reason], policy: str) -> str:
    """One sentence: the conditions of a region, what may happen, and the rules."""
    clauses, outcome = _clauses(action, box)
    label = "rule" if len(rules) == 1 else "rules"
    cited = f"{label} {_and([rule.id for rule in rules])} of {policy}"
    if clauses:
        sentence = f"If {_and(clauses)}, {outcome}"
    else:
        sentence = f"Whatever the circumstances, {outcome}"
    return f"{sentence} ({cited})."


def describe_silence(action: str, box: Box) -> str:
    """One sentence for a region the policy says nothing about."""
    clauses, outcome = _clauses(action, box)
    where = f"If {_and(clauses)}, this" if clauses else "This"
    return f"{where} policy does not say whether {outcome}."


def _clauses(action: str, box: Box) -> tuple[list[str], str]:
    when = box_to_when(box)
    implied = _implied_pair_attribute(box)
    clauses = []
    for attribute in ATTRIBUTES:
        name = attribute.name
        if name == "action" or name not in when or name == implied:
            continue
        if name == "recipient" and action == "disclose" and when[name] == [IE_RECIPIENT]:
            continue  # the action phrase already says where the data goes
        if name == "role" and set(when[name]) == set(REPORTER_ROLES):
            continue
        clauses.append(describe_condition(name, when[name]))
    outcome = ACTION_PHRASES[action]
    about_family = when.get("role") == ["family_member"]
    if about_family:
        # The region is about a relative, not the reader: "they", not "you" (the role
        # clause itself, first, already says so).
        clauses = clauses[:1] + [_about_them(clause) for clause in clauses[1:]]
        outcome = _about_them(outcome)
    return clauses, outcome


def _implied_pair_attribute(box: Box) -> str | None:
    """The concern or source clause a region need not state, because the other implies it.

    "The concern came from you" already says there is a concern; "no concern" already
    says nobody raised one.
    """
    concern_axis, source_axis = PAIR_AXES
    pairs = feasible_pairs()
    concerns, sources = set(box[concern_axis]), set(box[source_axis])
    with_sources = {c for c in range(pairs.shape[0]) if pairs[c, list(sources)].any()}
    with_concerns = {s for s in range(pairs.shape[1]) if pairs[list(concerns), s].any()}
    if len(sources) < pairs.shape[1] and concerns == with_sources:
        return "status_concern"
    if len(concerns) < pairs.shape[0] and sources == with_concerns:
        return "status_source"
    return None


_KEEP_SECOND_PERSON = ("the person you reported", "your report")
_THIRD_PERSON = (
    (re.compile(r"\byourself\b"), "themselves"),
    (re.compile(r"\byour\b"), "their"),
    (re.compile(r"\b(arrest|against) you\b"), r"\1 them"),
    (re.compile(r"\byou\b"), "they"),
)


def _about_them(text: str) -> str:
    """A clause about the reader, rewritten about a relative ("you lack" -> "they lack")."""
    kept = {f"\0{index}\0": phrase for index, phrase in enumerate(_KEEP_SECOND_PERSON)}
    for marker, phrase in kept.items():
        text = text.replace(phrase, marker)
    for pattern, replacement in _THIRD_PERSON:
        text = pattern.sub(replacement, text)
    for marker, phrase in kept.items():
        text = text.replace(marker, phrase)
    return text


# --- text ---------------------------------------------------------------------------


def render_notice(document: Notice, *, width: int = 88) -> str:
    """The notice as plain text, wrapped at `width` columns."""

    def bullet(text: str) -> str:
        # Rule ids are hyphenated: never break a line inside one.
        return textwrap.fill(
            text,
            width=width,
            initial_indent="  - ",
            subsequent_indent="    ",
            break_on_hyphens=False,
        )

    lines = [
        f"What can happen to your information under {document.title}",
        f"(policy {document.policy}, version {document.version})",
        "",
        "What this policy promises you:",
    ]
    if document.promises:
        lines += [bullet(promise.english) for promise in document.promises]
    else:
        lines.append(
            bullet("None of Haven's catalogue promises is stated in full by this policy's rules.")
        )
    lines += [
        "",
        "When a victim's, witness's or named family member's information can reach "
        "Immigration Enforcement:",
    ]
    if document.conditions:
        lines += [bullet(condition.text) for condition in document.conditions]
    else:
        lines.append(
            bullet(
                "Never. Under this policy no status check with Immigration Enforcement, no "
                "disclosure to Immigration Enforcement, no immigration arrest and no "
                "enforcement action is allowed for a victim, a witness or a family member "
                "named in a report."
            )
        )
    if document.silences:
        lines += [
            "",
            "Where this policy says nothing (what happens there is not decided by it):",
        ]
        lines += [bullet(silence.text) for silence in document.silences]
    closing = (
        "This notice is computed from the policy itself. Each promise above was checked in "
        "every situation it covers and is kept there by a rule of the policy, not by its "
        "silence. The list of conditions is complete: outside them"
    )
    if document.silences:
        closing += " and the situations the policy does not address, it forbids"
    else:
        closing += ", it forbids"
    closing += (
        " a victim's, witness's or named family member's information reaching Immigration "
        "Enforcement."
    )
    lines += ["", textwrap.fill(closing, width=width)]
    return "\n".join(lines) + "\n"
