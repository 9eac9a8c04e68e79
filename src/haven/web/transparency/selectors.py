"""Reads for the public transparency pages (docs/transparency.md).

Everything here is public by design: a force's policy (shipped or a published version),
the promises it proves, the history of its published versions and the ledger's latest
signed checkpoint. Nothing reads a report, a person or a sealed row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.db.models import QuerySet
from django.utils import timezone

from haven.policy import CompiledPolicy, compile_policy, load_policy_text
from haven.policy.diff import diff
from haven.policy.promises import check, load_promises
from haven.web.accounts.models import Force
from haven.web.accounts.selectors import force_active_policy, force_list
from haven.web.governance.models import PolicyVersion, VersionStatus
from haven.web.governance.selectors import (
    IN_FORCE_STATUSES,
    effective_status,
    force_active_version,
    policy_versions,
)
from haven.web.ledger.models import LedgerCheckpoint
from haven.web.ledger.selectors import checkpoint_latest
from haven.web.portal.information import PolicyInformation, policy_information
from haven.web.transparency.reforms import POLICY_NAMES, RuleCitation, shipped_policy
from haven.web.transparency.words import region_sentence

PUBLISHED_STATUSES = (VersionStatus.APPROVED, VersionStatus.ACTIVE, VersionStatus.SUPERSEDED)
"""Versions the public pages show: those two people signed off and approved. A draft, a
version waiting for its second approver, or one withdrawn before approval is not public."""
CHANGES_SHOWN = 10
"""Changes listed in words per version (the largest); the counts cover all of them."""


# --- national -----------------------------------------------------------------------


@dataclass(frozen=True)
class ForceRow:
    force: Force
    policy_title: str
    policy_name: str
    """A short name for a shipped policy; a published version's title."""
    version_number: int | None
    """The published version in force, or None on the shipped policy."""
    promises_held: int
    promises_checked: int
    last_change: datetime | None
    """When the version in force took effect; None: the shipped policy, never changed."""


def _versions_in_force(*, at: datetime) -> dict[int, PolicyVersion]:
    """The version in force per force id, in one query (newest effective first)."""
    found: dict[int, PolicyVersion] = {}
    rows = PolicyVersion.objects.filter(
        status__in=IN_FORCE_STATUSES, effective_at__lte=at
    ).order_by("force_id", "-effective_at", "-number")
    for version in rows.only("id", "force_id", "number", "effective_at"):
        found.setdefault(version.force_id, version)
    return found


_HELD: dict[str, tuple[int, int]] = {}


def promises_held(compiled: CompiledPolicy) -> tuple[int, int]:
    """(promises that hold, promises checked) for a policy, once per policy text per
    process: forces on the same text share the entry, however many forces there are."""
    key = compiled.policy.digest
    if key not in _HELD:
        results = check(compiled, load_promises())
        _HELD[key] = (sum(result.holds for result in results), len(results))
    return _HELD[key]


def national_rows(forces: QuerySet[Force] | None = None) -> list[ForceRow]:
    """Every force, in name order: its policy in force and the promises it proves (the
    same check as its information page: a promise holds only by a cited rule)."""
    now = timezone.now()
    in_force = _versions_in_force(at=now)
    rows = []
    for force in forces if forces is not None else force_list():
        compiled = force_active_policy(force=force)
        held, checked = promises_held(compiled)
        version = in_force.get(force.pk)
        rows.append(
            ForceRow(
                force=force,
                policy_title=compiled.policy.title,
                policy_name=POLICY_NAMES.get(compiled.id, compiled.policy.title),
                version_number=version.number if version else None,
                promises_held=held,
                promises_checked=checked,
                last_change=version.effective_at if version else None,
            )
        )
    return rows


# --- one force ----------------------------------------------------------------------


@dataclass(frozen=True)
class VersionChange:
    """What a published version changed against the one before it (engine's diff)."""

    against_number: int | None
    """The earlier published version, or None: the shipped policy the force was on."""
    against_title: str
    changed: int
    more_protective: int
    less_protective: int
    not_stated: int
    sentences: tuple[tuple[str, int], ...]
    promises_gained: tuple[str, ...]
    promises_lost: tuple[str, ...]


