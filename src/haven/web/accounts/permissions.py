"""What each role may see and do: the one place that decides it.

A user's powers come only from memberships (a role in a force) and from membership
of advocate organisations. Views, selectors and services ask here; nothing else
inspects `Membership.role` to grant access.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from haven.web.accounts.models import Force, Membership, Role, User


class Capability(StrEnum):
    VIEW_REPORTS = "view_reports"
    RECORD_REPORTS = "record_reports"
    REQUEST_DECISIONS = "request_decisions"  # status checks, disclosures, arrest requests
    APPROVE_DECISIONS = "approve_decisions"  # the second pair of eyes under dual control
    MANAGE_POLICY = "manage_policy"  # draft, compare, verify and sign off policy versions
    ANSWER_SUBJECT_ACCESS = "answer_subject_access"
    VERIFY_LEDGER = "verify_ledger"
    VIEW_STATISTICS = "view_statistics"


CAPABILITY_LABELS: dict[Capability, str] = {
    Capability.VIEW_REPORTS: _("read the force's reports"),
    Capability.RECORD_REPORTS: _("record reports"),
    Capability.REQUEST_DECISIONS: _("ask for checks and disclosures"),
    Capability.APPROVE_DECISIONS: _("approve or refuse requests"),
    Capability.MANAGE_POLICY: _("draft and sign off policy versions"),
    Capability.ANSWER_SUBJECT_ACCESS: _("answer subject access requests"),
    Capability.VERIFY_LEDGER: _("audit the ledger"),
    Capability.VIEW_STATISTICS: _("read the statistics"),
}
"""What each capability lets a person do, in words for their home page."""

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.OFFICER: frozenset(
        {Capability.VIEW_REPORTS, Capability.RECORD_REPORTS, Capability.REQUEST_DECISIONS}
    ),
    Role.SUPERVISOR: frozenset(
        {
            Capability.VIEW_REPORTS,
            Capability.RECORD_REPORTS,
            Capability.REQUEST_DECISIONS,
            Capability.APPROVE_DECISIONS,
        }
    ),
    # The DPO governs policy and answers subject-access requests; they read reports
    # only to answer those requests, never to investigate.
    Role.DPO: frozenset(
        {
            Capability.VIEW_REPORTS,
            Capability.MANAGE_POLICY,
            Capability.ANSWER_SUBJECT_ACCESS,
            Capability.VERIFY_LEDGER,
            Capability.VIEW_STATISTICS,
        }
    ),
    # Oversight sees the ledger and privacy-safe statistics, never a report's content.
    Role.AUDITOR: frozenset({Capability.VERIFY_LEDGER, Capability.VIEW_STATISTICS}),
}


class AdvocateCapability(StrEnum):
    SUBMIT_ON_BEHALF = "submit_on_behalf"
    VIEW_OWN_SUBMISSIONS = "view_own_submissions"


ADVOCATE_CAPABILITIES: frozenset[AdvocateCapability] = frozenset(AdvocateCapability)


def capabilities_in_force(*, user: User, force: Force) -> frozenset[Capability]:
    """Everything `user` may do in `force`, from all their roles there."""
    return capabilities_by_force(user=user).get(force.pk, frozenset())


def capabilities_by_force(*, user: User) -> dict[int, frozenset[Capability]]:
    """Everything `user` may do, by force id, from all their roles.

    Read once per user object (a request's user is loaded for that request) and kept on
    it: a request asks several times (the API's choice of forces, then the service's own
    check). `membership_grant` and `membership_revoke` forget it (`forget_capabilities`).
    """
    if not user.is_authenticated or not user.is_active:
        return {}
    known = user.__dict__.get(_KEPT)
    if known is None:
        granted: dict[int, set[Capability]] = {}
        for force_id, role in _memberships(user.pk):
            granted.setdefault(force_id, set()).update(ROLE_CAPABILITIES[Role(role)])
        known = {force_id: frozenset(capabilities) for force_id, capabilities in granted.items()}
        user.__dict__[_KEPT] = known
    return known


def _memberships(user_id: int) -> list[tuple[int, str]]:
    """(force id, role) of each of the user's memberships. Written out: every console
    page and API call asks, and the ORM took several times longer to build this query
    than the database took to answer it."""
    table = connection.ops.quote_name(Membership._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT force_id, role FROM {table} WHERE user_id = %s", [user_id])  # noqa: S608 - the model's own table name
        return cursor.fetchall()


def forget_capabilities(user: User) -> None:
    """Drop what `capabilities_by_force` kept on `user` (their roles changed)."""
    user.__dict__.pop(_KEPT, None)


_KEPT = "_haven_capabilities_by_force"


def can(*, user: User, capability: Capability, force: Force) -> bool:
    return capability in capabilities_in_force(user=user, force=force)


def forces_where(*, user: User, capability: Capability) -> QuerySet[Force]:
    """The forces in which `user` holds a role granting `capability`."""
    if not user.is_authenticated or not user.is_active:
        return Force.objects.none()
    roles = [role for role, granted in ROLE_CAPABILITIES.items() if capability in granted]
    return Force.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def is_advocate(*, user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.advocate_organisations.exists())
