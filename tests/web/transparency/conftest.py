"""Fixtures for the public transparency pages: published policy versions of a force."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from haven.policy.registry import resolve_policy_path
from haven.web.accounts.forces import TERRITORIAL_FORCES
from haven.web.accounts.models import Force
from haven.web.governance.models import PolicyVersion, VersionStatus, text_digest


def shipped_text(policy_id: str) -> str:
    return resolve_policy_path(policy_id)[1].read_text(encoding="utf-8")


def publish(force: Force, number: int, policy_id: str, *, status: str, days_ago: int):
    text = shipped_text(policy_id)
    return PolicyVersion.objects.create(
        force=force,
        number=number,
        base_policy=policy_id,
        text=text,
        digest=text_digest(text),
        status=status,
        effective_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def all_forces(db) -> list[Force]:
    if Force.objects.count() < len(TERRITORIAL_FORCES):
        for code, name, country in TERRITORIAL_FORCES:
            Force.objects.update_or_create(code=code, defaults={"name": name, "country": country})
    return list(Force.objects.order_by("name"))


@pytest.fixture
def met_history(met):
    """The Met: on iemvp-2023 (shipped), then version 1 (the firewall, superseded) and
    version 2 (firewall with consent, in force), and a draft nobody approved."""
    first = publish(met, 1, "firewall", status=VersionStatus.SUPERSEDED, days_ago=30)
    second = publish(met, 2, "firewall-consent", status=VersionStatus.ACTIVE, days_ago=3)
    draft = publish(met, 3, "pre-2018", status=VersionStatus.DRAFT, days_ago=0)
    draft.effective_at = None
    draft.save()
    return first, second, draft
