"""Reads of reports, always scoped to what the user may see (`accounts.permissions`)."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class PersonContent:
    role: str
    role_label: str
    label: str
    name: str


@dataclass(frozen=True)
class ReportContent:
    """A report's personal data, opened for one reader (never cached, never logged)."""

    account: str
    contact: str
    people: tuple[PersonContent, ...]
    occurred: str = ""
    place: str = ""
    preferred_language: str = ""


def report_content(*, report: Report) -> ReportContent:
    """Open the report's sealed fields. The caller records the read (`services.report_read`).

    Raises:
        PrivacyError: a sealed field does not open (tampered, or its key destroyed).
    """
    return ReportContent(
        account=report.unseal_text("account"),
        contact=report.unseal_text("contact"),
        people=tuple(
            PersonContent(
                role=person.role,
                role_label=str(person.get_role_display()),
                label=person.unseal_text("label"),
                name=person.unseal_text("name"),
            )
            for person in report.people.all()
        ),
        occurred=report.unseal_text("occurred"),
        place=report.unseal_text("place"),
        preferred_language=report.unseal_text("preferred_language"),
    )


def reader_role(*, user: User, report: Report) -> str:
    """The part in which `user` reads `report`: their role in its force, or advocate."""
    roles = set(user.memberships.filter(force_id=report.force_id).values_list("role", flat=True))
    for role in ("officer", "supervisor", "dpo", "auditor"):
        if role in roles:
            return role
    return "advocate"
