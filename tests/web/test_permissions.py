"""Role rules: what each role may see and do, and that nothing leaks across forces."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.web.accounts.models import Role
from haven.web.accounts.permissions import (
    ROLE_CAPABILITIES,
    Capability,
    can,
    capabilities_in_force,
    forces_where,
    is_advocate,
)
from haven.web.reporting.models import Report
from haven.web.reporting.selectors import report_get_for_user, report_list_for_user


def test_every_role_has_a_rule():
    assert set(ROLE_CAPABILITIES) == set(Role)


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (Role.OFFICER, Capability.REQUEST_DECISIONS, Capability.APPROVE_DECISIONS),
        (Role.SUPERVISOR, Capability.APPROVE_DECISIONS, Capability.MANAGE_POLICY),
        (Role.DPO, Capability.MANAGE_POLICY, Capability.REQUEST_DECISIONS),
        (Role.AUDITOR, Capability.VERIFY_LEDGER, Capability.VIEW_REPORTS),
    ],
)
def test_role_grants_its_capabilities_and_not_others(role, allowed, refused):
    assert allowed in ROLE_CAPABILITIES[role]
    assert refused not in ROLE_CAPABILITIES[role]


def test_capabilities_hold_only_in_the_users_own_force(officer, met, kent):
    assert can(user=officer, capability=Capability.VIEW_REPORTS, force=met)
    assert not can(user=officer, capability=Capability.VIEW_REPORTS, force=kent)
    assert list(forces_where(user=officer, capability=Capability.VIEW_REPORTS)) == [met]


def test_inactive_user_can_do_nothing(officer, met):
    officer.is_active = False
    officer.save()
    assert capabilities_in_force(user=officer, force=met) == frozenset()
    assert report_list_for_user(user=officer).count() == 0


def test_officer_sees_own_force_reports_only(officer, report, kent_report):
    assert list(report_list_for_user(user=officer)) == [report]


def test_auditor_never_sees_report_content(auditor, report):
    assert report_list_for_user(user=auditor).count() == 0


def test_an_advocate_sees_no_report_in_the_console_not_even_their_own(
    advocate, report, advocate_report
):
    """Their consent-scoped pages are under /report/follow-up/advocate/ (portal tests)."""
    assert is_advocate(user=advocate)
    assert list(report_list_for_user(user=advocate)) == []


def test_selector_raises_for_another_forces_report(officer, kent_report):
    with pytest.raises(Report.DoesNotExist):
        report_get_for_user(user=officer, reference=kent_report.reference)


def test_contract_officer_cannot_read_another_forces_report(client, officer, kent_report):
    client.force_login(officer)
    response = client.get(reverse("reporting:report-show", args=[kent_report.reference]))
    assert response.status_code == 404
    assert b"Bicycle stolen" not in response.content


def test_contract_auditor_cannot_read_a_report(client, auditor, report):
    client.force_login(auditor)
    response = client.get(reverse("reporting:report-show", args=[report.reference]))
    assert response.status_code == 404
    assert b"passport" not in response.content


def test_contract_anonymous_visitor_is_sent_to_sign_in(client, report):
    response = client.get(reverse("reporting:report-show", args=[report.reference]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
