"""What each reform changed (the "What each reform changed" page, docs/transparency.md).

Every number comes from the engine's diff (`haven.policy.diff.diff`) between two
shipped policies, over the whole decision space; nothing is sampled or written by hand.
A situation is one point of the decision space (docs/decision-space.md). Situations
that one side states and the other leaves to its default deny are counted apart from
real changes, as `haven policy diff` does.

The walk follows docs/POLICY-SOURCES.md and docs/sources.md: the pre-2018 line, the
NPCC guidance (December 2018), the Met's redraft (August 2019; one force, measured
against the national guidance it redrafted), the inspectorates' recommendation 1
(December 2020; written on the NPCC guidance), the Home Office protocol (2021, and its
2023 wording), and the two firewall proposals (each measured against the protocol in
place). Practice as found (`practice-2020`) stands beside each written policy.

The diffs take a few seconds in all, so they are computed once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from haven.policy.compiled import CompiledPolicy
from haven.policy.diff import DiffRegion, PolicyDiff, diff
from haven.policy.promises import check, load_promises
from haven.policy.regions import box_count
from haven.policy.registry import PRACTICE_BASELINE, load_compiled_policy
from haven.policy.space import ATTRIBUTE_BY_NAME, ATTRIBUTE_NAMES
from haven.web.transparency.words import region_sentence, silent_sentence

NOT_STATED_SHOWN = 5
"""How many regions stated by one side only each step lists in words (the largest)."""


@dataclass(frozen=True)
class StepDefinition:
    key: str
    before: str
    after: str
    when: str
    what: str


POLICY_NAMES = {
    "pre-2018": "the line before 2018",
    "practice-2020": "practice as found, 2018 to 2020",
    "npcc-2018": "the NPCC guidance",
    "met-2019": "the Met's 2019 redraft",
    "hmicfrs-2020": "the inspectorates' recommendation 1",
    "iemvp-2021": "the Home Office protocol (2021 wording)",
    "iemvp-2023": "the Home Office protocol (2023 wording)",
    "firewall": "the firewall proposal",
    "firewall-consent": "the firewall-with-consent proposal",
}
"""Short human names for the shipped policies (the pages never show a policy's code)."""

STEPS: tuple[StepDefinition, ...] = (
    StepDefinition(
        "npcc-2018",
        "pre-2018",
        "npcc-2018",
        "December 2018 (revised April 2020)",
        "The National Police Chiefs' Council's guidance on victims and witnesses with "
        "insecure immigration status, measured against the line before it.",
    ),
    StepDefinition(
        "met-2019",
        "npcc-2018",
        "met-2019",
        "August 2019",
        'The Metropolitan Police\'s redraft, called "nearly identical" to the policy it '
        "withdrew. It is one force's policy, so it is measured against the national "
        "guidance it redrafted.",
    ),
    StepDefinition(
        "hmicfrs-2020",
        "npcc-2018",
        "hmicfrs-2020",
        "December 2020",
        'The inspectorates\' report "Safe to share?": recommendation 1, to stop sharing '
        "domestic-abuse victims' details on concerns or doubts, applied to the NPCC "
        "guidance it was addressed to.",
    ),
    StepDefinition(
        "iemvp-2021",
        "hmicfrs-2020",
        "iemvp-2021",
        "December 2021",
        "The Home Office review and its Immigration Enforcement Migrant Victims Protocol. "
        "Its sources restate the NPCC guidance, not recommendation 1, so where the "
        "protocol is silent on what recommendation 1 stopped, that protection is gone.",
    ),
    StepDefinition(
        "iemvp-2023",
        "iemvp-2021",
        "iemvp-2023",
        "July 2023",
        "The protocol's 2023 wording for victims of domestic abuse.",
    ),
    StepDefinition(
        "firewall",
        "iemvp-2023",
        "firewall",
        "Proposed (2016 to 2021)",
        "The firewall: nothing a person reporting a crime tells police reaches "
        "Immigration Enforcement. A proposal no force has adopted, measured against the "
        "protocol in place.",
    ),
    StepDefinition(
        "firewall-consent",
        "iemvp-2023",
        "firewall-consent",
        "Proposed (2024)",
        "The firewall with a consent route for the offences Lords amendment 96 names. A "
        "proposal, measured against the protocol in place.",
    ),
)


@dataclass(frozen=True)
class RuleCitation:
    summary: str
    source: str


@dataclass(frozen=True)
class Change:
    sentence: str
    situations: int
    more_protective: bool
    rules_before: tuple[RuleCitation, ...]
    rules_after: tuple[RuleCitation, ...]


@dataclass(frozen=True)
class ActionChange:
    """How many situations of one action a step refuses or allows anew."""

    action: str
    more_protective: int
    less_protective: int


@dataclass(frozen=True)
class AgainstPractice:
    changed: int
    more_protective: int
    less_protective: int
    only_policy: int
    only_practice: int


@dataclass(frozen=True)
class ReformStep:
    key: str
    when: str
    what: str
    before: str
    after: str
    before_name: str
    after_name: str
    before_title: str
    after_title: str
    total: int
    changed: int
    more_protective: int
    less_protective: int
    not_stated: int
    only_before: int
    only_after: int
    changes: tuple[Change, ...]
    by_action: tuple[ActionChange, ...]
    """The changes per action (PNC check, status check, disclosure, arrest,
    enforcement), only the actions that change."""
    silent_examples: tuple[str, ...]
    promises_gained: tuple[str, ...]
    promises_lost: tuple[str, ...]
    sources: tuple[str, ...]
    practice: AgainstPractice


@lru_cache(maxsize=16)
def shipped_policy(policy_id: str) -> CompiledPolicy:
    """A shipped policy, compiled once per process."""
    return load_compiled_policy(policy_id)


_policy = shipped_policy


def policy_name(policy_id: str) -> str:
    return POLICY_NAMES.get(policy_id, policy_id)


def _citations(policy: CompiledPolicy, rule_ids: tuple[str, ...]) -> tuple[RuleCitation, ...]:
    rules = (policy.policy.rule(rule_id) for rule_id in rule_ids)
    return tuple(RuleCitation(summary=rule.summary, source=rule.source) for rule in rules)


def _split(result: PolicyDiff) -> tuple[int, int]:
    tighter = sum(r.count for r in result.regions if r.to_decision == "deny")
    return tighter, result.changed - tighter


def _silent_counts(result: PolicyDiff) -> tuple[int, int]:
    """(stated by the earlier side only, stated by the later side only)."""
    only_before = sum(r.count for r in result.not_stated_regions if r.silent == "b")
    return only_before, result.not_stated - only_before


def by_action(regions: tuple[DiffRegion, ...]) -> tuple[ActionChange, ...]:
    """The changed situations per action: each region's points split by its actions."""
    actions = ATTRIBUTE_BY_NAME["action"].values
    axis = ATTRIBUTE_NAMES.index("action")
    rows = []
    for index, action in enumerate(actions):
        counts = {"deny": 0, "allow": 0}
        for region in regions:
            if index in region.box[axis]:
                box = region.box[:axis] + ((index,),) + region.box[axis + 1 :]
                counts[region.to_decision] += box_count(box)
        if counts["deny"] or counts["allow"]:
            rows.append(ActionChange(str(action), counts["deny"], counts["allow"]))
    return tuple(rows)


def _held(policy: CompiledPolicy) -> dict[str, bool]:
    return {result.promise.id: result.holds for result in check(policy, load_promises())}


def against_practice(policy_id: str) -> AgainstPractice:
    result = diff(_policy(PRACTICE_BASELINE), _policy(policy_id))
    tighter, looser = _split(result)
    only_practice, only_policy = _silent_counts(result)
    return AgainstPractice(
        changed=result.changed,
        more_protective=tighter,
        less_protective=looser,
        only_policy=only_policy,
        only_practice=only_practice,
    )


def _step(definition: StepDefinition) -> ReformStep:
    before, after = _policy(definition.before), _policy(definition.after)
    result = diff(before, after)
    tighter, looser = _split(result)
    only_before, only_after = _silent_counts(result)
    changes = tuple(
        Change(
            sentence=region_sentence(region),
            situations=region.count,
            more_protective=region.to_decision == "deny",
            rules_before=_citations(before, region.rules_from),
            rules_after=_citations(after, region.rules_to),
        )
        for region in result.regions
    )
    held_before, held_after = _held(before), _held(after)
    catalogue = {promise.id: promise for promise in load_promises()}
    gained = tuple(
        catalogue[i].english for i in held_after if held_after[i] and not held_before.get(i)
    )
    lost = tuple(
        catalogue[i].english for i in held_before if held_before[i] and not held_after.get(i)
    )
    sources: list[str] = []
    for change in changes:
        for rule in change.rules_before + change.rules_after:
            if rule.source not in sources:
                sources.append(rule.source)
    return ReformStep(
        key=definition.key,
        when=definition.when,
        what=definition.what,
        before=definition.before,
        after=definition.after,
        before_name=policy_name(definition.before),
        after_name=policy_name(definition.after),
        before_title=before.policy.title,
        after_title=after.policy.title,
        total=result.total,
        changed=result.changed,
        more_protective=tighter,
        less_protective=looser,
        not_stated=result.not_stated,
        only_before=only_before,
        only_after=only_after,
        changes=changes,
        by_action=by_action(result.regions),
        silent_examples=tuple(
            _silent_words(region, before=definition.before, after=definition.after)
            for region in result.not_stated_regions[:NOT_STATED_SHOWN]
        ),
        promises_gained=gained,
        promises_lost=lost,
        sources=tuple(sources),
        practice=against_practice(definition.after),
    )


def _silent_words(region: DiffRegion, *, before: str, after: str) -> str:
    stated_by = policy_name(after if region.silent == "a" else before)
    return silent_sentence(region, stated_by=stated_by)


@lru_cache(maxsize=1)
def reform_steps() -> tuple[ReformStep, ...]:
    """Every step of the walk, computed once per process."""
    return tuple(_step(definition) for definition in STEPS)


@dataclass(frozen=True)
class PracticeSummary:
    title: str
    promises_held: int
    promises_checked: int


@lru_cache(maxsize=1)
def practice_summary() -> PracticeSummary:
    held = _held(_policy(PRACTICE_BASELINE))
    return PracticeSummary(
        title=_policy(PRACTICE_BASELINE).policy.title,
        promises_held=sum(held.values()),
        promises_checked=len(held),
    )
