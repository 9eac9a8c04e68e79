"""Reads of reports, always scoped to what the user may see (`accounts.permissions`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from haven.web.accounts.models import User
from haven.web.accounts.permissions import Capability, forces_where
from haven.web.reporting.models import Report


def report_list_for_user(*, user: User) -> QuerySet[Report]:
    """Reports of the forces where `user` may view reports, plus their organisation's submissions."""
    if not user.is_authenticated or not user.is_active:
        return Report.objects.none()
    visible = Q(force__in=forces_where(user=user, capability=Capability.VIEW_REPORTS))
    visible |= Q(advocate_organisation__in=user.advocate_organisations.all())
    return (
        Report.objects.filter(visible)
        .select_related("force", "advocate_organisation")
        .prefetch_related("people")
        .distinct()
    )


def report_get_for_user(*, user: User, reference: str) -> Report:
    """One report `user` may see. Raises `Report.DoesNotExist` otherwise, so another force's report is a 404."""
    return report_list_for_user(user=user).get(reference=reference)
