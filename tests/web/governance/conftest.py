"""Fixtures for the governance pages: a second DPO of the Met, and policy texts."""

from __future__ import annotations

import pytest

from haven.policy.registry import resolve_policy_path
from haven.web.accounts.models import Role
from haven.web.ledger.models import LedgerEntry
from haven.web.ledger.selectors import entry_event
from tests.web.conftest import _staff


def shipped_text(policy_id: str) -> str:
    return resolve_policy_path(policy_id)[1].read_text(encoding="utf-8")


@pytest.fixture
def second_dpo(met):
    return _staff("dpo-two", met, Role.DPO)


def policy_events() -> list[dict]:
    """The public policy-version events, oldest first."""
    return [
        entry_event(entry)
        for entry in LedgerEntry.objects.filter(kind__startswith="policy_version").order_by(
            "position"
        )
    ]
