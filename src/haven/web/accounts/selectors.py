"""Reads about users, forces and organisations."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.db.models import QuerySet

from haven.policy import CompiledPolicy, load_compiled_policy
from haven.web.accounts.models import AdvocateOrganisation, Force, Membership, User
from haven.web.accounts.permissions import (
    ADVOCATE_CAPABILITIES,
    CAPABILITY_LABELS,
    AdvocateCapability,
    Capability,
    capabilities_in_force,
)


def force_list() -> QuerySet[Force]:
    return Force.objects.order_by("name")


def force_active_policy(*, force: Force) -> CompiledPolicy:
    """The compiled policy in force for `force`: the one place the portal, the console and
    the public pages read it from (compiled once per process, memory-mapped).

    That is the force's stored policy version in force (`haven.web.governance`; an
    approved version counts from its effective date, checked here at read time), or,
    when it has none, its shipped `Force.active_policy`."""
    from haven.web.governance.selectors import force_active_version, version_compiled

    if not force.has_approved_version:
        return _compiled(force.active_policy)
    version = force_active_version(force=force)
    if version is not None:
        return version_compiled(version)
    return _compiled(force.active_policy)


@lru_cache(maxsize=64)
def _compiled(policy_id: str) -> CompiledPolicy:
    return load_compiled_policy(policy_id)


@dataclass(frozen=True)
class ForceAccess:
    force: Force
    roles: list[str]
    capabilities: frozenset[Capability]

    @property
    def capability_labels(self) -> list[str]:
        return [str(CAPABILITY_LABELS[c]) for c in Capability if c in self.capabilities]


@dataclass(frozen=True)
class UserAccess:
    """What a signed-in user may do, for their home page."""

    forces: list[ForceAccess]
    organisations: list[AdvocateOrganisation]
    advocate_capabilities: frozenset[AdvocateCapability]

    @property
    def granted(self) -> frozenset[Capability]:
        """Everything the user may do in some force."""
        return frozenset().union(*(entry.capabilities for entry in self.forces))


def user_access(*, user: User) -> UserAccess:
    memberships = (
        Membership.objects.filter(user=user).select_related("force").order_by("force__name", "role")
    )
    by_force: dict[int, tuple[Force, list[str]]] = {}
    for membership in memberships:
        by_force.setdefault(membership.force_id, (membership.force, []))[1].append(
            membership.get_role_display()
        )
    organisations = list(user.advocate_organisations.order_by("name"))
    return UserAccess(
        forces=[
            ForceAccess(
                force=force, roles=roles, capabilities=capabilities_in_force(user=user, force=force)
            )
            for force, roles in by_force.values()
        ],
        organisations=organisations,
        advocate_capabilities=ADVOCATE_CAPABILITIES if organisations else frozenset(),
    )


def staff_names(
    *, report_force: Force, organisation: AdvocateOrganisation | None
) -> dict[str, str]:
    """Who may appear in a report's ledger events, by their pseudonym there: the staff of
    its force and, for a report an advocate made, their organisation's advocates. Each
    maps to their full name, or their username when they have none."""
    from haven.web.accounts.services import staff_pseudonym

    people = User.objects.filter(memberships__force=report_force)
    if organisation is not None:
        people = people | User.objects.filter(advocate_organisations=organisation)
    return {
        staff_pseudonym(user): user.get_full_name() or user.username for user in people.distinct()
    }
