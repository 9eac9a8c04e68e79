"""Reads about a force's policy versions (docs/governance.md).

The version in force is decided when it is read: the latest-effective version that is
approved or active and whose effective date has passed. So an approved version takes
effect at its effective date with no job having to run; `services.settle_versions`
later brings the stored statuses up to date (approved → active, the one before →
superseded) and ledgers that step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.utils import timezone

from haven.policy import CompiledPolicy, compile_policy, load_policy_text
from haven.web.accounts.models import Force
from haven.web.governance.models import PolicyVersion, VersionStatus

IN_FORCE_STATUSES = (VersionStatus.APPROVED, VersionStatus.ACTIVE)


def policy_versions(*, force: Force) -> list[PolicyVersion]:
    """Every stored version of `force`'s policy, newest first: the public history."""
    return list(
        PolicyVersion.objects.filter(force=force)
        .select_related("force", "restores")
        .order_by("-number")
    )


def force_active_version(*, force: Force, at: datetime | None = None) -> PolicyVersion | None:
    """The stored version in force for `force` at `at` (now), or None when the force is
    on its shipped policy (`Force.active_policy`)."""
    at = at or timezone.now()
    return (
        PolicyVersion.objects.filter(
            force=force, status__in=IN_FORCE_STATUSES, effective_at__lte=at
        )
        .select_related("force")
        .order_by("-effective_at", "-number")
        .first()
    )


def policy_version(*, force: Force, number: int) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(force=force, number=number).select_related("force").first()


def effective_status(version: PolicyVersion, *, at: datetime | None = None) -> str:
    """The version's status as of `at`, whatever the stored one says: an approved version
    past its effective date is in force, and the one it replaced is superseded."""
    current = force_active_version(force=version.force, at=at)
    if version.status in IN_FORCE_STATUSES:
        if current is not None and current.pk == version.pk:
            return VersionStatus.ACTIVE
        if version.status == VersionStatus.APPROVED and (
            version.effective_at is None or version.effective_at > (at or timezone.now())
        ):
            return VersionStatus.APPROVED
        return VersionStatus.SUPERSEDED
    return version.status


@dataclass(frozen=True)
class VersionRow:
    version: PolicyVersion
    status: str
    status_label: str


@dataclass(frozen=True)
class ForceOverview:
    """A force's policy for the DPO's list: what is in force and every version."""

    force: Force
    active: PolicyVersion | None
    shipped_policy: str
    rows: list[VersionRow]


def force_overview(*, force: Force) -> ForceOverview:
    now = timezone.now()
    rows = []
    for version in policy_versions(force=force):
        status = effective_status(version, at=now)
        rows.append(VersionRow(version, status, str(VersionStatus(status).label)))
    return ForceOverview(
        force=force,
        active=force_active_version(force=force, at=now),
        shipped_policy=force.active_policy,
        rows=rows,
    )


def version_compiled(version: PolicyVersion) -> CompiledPolicy:
    """A stored version's policy, compiled once per digest in this process (and cached
    on disk by its text). Its id is `<force code>-v<number>`."""
    return _compiled(version.digest, version.policy_id, version.text)


@lru_cache(maxsize=64)
def _compiled(digest: str, policy_id: str, text: str) -> CompiledPolicy:
    return compile_policy(load_policy_text(text, policy_id=policy_id))


def second_approver_exists(version: PolicyVersion) -> bool:
    """Whether someone other than the version's signer holds the DPO role in its force."""
    from haven.web.accounts.models import Membership, Role

    others = Membership.objects.filter(force=version.force, role=Role.DPO)
    if version.signed_off_by_id is not None:
        others = others.exclude(user_id=version.signed_off_by_id)
    return others.exists()
