"""Granting and revoking roles, completed sign-ins and lockouts are on the record."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from haven.web.accounts.models import Role
from haven.web.accounts.services import (
    membership_grant,
    membership_revoke,
    staff_pseudonym,
)
from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.selectors import entry_event
from tests.web.conftest import PASSWORD, totp_code


def payloads(kind: str) -> list[dict]:
    return [entry_event(e)["payload"] for e in LedgerEntry.objects.filter(kind=kind)]


def test_granting_and_revoking_a_role_is_recorded_once_each(officer, supervisor, kent):
    before = len(payloads("membership_granted"))
    membership_grant(user=officer, force=kent, role=Role.OFFICER, by=supervisor)
    membership_grant(user=officer, force=kent, role=Role.OFFICER, by=supervisor)  # no change
    granted = payloads("membership_granted")[before:]
    assert granted == [
        {
            "member": staff_pseudonym(officer),
            "force": "kent",
            "role": "officer",
            "by": staff_pseudonym(supervisor),
        }
    ]
    assert membership_revoke(user=officer, force=kent, role=Role.OFFICER, by=supervisor)
    assert not membership_revoke(user=officer, force=kent, role=Role.OFFICER, by=supervisor)
    assert [e["force"] for e in payloads("membership_revoked")] == ["kent"]


def test_a_completed_sign_in_is_recorded_and_a_password_alone_is_not(client, officer):
    client.post(reverse("accounts:sign-in"), {"username": "officer", "password": PASSWORD})
    assert payloads("signed_in") == []
    client.post(reverse("accounts:sign-in-code"), {"code": totp_code()})
    assert payloads("signed_in") == [{"user": staff_pseudonym(officer)}]


def test_a_lockout_is_recorded_once_whatever_the_attempts_and_without_an_address(officer):
    client = Client(REMOTE_ADDR="203.0.113.77")
    for _ in range(9):
        client.post(reverse("accounts:sign-in"), {"username": "officer", "password": "wrong"})
    assert payloads("sign_in_locked_out") == [{"user": staff_pseudonym(officer)}]
    for entry in LedgerEntry.objects.all():
        assert b"203.0.113.77" not in bytes(entry.leaf)
        assert "203.0.113.77" not in str(entry_event(entry))
    # Failed attempts themselves write nothing: anyone could send them.
    assert not LedgerEntry.objects.filter(kind="signed_in").exists()
