"""The gateway: decisions by the force's active policy, obligations carried out, the ledger."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from haven.web.ledger.models import LedgerEntry
from haven.web.reporting.models import Stage
from haven.web.reporting.services import report_stage_change, sealed_note_record
from haven.web.sharing.models import Status
from haven.web.sharing.services import (
    OfficerAnswers,
    approval_record,
    decision_request_create,
    package_build,
    referral_record,
    status_from_sealed,
)
from tests.web.sharing.conftest import DUTIES, doubt_from_the_abuser, kinds, steps, use_policy

# --- the same request under three policies -----------------------------------------------


def test_hmicfrs_2020_refuses_sharing_a_domestic_abuse_victim_on_doubt_and_asks_for_a_referral(
    met, report, victim, officer
):
    use_policy(met, "hmicfrs-2020")
    doubt_from_the_abuser(report, victim, officer)
    request = decision_request_create(
        report=report,
        person=victim,
        action="disclose",
        answers=OfficerAnswers(purpose="immigration_control", recipient="immigration_enforcement"),
        by=officer,
    )
    assert request.decision == "deny" and request.status == Status.REFUSED
    assert request.rules == ["deny-sharing-domestic-abuse-victims-on-doubt"]
    assert "refer_to_support" in request.obligations
    referral_record(request=request, service="Southall Black Sisters", by=officer)
    # The sealed compartment was opened (and ledgered) to decide; then the decision and
    # the referral, each on the record.
    assert kinds(report)[-3:] == ["sealed_access", "decision", "request_step"]
    assert steps(report) == ["referred_to_support"]
    with pytest.raises(ValidationError):
        package_build(request=request, by=officer)


@pytest.mark.parametrize("policy", ["npcc-2018", "met-2019"])
def test_the_same_request_is_allowed_under_npcc_2018_and_met_2019(
    policy, met, report, victim, officer
):
    use_policy(met, policy)
    doubt_from_the_abuser(report, victim, officer)
    request = decision_request_create(
        report=report,
        person=victim,
        action="disclose",
        answers=OfficerAnswers(purpose="immigration_control", recipient="immigration_enforcement"),
        by=officer,
    )
    assert request.decision == "allow"
    if policy == "npcc-2018":
        assert {"treat_as_victim", "no_enforcement_action"} <= set(request.obligations)
    package = package_build(request=request, by=officer)
    assert package["recipient"] == "immigration_enforcement"
    assert set(package["fields"]) == {"reference", "force", "person_role", "person_name"}
    assert "disclosure" in kinds(report)


# --- each obligation -------------------------------------------------------------------------


def test_record_rationale_and_supervisor_approval(met, report, victim, officer, supervisor):
    use_policy(met, DUTIES)
    answers = OfficerAnswers(purpose="safeguarding", recipient="support_service")
    with pytest.raises(ValidationError, match="requires one"):
        decision_request_create(
            report=report, person=victim, action="disclose", answers=answers, by=officer
        )
    assert not LedgerEntry.objects.filter(kind="decision").exists()  # nothing recorded
    request = decision_request_create(
        report=report, person=victim, action="disclose", answers=answers, by=officer,
        rationale="She asked to be put in touch with a refuge.",
    )  # fmt: skip
    assert request.status == Status.AWAITING_APPROVAL
    with pytest.raises(ValidationError, match="approved"):
        package_build(request=request, by=officer)
    with pytest.raises(PermissionDenied):
        approval_record(request=request, approver=officer, approved=True, reason="mine")
    request = approval_record(request=request, approver=supervisor, approved=True, reason="Fine.")
    assert request.status == Status.APPROVED
    package_build(request=request, by=officer)
    assert steps(report) == ["rationale_recorded", "approved"]


def test_dual_control_needs_two_different_approvers(
    met, report, victim, officer, supervisor, second_supervisor
):
    use_policy(met, DUTIES)
    request = decision_request_create(
        report=report, person=victim, action="disclose",
        answers=OfficerAnswers(purpose="investigation", recipient="police"), by=officer,
    )  # fmt: skip
    request = approval_record(request=request, approver=supervisor, approved=True, reason="Yes.")
    assert request.status == Status.AWAITING_SECOND_APPROVAL
    with pytest.raises(ValidationError, match="someone else"):
        approval_record(request=request, approver=supervisor, approved=True, reason="Again.")
    request = approval_record(
        request=request, approver=second_supervisor, approved=True, reason="Agreed."
    )
    assert request.status == Status.APPROVED


def test_an_approver_can_refuse(met, report, victim, officer, supervisor):
    use_policy(met, DUTIES)
    request = decision_request_create(
        report=report, person=victim, action="disclose",
        answers=OfficerAnswers(purpose="investigation", recipient="police"), by=officer,
    )  # fmt: skip
    request = approval_record(request=request, approver=supervisor, approved=False, reason="No.")
    assert request.status == Status.REFUSED_BY_APPROVER
    assert "refused_by_approver" in steps(report)


def test_defer_until_concluded_holds_the_request_until_the_case_concludes(
    met, report, victim, officer
):
    use_policy(met, DUTIES)
    request = decision_request_create(
        report=report, person=victim, action="disclose",
        answers=OfficerAnswers(purpose="safeguarding", recipient="nrm"), by=officer,
    )  # fmt: skip
    assert request.status == Status.DEFERRED
    with pytest.raises(ValidationError):
        package_build(request=request, by=officer)
    report_stage_change(report=report, stage=Stage.CONCLUDED, by=officer)
    request.refresh_from_db()
    assert request.status == Status.APPROVED
    assert steps(report) == ["deferred_until_concluded", "released_from_deferral"]


def test_minimise_fields_narrows_the_package(met, report, victim, officer):
    use_policy(met, DUTIES)
    request = decision_request_create(
        report=report, person=victim, action="disclose",
        answers=OfficerAnswers(purpose="safeguarding", recipient="safeguarding_partner"),
        by=officer,
    )  # fmt: skip
    pytest.importorskip("haven.web.portal.services")
    package = package_build(request=request, by=officer)
    assert set(package["fields"]) == {
        "reference", "offence", "person_role", "person_label", "contact",
    }  # fmt: skip
    assert "account" not in package["fields"]


def test_a_package_holds_sealed_data_only_for_regularisation_support(met, report, victim, officer):
    use_policy(met, DUTIES)
    doubt_from_the_abuser(report, victim, officer)
    ordinary = decision_request_create(
        report=report, person=victim, action="disclose",
        answers=OfficerAnswers(purpose="safeguarding", recipient="support_service"),
        by=officer, rationale="Refuge place.",
    )  # fmt: skip
    assert ordinary.status == Status.AWAITING_APPROVAL
    helped = decision_request_create(
        report=report, person=victim, action="disclose",
        answers=OfficerAnswers(
            purpose="regularisation_support", recipient="support_service", consent="given"
        ),
        by=officer,
    )  # fmt: skip
    package = package_build(request=helped, by=officer)
    assert package["fields"]["status_note"] == "Her husband says her visa has run out."
    assert package["fields"]["status_concern"] == "doubt"


def test_only_officers_of_the_force_may_request(met, report, victim, kent_officer, auditor):
    for user in (kent_officer, auditor):
        with pytest.raises(PermissionDenied):
            decision_request_create(
                report=report, person=victim, action="pnc_check",
                answers=OfficerAnswers(purpose="safeguarding"), by=user,
            )  # fmt: skip


def test_the_gateway_decides_on_the_persons_latest_note_else_the_reports(
    met, report, victim, officer
):
    def status() -> tuple[str, str]:
        with transaction.atomic():
            return status_from_sealed(
                report=report, person=victim, request_seal="r", reason="decision", by=officer
            )

    def note(person, concern: str, source: str) -> None:
        sealed_note_record(
            report=report,
            person=person,
            recorded_by=officer,
            status_concern=concern,
            status_source=source,
            note="",
        )

    assert status() == ("none", "none")
    note(None, "suspected", "officer")
    assert status() == ("suspected", "officer")  # the report's, with none about her
    note(victim, "doubt", "suspect")
    note(None, "confirmed", "officer")  # newer, but about the report as a whole
    assert status() == ("doubt", "suspect")
    note(victim, "suspected", "suspect")
    assert status() == ("suspected", "suspect")  # her newest
