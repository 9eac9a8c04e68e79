"""The data model: reference forces, memberships, reports and the people in them."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from haven.policy.space import ATTRIBUTE_BY_NAME
from haven.web.accounts.forces import TERRITORIAL_FORCES
from haven.web.accounts.models import Force, Membership, Role
from haven.web.reporting.models import Channel, Offence, PersonRole, Report, ReportPerson, Stage
from haven.web.reporting.services import PersonInReport, report_create, report_stage_change


def test_all_43_territorial_forces_are_loaded_with_their_official_names(db):
    assert Force.objects.count() == 43
    assert Force.objects.filter(country="Wales").count() == 4
    assert Force.objects.get(code="metropolitan").name == "Metropolitan Police Service"
    assert Force.objects.get(code="dyfed-powys").name == "Dyfed-Powys Police"
    assert len({name for _code, name, _country in TERRITORIAL_FORCES}) == 43


def test_offence_stage_and_role_choices_are_the_decision_space_values():
    assert tuple(Offence.values) == ATTRIBUTE_BY_NAME["offence"].values
    assert tuple(Stage.values) == ATTRIBUTE_BY_NAME["stage"].values
    assert tuple(PersonRole.values) == ATTRIBUTE_BY_NAME["role"].values


def test_a_role_in_a_force_is_granted_once(officer, met):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=officer, force=met, role=Role.OFFICER)


def test_unknown_role_is_refused_by_the_database(officer, kent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=officer, force=kent, role="commissioner")


def test_report_gets_an_unguessable_readable_reference(report):
    assert re.fullmatch(r"HVN-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", report.reference)
    assert report.stage == Stage.REPORT
    assert [(p.role, p.unseal_text("label")) for p in report.people.all()] == [
        ("victim", "the caller"),
        ("suspect", "husband"),
    ]
    assert b"husband" not in bytes(report.people.last().label)  # sealed at rest


def test_report_with_unknown_offence_is_refused_and_nothing_is_saved(met):
    with pytest.raises(ValidationError) as caught:
        report_create(
            force=met,
            offence="littering",
            account="x",
            people=[PersonInReport(role="victim", label="me")],
            channel=Channel.PORTAL,
        )
    assert "offence" in caught.value.message_dict
    assert Report.objects.count() == 0


def test_report_with_unknown_person_role_saves_nothing(met):
    with pytest.raises(ValidationError):
        report_create(
            force=met,
            offence="other",
            account="x",
            people=[PersonInReport(role="bystander", label="me")],
            channel=Channel.PORTAL,
        )
    assert Report.objects.count() == 0
    assert ReportPerson.objects.count() == 0


def test_report_without_people_is_refused(met):
    with pytest.raises(ValidationError) as caught:
        report_create(force=met, offence="other", account="x", people=[], channel=Channel.PORTAL)
    assert "people" in caught.value.message_dict


def test_advocate_channel_requires_the_organisation(met):
    with pytest.raises(ValidationError):
        report_create(
            force=met,
            offence="other",
            account="x",
            people=[PersonInReport(role="victim", label="client")],
            channel=Channel.ADVOCATE,
        )
    assert Report.objects.count() == 0


def test_stage_change_moves_the_report_on(report):
    report_stage_change(report=report, stage=Stage.INVESTIGATION)
    report.refresh_from_db()
    assert report.stage == "investigation"


def test_passwords_are_hashed_with_argon2(officer):
    assert officer.password.startswith("argon2$argon2id$")


def test_every_force_has_an_active_policy_and_practice_as_found_is_refused(met):
    from haven.web.accounts.selectors import force_active_policy

    assert met.active_policy == "iemvp-2023"
    assert force_active_policy(force=met).id == "iemvp-2023"
    met.active_policy = "practice-2020"
    with pytest.raises(ValidationError, match="not a policy a force can adopt"):
        met.full_clean()
    met.active_policy = "no-such-policy"
    with pytest.raises(ValidationError):
        met.full_clean()
