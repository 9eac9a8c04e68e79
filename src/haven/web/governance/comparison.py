"""What a policy version changes against the version in force: the engine's exact diff
(`haven.policy.diff`) and promise check (`haven.policy.promises`), put in plain words.
Nothing here diffs policies itself."""

from __future__ import annotations

from dataclasses import dataclass

from haven.policy import CompiledPolicy, PolicyDiff, diff
from haven.policy.diff import DiffRegion
from haven.policy.promises import Promise, check, load_promises
from haven.web.accounts.selectors import force_active_policy
from haven.web.governance.models import PolicyVersion
from haven.web.governance.selectors import version_compiled
from haven.web.governance.words import decision_words, obligation_words, when_words


@dataclass(frozen=True)
class RegionInWords:
    region: DiffRegion
    conditions: list[str]
    from_words: str
    to_words: str
    rules_from: tuple[str, ...]
    rules_to: tuple[str, ...]
    obligations_from: list[str]
    obligations_to: list[str]
    silent: str | None


@dataclass(frozen=True)
class VersionComparison:
    active: CompiledPolicy
    candidate: CompiledPolicy
    diff: PolicyDiff
    regions: list[RegionInWords]
    not_stated_regions: list[RegionInWords]
    broken: list[Promise]
    """Promises that hold under the version in force and not under this one."""
    newly_proven: list[Promise]
    kept: list[Promise]


def _in_words(region: DiffRegion) -> RegionInWords:
    return RegionInWords(
        region=region,
        conditions=when_words(region.when),
        from_words=decision_words(region.from_decision),
        to_words=decision_words(region.to_decision),
        rules_from=region.rules_from,
        rules_to=region.rules_to,
        obligations_from=obligation_words(region.obligations_from),
        obligations_to=obligation_words(region.obligations_to),
        silent=region.silent,
    )


def version_comparison(version: PolicyVersion) -> VersionComparison:
    """`version` against the policy in force for its force now."""
    active = force_active_policy(force=version.force)
    candidate = version_compiled(version)
    result = diff(active, candidate, outcomes=True)
    catalogue = load_promises()
    before = {r.promise.id: r.holds for r in check(active, catalogue)}
    after = {r.promise.id: r.holds for r in check(candidate, catalogue)}
    return VersionComparison(
        active=active,
        candidate=candidate,
        diff=result,
        regions=[_in_words(region) for region in result.regions],
        not_stated_regions=[_in_words(region) for region in result.not_stated_regions],
        broken=[p for p in catalogue if before[p.id] and not after[p.id]],
        newly_proven=[p for p in catalogue if after[p.id] and not before[p.id]],
        kept=[p for p in catalogue if before[p.id] and after[p.id]],
    )
