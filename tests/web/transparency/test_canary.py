"""A canary: no personal data of a report (its account, a person's name or label, its
reference, a receipt code, a sealed note) appears on any public transparency page, even
after the report's decisions and a checkpoint are in the ledger."""

from __future__ import annotations

import secrets

import pytest
from django.urls import reverse

from haven.web.accounts.models import Role
from haven.web.ledger.services import checkpoint_sign
from haven.web.portal.services import receipt_code_issue_by_force
from haven.web.reporting.models import Channel
from haven.web.reporting.services import PersonInReport, report_create, sealed_note_record
from tests.web.conftest import _staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def canary() -> str:
    return f"CANARY{secrets.token_hex(8).upper()}"


def test_no_personal_data_on_any_transparency_page(client, all_forces, met, canary):
    officer = _staff(f"{canary.lower()}-officer", met, Role.OFFICER)
    report = report_create(
        force=met,
        offence="domestic_abuse",
        account=f"He hit me. {canary} account",
        people=[
            PersonInReport(role="victim", label="the caller", name=f"{canary} name"),
            PersonInReport(role="suspect", label=f"{canary} label"),
        ],
        contact=f"Text {canary} contact after 6pm",
        channel=Channel.PORTAL,
    )
    coded = report_create(
        force=met,
        offence="domestic_abuse",
        account="Recorded by phone.",
        people=[PersonInReport(role="victim", label=f"{canary} caller")],
        channel=Channel.PORTAL,
    )
    code = receipt_code_issue_by_force(report=coded, person=coded.people.first(), by=officer)
    sealed_note_record(
        report=report,
        recorded_by=officer,
        status_concern="doubt",
        status_source="suspect",
        note=f"{canary} sealed note",
    )
    checkpoint_sign()
    secrets_on_record = [canary, canary.lower(), report.reference, coded.reference, code]
    urls = [reverse("transparency:index"), reverse("transparency:reforms")]
    urls += [reverse("transparency:force", args=[force.code]) for force in all_forces]
    urls.append(reverse("accounts:force-index"))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in secrets_on_record:
            assert secret not in body, (url, secret)