@dataclass(frozen=True)
class HistoryRow:
    number: int
    status_label: str
    effective_at: datetime | None
    ended_at: datetime | None
    digest: str
    restores: int | None
    change: VersionChange


@dataclass(frozen=True)
class ForcePage:
    force: Force
    compiled: CompiledPolicy
    information: PolicyInformation
    version: PolicyVersion | None
    rules: tuple[RuleCitation, ...]
    history: tuple[HistoryRow, ...]
    shipped_title: str
    checkpoint: LedgerCheckpoint | None


@lru_cache(maxsize=256)
def _compiled_version(digest: str, policy_id: str, text: str) -> CompiledPolicy:
    return compile_policy(load_policy_text(text, policy_id=policy_id))


def _compiled_of(version: PolicyVersion) -> CompiledPolicy:
    return _compiled_version(version.digest, version.policy_id, version.text)


_CHANGES: dict[tuple[str, str, int | None], VersionChange] = {}


def _version_change(
    before: CompiledPolicy, after: CompiledPolicy, against_number: int | None
) -> VersionChange:
    """What `after` changed against `before`, once per pair of texts per process (the
    cache holds the small result, keyed by the texts' digests, never the tables)."""
    key = (before.policy.digest, after.policy.digest, against_number)
    if key not in _CHANGES:
        _CHANGES[key] = _compute_version_change(before, after, against_number)
    return _CHANGES[key]


def _compute_version_change(
    before: CompiledPolicy, after: CompiledPolicy, against_number: int | None
) -> VersionChange:
    result = diff(before, after)
    tighter = sum(r.count for r in result.regions if r.to_decision == "deny")
    held_before = {r.promise.id: r.holds for r in check(before, load_promises())}
    held_after = {r.promise.id: r for r in check(after, load_promises())}
    return VersionChange(
        against_number=against_number,
        against_title=before.policy.title,
        changed=result.changed,
        more_protective=tighter,
        less_protective=result.changed - tighter,
        not_stated=result.not_stated,
        sentences=tuple(
            (region_sentence(region), region.count) for region in result.regions[:CHANGES_SHOWN]
        ),
        promises_gained=tuple(
            r.promise.english for i, r in held_after.items() if r.holds and not held_before.get(i)
        ),
        promises_lost=tuple(
            r.promise.english for i, r in held_after.items() if held_before.get(i) and not r.holds
        ),
    )


def _history(force: Force) -> tuple[HistoryRow, ...]:
    now = timezone.now()
    published = [
        version
        for version in reversed(policy_versions(force=force))
        if version.status in PUBLISHED_STATUSES
    ]
    rows = []
    previous: CompiledPolicy | None = None
    previous_number: int | None = None
    for version in published:
        compiled = _compiled_of(version)
        if previous is None:
            # Before its first published version a force is on its shipped policy.
            previous = shipped_policy(force.active_policy)
        change = _version_change(previous, compiled, previous_number)
        status = effective_status(version, at=now)
        rows.append(
            HistoryRow(
                number=version.number,
                status_label=str(VersionStatus(status).label),
                effective_at=version.effective_at,
                ended_at=version.ended_at,
                digest=version.digest,
                restores=version.restores.number if version.restores else None,
                change=change,
            )
        )
        previous, previous_number = compiled, version.number
    return tuple(reversed(rows))


def force_page(*, force: Force) -> ForcePage:
    compiled = force_active_policy(force=force)
    return ForcePage(
        force=force,
        compiled=compiled,
        information=policy_information(compiled),
        version=force_active_version(force=force),
        rules=tuple(
            RuleCitation(summary=rule.summary, source=rule.source) for rule in compiled.policy.rules
        ),
        history=_history(force),
        shipped_title=shipped_policy(force.active_policy).policy.title,
        checkpoint=checkpoint_latest(),
    )


def force_by_code(code: str) -> Force | None:
    return Force.objects.filter(code=code).first()
